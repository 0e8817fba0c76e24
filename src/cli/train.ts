/**
 * `makemore train`: fit a model on a word list, show progress and samples, evaluate on train/dev/test, save it.
 * The order is chosen so that nothing is lost: every check before any output (train-setup.ts), the model written
 * before the final samples are drawn, and the best model so far written on an interrupt or a divergence.
 */
import { createBackend } from '../backend/index.ts';
import type { TrainingInfo } from '../io/model-file.ts';
import { saveModelFile } from '../io/model-file-node.ts';
import { NeuralBigram } from '../models/bigram.ts';
import { MLP } from '../models/mlp.ts';
import type { LanguageModel } from '../models/model.ts';
import { NGramModel } from '../models/ngram.ts';
import { UsageError, type FlagSpec, type ParsedFlags } from './args.ts';
import { EXIT, type CliContext, type Command } from './command.ts';
import { divergenceMessage } from './divergence.ts';
import { MAX_SAMPLE_COUNT } from './limits.ts';
import { createReporter, formatDuration, formatLoss, jsonNumber, type Reporter } from './progress.ts';
import { snapshotJSON, type TrainableModel } from './snapshot.ts';
import { divisorAtMost, trainLoop, type LoopOutcome } from './train-loop.ts';
import { compactHistory, printSamples, progressInterval } from './train-report.ts';
import { setupRun, type NeuralSetup, type RunSetup } from './train-setup.ts';

export { compactHistory, markSamples, progressInterval } from './train-report.ts';

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
  { name: 'samples', type: 'int', min: 0, max: MAX_SAMPLE_COUNT, arg: 'N', help: 'how many words to sample from the trained model at the end (after saving)', defaultText: '10' },
  { name: 'out', type: 'string', arg: 'FILE', help: 'write the trained model to FILE (atomically)' },
  { name: 'json', type: 'boolean', help: 'print one JSON object per line (progress, samples, summary) and nothing else' },
];

const TRAIN_SAMPLES = 10;

/** Most steps between progress callbacks, so a run with a huge --steps still reports every few seconds. */
const MAX_PROGRESS_EVERY = { mlp: 100, bigram: 1 } as const;

async function createModel(setup: RunSetup, neural: NeuralSetup, reporter: Reporter): Promise<TrainableModel> {
  let backend;
  try {
    backend = await createBackend(neural.backend);
  } catch (error) {
    throw new UsageError(`--backend: cannot start the ${neural.backend} backend (${(error as Error).message})`, 'train');
  }
  const { vocab, seed } = setup;
  if (neural.mlp) {
    const { hidden, blockSize, embedDim, batchNorm } = neural.mlp;
    const mlp = await MLP.create({ vocab, blockSize, embedDim, hidden, batchNorm, seed, backend });
    reporter.line(
      `model: mlp, block ${blockSize}, embed ${embedDim}, hidden ${hidden.join(',')}, ` +
        `${batchNorm ? 'BatchNorm' : 'no BatchNorm'}; ${mlp.parameterCount} parameters; backend ${neural.backend}`,
    );
    return mlp;
  }
  const bigram = await NeuralBigram.create({ vocab, seed, regularization: neural.weightDecay, backend });
  reporter.line(`model: neural bigram, λ = ${neural.weightDecay}; ${bigram.parameterCount} parameters; backend ${neural.backend}; full batch`);
  return bigram;
}

async function trainNeural(setup: RunSetup, neural: NeuralSetup, model: TrainableModel, reporter: Reporter, context: CliContext): Promise<LoopOutcome> {
  const { steps, lr, decayAt, evalEvery } = neural;
  const historyEvery = progressInterval(steps, evalEvery);
  const outcome = await trainLoop(
    model,
    {
      options: {
        data: { train: setup.splits.train, dev: setup.splits.dev.length > 0 ? setup.splits.dev : undefined },
        steps,
        batchSize: neural.batchSize,
        lr: decayAt === null ? lr : (step: number) => (step < decayAt ? lr : lr / 10),
        weightDecay: setup.kind === 'mlp' ? neural.weightDecay : 0,
        evalEvery,
        seed: setup.seed,
      },
      historyEvery,
      progressEvery: divisorAtMost(historyEvery, MAX_PROGRESS_EVERY[setup.kind as 'mlp' | 'bigram']),
      vocabSize: setup.vocab.size,
      onSamples: (step) => printSamples(reporter, step, model.sample({ count: TRAIN_SAMPLES, seed: setup.seed + step }), setup.splits),
    },
    reporter,
    context,
  );
  const verb = outcome.status === 'done' ? 'trained' : 'stopped after';
  reporter.line(`${verb} ${outcome.steps} steps in ${formatDuration(outcome.seconds)} (${(outcome.steps / Math.max(1e-9, outcome.seconds)).toFixed(0)} steps/s)`);
  return outcome;
}

/** Ctrl-C and friends: the best model so far (by dev loss), or the current one if dev was never evaluated. */
function finishInterrupted(setup: RunSetup, model: TrainableModel, outcome: LoopOutcome, training: TrainingInfo, reporter: Reporter): number {
  const { out } = setup;
  if (out !== undefined) {
    saveModelFile(out, outcome.best ? snapshotJSON(model, outcome.best.state) : model.toJSON(), training);
    reporter.line(
      outcome.best
        ? `wrote the best model so far (dev loss ${formatLoss(outcome.best.dev)} at step ${outcome.best.step}) to ${out}`
        : `wrote the model at the interruption to ${out}`,
    );
  }
  reporter.event({
    event: 'summary', interrupted: true, train_loss: null, dev_loss: jsonNumber(outcome.best?.dev), test_loss: null,
    steps: training.steps ?? 0, seconds: training.seconds ?? 0, out: out ?? null,
  });
  return EXIT.interrupted;
}

/**
 * A diverged run: exit 1 with what diverged. The best model by dev loss seen before the divergence is written to
 * --out if a dev loss was evaluated; otherwise nothing is written (the current parameters are the last finite ones
 * of a run that is blowing up, not a model worth keeping), and the message says which.
 */
function finishDiverged(setup: RunSetup, neural: NeuralSetup, model: TrainableModel, outcome: LoopOutcome, training: TrainingInfo, context: CliContext): number {
  const at = outcome.divergedAt!;
  const lr = neural.decayAt !== null && at.step - 1 >= neural.decayAt ? neural.lr / 10 : neural.lr;
  const lines = [divergenceMessage(at.step, at.loss, setup.vocab.size, { kind: setup.kind, lr, weightDecay: neural.weightDecay, vocabSize: setup.vocab.size })];
  const { out, best } = { out: setup.out, best: outcome.best };
  if (out !== undefined && best) {
    saveModelFile(out, snapshotJSON(model, best.state), { ...training, diverged: true });
    lines.push(`wrote the best model seen before the divergence (dev loss ${formatLoss(best.dev)} at step ${best.step}) to ${out}`);
  } else if (out !== undefined) {
    lines.push(`nothing was written to ${out}: no dev loss was evaluated before the divergence`);
  }
  for (const line of lines) context.stderr.write(`makemore train: ${line}\n`);
  return EXIT.failure;
}

async function runTrain(parsed: ParsedFlags, context: CliContext): Promise<number> {
  const setup = setupRun(parsed);
  const { kind, splits, vocab, out } = setup;
  const reporter = createReporter(context.stdout, setup.json);
  reporter.event({
    event: 'start', model: kind, data: setup.source, words: setup.words.length, train_words: splits.train.length,
    dev_words: splits.dev.length, test_words: splits.test.length, vocab_size: vocab.size,
  });
  reporter.line(
    `data: ${setup.source}, ${setup.words.length} words, ${vocab.size} characters (with '.'); ` +
      `split ${splits.train.length} train / ${splits.dev.length} dev / ${splits.test.length} test`,
  );

  let model: LanguageModel;
  let training: TrainingInfo;
  if (setup.ngram) {
    const { n, smoothing } = setup.ngram;
    const started = performance.now();
    model = NGramModel.fit(splits.train, { n, smoothing, vocab });
    const seconds = (performance.now() - started) / 1000;
    reporter.line(`model: ngram, n = ${n}, add-${smoothing} smoothing; counted ${splits.train.length} words in ${formatDuration(seconds)}`);
    training = { steps: 0, seconds, settings: { ...setup.settings } };
  } else {
    const neural = setup.neural!;
    const trainable = await createModel(setup, neural, reporter);
    model = trainable;
    const outcome = await trainNeural(setup, neural, trainable, reporter, context);
    training = {
      steps: outcome.steps, seconds: outcome.seconds, history: compactHistory(outcome.history),
      interrupted: outcome.status === 'interrupted' || undefined, settings: { ...setup.settings },
    };
    if (outcome.status === 'interrupted') return finishInterrupted(setup, trainable, outcome, training, reporter);
    if (outcome.status === 'diverged') return finishDiverged(setup, neural, trainable, outcome, training, context);
  }

  // from here on a signal no longer stops anything half-way: the model is evaluated and saved, then we exit
  let lateSignal = false;
  const removeLate = context.onInterrupt(() => (lateSignal = true));
  try {
    const lossOf = (list: string[]): number | null => (list.length > 0 ? model.nll(list) : null);
    const losses = { train: lossOf(splits.train), dev: lossOf(splits.dev), test: lossOf(splits.test) };
    training.losses = { train: jsonNumber(losses.train), dev: jsonNumber(losses.dev), test: jsonNumber(losses.test) };
    reporter.line(`loss (mean NLL): train ${formatLoss(losses.train)}  dev ${formatLoss(losses.dev)}  test ${formatLoss(losses.test)}`);
    // saved before the final samples: nothing after training can lose the model
    if (out !== undefined) {
      saveModelFile(out, model.toJSON(), training);
      reporter.line(`wrote ${out}`);
    }
    if (setup.samples > 0 && !lateSignal) printSamples(reporter, null, model.sample({ count: setup.samples, seed: setup.seed }), splits);
    reporter.event({
      event: 'summary', model: kind, train_loss: jsonNumber(losses.train), dev_loss: jsonNumber(losses.dev),
      test_loss: jsonNumber(losses.test), steps: training.steps ?? 0, seconds: training.seconds ?? 0, out: out ?? null,
    });
    return lateSignal ? EXIT.interrupted : EXIT.ok;
  } finally {
    removeLate();
  }
}

/** The `train` command. */
export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model on a word list (default: an MLP on the embedded names) and save it',
  description:
    'Trains a character-level model, showing progress (a live bar on a terminal, periodic lines otherwise) and a few\n' +
    "samples marked as in the training set, in dev/test, or new; then reports the mean NLL on train/dev/test, prints\n" +
    'writes the model with --out, then prints samples. Ctrl-C (or SIGTERM, SIGHUP) stops training and writes the best\n' +
    'model so far (by dev loss). A run whose loss stops being finite, or exceeds 10 × ln V, stops with exit 1 and\n' +
    'writes the best model by dev loss seen before it, if a dev loss was evaluated (otherwise it writes nothing).',
  flags,
  examples:
    'Examples:\n' +
    '  makemore train --steps 20000 --out model.json\n' +
    '  makemore train --data names.txt --model ngram --n 3 --split 1,0,0\n' +
    '  makemore train --model bigram --steps 100 --lr 50 --out bigram.json',
  run: runTrain,
};
