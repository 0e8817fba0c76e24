/**
 * Everything `makemore train` checks before it prints or trains anything: flags that do not apply to the model kind,
 * the split, the word list, the output file, model sizes, batch size and learning rate. A problem here is a
 * {@link UsageError} (exit 2) and leaves stdout empty.
 */
import type { BackendName } from '../backend/index.ts';
import { Vocabulary } from '../data/vocabulary.ts';
import { splitWords, type WordSplits } from '../data/words.ts';
import type { ModelKind } from '../models/model.ts';
import { UsageError, type ParsedFlags } from './args.ts';
import { flag } from './command.ts';
import { loadWords } from './data.ts';
import { checkOutputFile } from './out-path.ts';
import { checkBigramPlan, checkLearningRate, checkMlpPlan, checkNgramPlan } from './train-plan.ts';

/** Flags that only some model kinds use: giving one to another kind is an error rather than silently ignored. */
const ONLY_FOR: Record<string, readonly ModelKind[]> = {
  n: ['ngram'],
  smoothing: ['ngram'],
  'block-size': ['mlp'],
  embed: ['mlp'],
  hidden: ['mlp'],
  'no-batchnorm': ['mlp'],
  'batch-size': ['mlp'],
  steps: ['bigram', 'mlp'],
  lr: ['bigram', 'mlp'],
  'lr-decay-at': ['bigram', 'mlp'],
  'weight-decay': ['bigram', 'mlp'],
  'eval-every': ['bigram', 'mlp'],
  backend: ['bigram', 'mlp'],
};

/** The resolved settings of a training run (what the model file records). */
export interface TrainSettings {
  kind: ModelKind;
  data: string;
  words: number;
  split: [number, number, number];
  seed: number;
  steps?: number;
  batchSize?: number;
  lr?: number;
  lrDecayAt?: number | null;
  weightDecay?: number;
  evalEvery?: number;
  backend?: BackendName;
}

/** The settings of a neural run. */
export interface NeuralSetup {
  backend: BackendName;
  steps: number;
  lr: number;
  decayAt: number | null;
  weightDecay: number;
  evalEvery: number;
  batchSize: number;
  mlp?: { hidden: number[]; blockSize: number; embedDim: number; batchNorm: boolean };
}

/** A checked training run, ready to start. */
export interface RunSetup {
  kind: ModelKind;
  words: string[];
  source: string;
  splits: WordSplits;
  vocab: Vocabulary;
  seed: number;
  json: boolean;
  out: string | undefined;
  samples: number;
  settings: TrainSettings;
  ngram?: { n: number; smoothing: number };
  neural?: NeuralSetup;
}

/** Checks model-specific flags and the split. */
function checkFlags(parsed: ParsedFlags, kind: ModelKind): [number, number, number] {
  for (const [name, kinds] of Object.entries(ONLY_FOR)) {
    if (parsed.has(name) && !kinds.includes(kind)) {
      throw new UsageError(`--${name}: applies to --model ${kinds.join(' or ')}, not to --model ${kind}`, 'train');
    }
  }
  const n = flag<number>(parsed, 'n', 2);
  if (n > 5) throw new UsageError(`--n: expected an integer from 1 to 5, got '${n}'`, 'train');
  const split = flag<number[]>(parsed, 'split', [0.8, 0.1, 0.1]);
  if (split.some((f) => f < 0) || Math.abs(split[0] + split[1] + split[2] - 1) > 1e-9) {
    throw new UsageError(`--split: expected 3 fractions >= 0 that sum to 1, got '${split.join(',')}'`, 'train');
  }
  if (!(split[0] > 0)) throw new UsageError(`--split: the train fraction must be > 0, got '${split.join(',')}'`, 'train');
  return split as [number, number, number];
}

function neuralSetup(parsed: ParsedFlags, kind: 'bigram' | 'mlp', vocab: Vocabulary, splits: WordSplits): NeuralSetup {
  const steps = flag<number>(parsed, 'steps', kind === 'mlp' ? 200000 : 200);
  const lr = flag<number>(parsed, 'lr', kind === 'mlp' ? 0.1 : 50);
  const decayAt = parsed.has('lr-decay-at') ? flag<number>(parsed, 'lr-decay-at', 0) : kind === 'mlp' ? Math.floor(steps / 2) : null;
  const weightDecay = flag<number>(parsed, 'weight-decay', kind === 'mlp' ? 0 : 0.01);
  const setup: NeuralSetup = {
    backend: flag<BackendName>(parsed, 'backend', 'wasm'),
    steps,
    lr,
    decayAt,
    weightDecay,
    evalEvery: flag<number>(parsed, 'eval-every', Math.max(1, Math.floor(steps / 20))),
    batchSize: flag<number>(parsed, 'batch-size', 32),
  };
  checkLearningRate(lr, decayAt !== null && decayAt < steps, kind === 'mlp' ? weightDecay : 0);
  if (kind === 'bigram') {
    checkBigramPlan(vocab.size);
    return setup;
  }
  const examples = splits.train.reduce((s, w) => s + [...w].length + 1, 0);
  if (setup.batchSize > examples) {
    throw new UsageError(`--batch-size: ${setup.batchSize} is more than the ${examples} training examples`, 'train');
  }
  const mlp = {
    hidden: flag<number[]>(parsed, 'hidden', [200]),
    blockSize: flag<number>(parsed, 'block-size', 3),
    embedDim: flag<number>(parsed, 'embed', 10),
    batchNorm: !flag<boolean>(parsed, 'no-batchnorm', false),
  };
  checkMlpPlan({ ...mlp, vocabSize: vocab.size, batchSize: setup.batchSize });
  return { ...setup, mlp };
}

/** Reads and checks everything a `train` run needs; throws a {@link UsageError} for any bad input. */
export function setupRun(parsed: ParsedFlags): RunSetup {
  const kind = flag<ModelKind>(parsed, 'model', 'mlp');
  const split = checkFlags(parsed, kind);
  const seed = flag<number>(parsed, 'seed', 42);
  const dataPath = flag<string>(parsed, 'data');
  const out = flag<string>(parsed, 'out');
  const { words, source } = loadWords(dataPath, 'train');
  if (out !== undefined) checkOutputFile(out, dataPath === undefined ? [] : [{ flag: '--data', path: dataPath }], 'train');
  let vocab: Vocabulary;
  try {
    // the vocabulary of all words, so dev and test words never hold an unknown character
    vocab = Vocabulary.fromWords(words);
  } catch (error) {
    throw new UsageError(`--data: ${(error as Error).message.replace(/^Vocabulary\.fromWords: /, '')}`, 'train');
  }
  const splits = splitWords(words, { seed, fractions: split });
  if (splits.train.length === 0) {
    throw new UsageError(`--split: the train split of ${words.length} words is empty, got '${split.join(',')}'`, 'train');
  }
  const setup: RunSetup = {
    kind, words, source, splits, vocab, seed, out,
    json: flag<boolean>(parsed, 'json', false),
    samples: flag<number>(parsed, 'samples', 10),
    settings: { kind, data: source, words: words.length, split, seed },
  };
  if (kind === 'ngram') {
    setup.ngram = { n: flag<number>(parsed, 'n', 2), smoothing: flag<number>(parsed, 'smoothing', 1) };
    checkNgramPlan(vocab.size, setup.ngram.n);
    return setup;
  }
  const neural = neuralSetup(parsed, kind, vocab, splits);
  setup.neural = neural;
  Object.assign(setup.settings, {
    ...(kind === 'mlp' ? { batchSize: neural.batchSize } : {}),
    steps: neural.steps,
    lr: neural.lr,
    lrDecayAt: neural.decayAt,
    weightDecay: neural.weightDecay,
    evalEvery: neural.evalEvery,
    backend: neural.backend,
  });
  return setup;
}
