/**
 * `makemore train`: fit a model on a word list, show progress and samples, evaluate on train/dev/test, save it.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createBackend, type BackendName } from '../backend/index.ts';
import { Vocabulary } from '../data/vocabulary.ts';
import { splitWords, type WordSplits } from '../data/words.ts';
import type { LossPoint, TrainingInfo } from '../io/model-file.ts';
import { saveModelFile } from '../io/model-file-node.ts';
import { NeuralBigram } from '../models/bigram.ts';
import { MLP } from '../models/mlp.ts';
import type { LanguageModel, ModelKind, ModelState } from '../models/model.ts';
import { NGramModel } from '../models/ngram.ts';
import { train, TrainingDivergedError, type TrainProgress } from '../train.ts';
import { UsageError, type FlagSpec, type ParsedFlags } from './args.ts';
import { EXIT, flag, type CliContext, type Command } from './command.ts';
import { loadWords } from './data.ts';
import { MAX_SAMPLE_COUNT } from './limits.ts';
import { createReporter, formatDuration, formatLoss, jsonNumber, type Reporter } from './progress.ts';

const backendFlag: FlagSpec = {
  name: 'backend',
  type: 'enum',
  values: ['wasm', 'js'],
  arg: 'NAME',
  help: 'numeric backend: wasm (SIMD kernels) or js (plain TypeScript)',
  defaultText: 'wasm',
};

const flags: FlagSpec[] = [
  { name: 'data', type: 'string', arg: 'FILE', help: 'training words, one per line', defaultText: 'the embedded English first names' },
  { name: 'model', type: 'enum', values: ['ngram', 'bigram', 'mlp'], arg: 'KIND', help: 'ngram (counts), bigram (neural, full batch) or mlp', defaultText: 'mlp' },
  { name: 'n', type: 'int', min: 1, arg: 'N', help: 'ngram: order, 1 to 5 (2 is the count bigram)', defaultText: '2' },
  { name: 'smoothing', type: 'number', min: 0, arg: 'K', help: 'ngram: add-k smoothing pseudo-count', defaultText: '1' },
  { name: 'block-size', type: 'int', min: 1, arg: 'N', help: 'mlp: characters of context', defaultText: '3' },
  { name: 'embed', type: 'int', min: 1, arg: 'D', help: 'mlp: embedding dimension per character', defaultText: '10' },
  { name: 'hidden', type: 'int-list', min: 1, arg: 'H[,H...]', help: 'mlp: hidden layer sizes, one per layer', defaultText: '200' },
  { name: 'no-batchnorm', type: 'boolean', help: 'mlp: no BatchNorm after the hidden linear layers' },
  { name: 'steps', type: 'int', min: 1, arg: 'N', help: 'optimisation steps', defaultText: '200000 (mlp), 200 (bigram)' },
  { name: 'batch-size', type: 'int', min: 1, arg: 'N', help: 'mlp: examples per minibatch (bigram: always the full batch)', defaultText: '32' },
  { name: 'lr', type: 'number', min: 0, exclusiveMin: true, arg: 'RATE', help: 'learning rate of SGD', defaultText: '0.1 (mlp), 50 (bigram)' },
  {
    name: 'lr-decay-at',
    type: 'int',
    min: 0,
    arg: 'STEP',
    help: 'from this step on the learning rate is lr/10 (a value >= --steps: never)',
    defaultText: 'steps/2 (mlp), never (bigram)',
  },
  { name: 'weight-decay', type: 'number', min: 0, arg: 'L', help: 'L2 weight decay: mlp, p −= lr·(g + L·p) on every parameter; bigram, the λ of the loss term λ·mean(W²)', defaultText: '0 (mlp), 0.01 (bigram)' },
  { name: 'split', type: 'number-list', length: 3, arg: 'TR,DEV,TEST', help: 'fractions of the words for train, dev, test (1,0,0: all train)', defaultText: '0.8,0.1,0.1' },
  { name: 'seed', type: 'int', min: 0, arg: 'S', help: 'seed of the split, initialisation, batches and samples', defaultText: '42' },
  { name: 'eval-every', type: 'int', min: 1, arg: 'N', help: 'evaluate the dev loss every N steps', defaultText: 'steps/20' },
  backendFlag,
  { name: 'samples', type: 'int', min: 0, max: MAX_SAMPLE_COUNT, arg: 'N', help: 'how many words to sample from the trained model at the end', defaultText: '10' },
  { name: 'out', type: 'string', arg: 'FILE', help: 'write the trained model to FILE (atomically)' },
  { name: 'json', type: 'boolean', help: 'print one JSON object per line (progress, samples, summary) and nothing else' },
];

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
interface TrainSettings {
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

const TRAIN_SAMPLES = 10;

/** Where each sampled word comes from: makemore.py's "in train" / "in test" / "new" marking. */
export function markSamples(words: readonly string[], splits: WordSplits): { word: string; in: 'train' | 'dev/test' | 'new' }[] {
  const train = new Set(splits.train);
  const held = new Set([...splits.dev, ...splits.test]);
  return words.map((word) => ({ word, in: train.has(word) ? 'train' : held.has(word) ? 'dev/test' : 'new' }));
}

function printSamples(reporter: Reporter, step: number | null, words: readonly string[], splits: WordSplits): void {
  const marked = markSamples(words, splits);
  reporter.event({ event: 'samples', step, samples: marked });
  reporter.line(step === null ? `${words.length} samples from the trained model:` : `${words.length} samples at step ${step}:`);
  for (const group of ['train', 'dev/test', 'new'] as const) {
    const list = marked.filter((m) => m.in === group).map((m) => m.word || '(empty)');
    if (list.length > 0) reporter.line(`  ${group === 'new' ? 'new' : `in ${group}`} (${list.length}): ${list.join(' ')}`);
  }
}

/** Checks model-specific flags and the split. */
function validate(parsed: ParsedFlags, kind: ModelKind): [number, number, number] {
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

/** Downsamples a long per-step loss history for the model file: bucket means of train, every dev point kept. */
export function compactHistory(history: readonly LossPoint[], maxTrainPoints = 2000): LossPoint[] {
  if (history.length <= maxTrainPoints) return history.map((p) => ({ ...p }));
  const size = Math.ceil(history.length / maxTrainPoints);
  const out: LossPoint[] = [];
  for (let start = 0; start < history.length; start += size) {
    const bucket = history.slice(start, start + size);
    const finite = bucket.filter((p) => Number.isFinite(p.train));
    const mean = finite.reduce((s, p) => s + p.train, 0) / Math.max(1, finite.length);
    const last = bucket[bucket.length - 1];
    const point: LossPoint = { step: last.step, train: finite.length > 0 ? mean : Number.NaN };
    const dev = [...bucket].reverse().find((p) => p.dev !== undefined);
    if (dev) point.dev = dev.dev;
    out.push(point);
  }
  return out;
}

/** Fails before training, not after it, when --out cannot be written: creates the directory, checks access. */
function checkOutPath(out: string): void {
  try {
    mkdirSync(dirname(out), { recursive: true });
    accessSync(dirname(out), constants.W_OK);
  } catch (error) {
    throw new UsageError(`--out: cannot write to the directory of '${out}' (${(error as Error).message})`, 'train');
  }
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new UsageError(`--out: '${out}' is a directory, expected a file name such as model.json`, 'train');
  }
}

/**
 * Steps between progress reports: about steps/1000, and a divisor of evalEvery so that every dev evaluation falls on
 * a report (train() passes the dev loss only with the report of the step it was evaluated at).
 */
export function progressInterval(steps: number, evalEvery: number): number {
  const target = Math.max(1, Math.floor(steps / 1000));
  for (let d = Math.min(target, evalEvery); d > 1; d--) if (evalEvery % d === 0) return d;
  return 1;
}

async function runTrain(parsed: ParsedFlags, context: CliContext): Promise<number> {
  const kind = flag<ModelKind>(parsed, 'model', 'mlp');
  const split = validate(parsed, kind);
  const seed = flag<number>(parsed, 'seed', 42);
  const json = flag<boolean>(parsed, 'json', false);
  const out = flag<string>(parsed, 'out');
  const reporter = createReporter(context.stdout, json);
  const { words, source } = loadWords(flag<string>(parsed, 'data'), 'train');
  if (out !== undefined) checkOutPath(out);

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
  if (kind === 'mlp') {
    // checked before anything is printed: a usage error leaves stdout empty
    const batchSize = flag<number>(parsed, 'batch-size', 32);
    const examples = splits.train.reduce((s, w) => s + [...w].length + 1, 0);
    if (batchSize > examples) {
      throw new UsageError(`--batch-size: ${batchSize} is more than the ${examples} training examples`, 'train');
    }
  }
  const settings: TrainSettings = { kind, data: source, words: words.length, split, seed };
  reporter.event({
    event: 'start',
    model: kind,
    data: source,
    words: words.length,
    train_words: splits.train.length,
    dev_words: splits.dev.length,
    test_words: splits.test.length,
    vocab_size: vocab.size,
  });
  reporter.line(
    `data: ${source}, ${words.length} words, ${vocab.size} characters (with '.'); ` +
      `split ${splits.train.length} train / ${splits.dev.length} dev / ${splits.test.length} test`,
  );

  let model: LanguageModel;
  let training: TrainingInfo = {};
  let interrupted = false;
  let bestState: ModelState | undefined;
  let bestDev: number | undefined;

  if (kind === 'ngram') {
    const n = flag<number>(parsed, 'n', 2);
    const smoothing = flag<number>(parsed, 'smoothing', 1);
    const started = performance.now();
    model = NGramModel.fit(splits.train, { n, smoothing, vocab });
    const seconds = (performance.now() - started) / 1000;
    reporter.line(`model: ngram, n = ${n}, add-${smoothing} smoothing; counted ${splits.train.length} words in ${formatDuration(seconds)}`);
    training = { steps: 0, seconds };
  } else {
    const backendName = flag<BackendName>(parsed, 'backend', 'wasm');
    const steps = flag<number>(parsed, 'steps', kind === 'mlp' ? 200000 : 200);
    const lr = flag<number>(parsed, 'lr', kind === 'mlp' ? 0.1 : 50);
    const decayAt = parsed.has('lr-decay-at') ? flag<number>(parsed, 'lr-decay-at', 0) : kind === 'mlp' ? Math.floor(steps / 2) : null;
    const weightDecay = flag<number>(parsed, 'weight-decay', kind === 'mlp' ? 0 : 0.01);
    const evalEvery = flag<number>(parsed, 'eval-every', Math.max(1, Math.floor(steps / 20)));
    const batchSize = flag<number>(parsed, 'batch-size', 32);
    let backend;
    try {
      backend = await createBackend(backendName);
    } catch (error) {
      throw new UsageError(`--backend: cannot start the ${backendName} backend (${(error as Error).message})`, 'train');
    }
    if (kind === 'mlp') {
      const hidden = flag<number[]>(parsed, 'hidden', [200]);
      const blockSize = flag<number>(parsed, 'block-size', 3);
      const embedDim = flag<number>(parsed, 'embed', 10);
      const batchNorm = !flag<boolean>(parsed, 'no-batchnorm', false);
      const mlp = await MLP.create({ vocab, blockSize, embedDim, hidden, batchNorm, seed, backend });
      model = mlp;
      reporter.line(
        `model: mlp, block ${blockSize}, embed ${embedDim}, hidden ${hidden.join(',')}, ` +
          `${batchNorm ? 'BatchNorm' : 'no BatchNorm'}; ${mlp.parameterCount} parameters; backend ${backendName}`,
      );
      Object.assign(settings, { batchSize });
    } else {
      const bigram = await NeuralBigram.create({ vocab, seed, regularization: weightDecay, backend });
      model = bigram;
      reporter.line(`model: neural bigram, λ = ${weightDecay}; ${bigram.parameterCount} parameters; backend ${backendName}; full batch`);
    }
    Object.assign(settings, { steps, lr, lrDecayAt: decayAt, weightDecay, evalEvery, backend: backendName });

    const controller = new AbortController();
    const removeInterrupt = context.onInterrupt(() => {
      if (controller.signal.aborted) return;
      reporter.line('interrupted: stopping after this step...');
      controller.abort();
    });
    // samples at a quarter, half and three quarters of the run, as makemore.py prints them while it trains
    const sampleAt = [1, 2, 3].map((q) => Math.floor((q * steps) / 4)).filter((s) => s > 0 && s < steps);
    const hasDev = splits.dev.length > 0;
    // the loss curve: a point per progress report (mean train loss of its window) plus the dev loss where evaluated
    const history: LossPoint[] = [];
    let result;
    const trainStart = performance.now();
    try {
      result = await train(model as MLP | NeuralBigram, {
        data: { train: splits.train, dev: hasDev ? splits.dev : undefined },
        steps,
        batchSize,
        lr: decayAt === null ? lr : (step: number) => (step < decayAt ? lr : lr / 10),
        weightDecay: kind === 'mlp' ? weightDecay : 0,
        evalEvery,
        progressEvery: progressInterval(steps, evalEvery),
        seed,
        signal: controller.signal,
        onProgress: (p: TrainProgress) => {
          history.push(p.devLoss === undefined ? { step: p.step, train: p.trainLoss } : { step: p.step, train: p.trainLoss, dev: p.devLoss });
          // wall-clock speed, dev evaluations and samples included, so the ETA is honest
          const elapsed = (performance.now() - trainStart) / 1000;
          const stepsPerSecond = elapsed > 0 ? p.step / elapsed : p.stepsPerSecond;
          reporter.progress({ step: p.step, steps, loss: p.trainLoss, devLoss: p.devLoss, stepsPerSecond });
          if (p.devLoss !== undefined && Number.isFinite(p.devLoss) && (bestDev === undefined || p.devLoss < bestDev)) {
            bestDev = p.devLoss;
            bestState = model.toJSON();
          }
          if (sampleAt.length > 0 && p.step >= sampleAt[0]) {
            while (sampleAt.length > 0 && p.step >= sampleAt[0]) sampleAt.shift();
            printSamples(reporter, p.step, model.sample({ count: TRAIN_SAMPLES, seed: seed + p.step }), splits);
          }
        },
      });
    } catch (error) {
      if (error instanceof TrainingDivergedError) {
        throw new Error(`${error.message.replace(/^train: /, '')} (see --lr)`);
      }
      throw error;
    } finally {
      removeInterrupt();
      reporter.finish();
    }
    interrupted = result.stopped;
    training = {
      steps: result.steps,
      seconds: result.seconds,
      history: compactHistory(history),
      interrupted: interrupted || undefined,
    };
    reporter.line(
      `${interrupted ? 'stopped after' : 'trained'} ${result.steps} steps in ${formatDuration(result.seconds)} ` +
        `(${(result.steps / Math.max(1e-9, result.seconds)).toFixed(0)} steps/s)`,
    );
  }
  training.settings = { ...settings };

  if (interrupted) {
    // Ctrl-C: keep the best model seen so far (by dev loss), or the current one if dev was never evaluated
    const state = bestState ?? model.toJSON();
    if (out !== undefined) {
      saveModelFile(out, state, training);
      reporter.line(
        bestState
          ? `wrote the best model so far (dev loss ${formatLoss(bestDev)}) to ${out}`
          : `wrote the model at the interruption to ${out}`,
      );
    }
    reporter.event({
      event: 'summary',
      interrupted: true,
      train_loss: null,
      dev_loss: jsonNumber(bestDev),
      test_loss: null,
      steps: training.steps ?? 0,
      seconds: training.seconds ?? 0,
      out: out ?? null,
    });
    return EXIT.interrupted;
  }

  const lossOf = (list: string[]): number | null => (list.length > 0 ? model.nll(list) : null);
  const losses = { train: lossOf(splits.train), dev: lossOf(splits.dev), test: lossOf(splits.test) };
  training.losses = { train: jsonNumber(losses.train), dev: jsonNumber(losses.dev), test: jsonNumber(losses.test) };
  reporter.line(`loss (mean NLL): train ${formatLoss(losses.train)}  dev ${formatLoss(losses.dev)}  test ${formatLoss(losses.test)}`);
  const finalSamples = flag<number>(parsed, 'samples', TRAIN_SAMPLES);
  if (finalSamples > 0) printSamples(reporter, null, model.sample({ count: finalSamples, seed }), splits);
  if (out !== undefined) {
    saveModelFile(out, model.toJSON(), training);
    reporter.line(`wrote ${out}`);
  }
  reporter.event({
    event: 'summary',
    model: kind,
    train_loss: jsonNumber(losses.train),
    dev_loss: jsonNumber(losses.dev),
    test_loss: jsonNumber(losses.test),
    steps: training.steps ?? 0,
    seconds: training.seconds ?? 0,
    out: out ?? null,
  });
  return EXIT.ok;
}

/** The `train` command. */
export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model on a word list (default: an MLP on the embedded names) and save it',
  description:
    'Trains a character-level model, showing progress (a live bar on a terminal, periodic lines otherwise) and a few\n' +
    "samples marked as in the training set, in dev/test, or new; then reports the mean NLL on train/dev/test, prints\n" +
    'samples and writes the model with --out. Ctrl-C stops training and writes the best model so far (by dev loss).',
  flags,
  examples:
    'Examples:\n' +
    '  makemore train --steps 20000 --out model.json\n' +
    '  makemore train --data names.txt --model ngram --n 3 --split 1,0,0\n' +
    '  makemore train --model bigram --steps 100 --lr 50 --out bigram.json',
  run: runTrain,
};
