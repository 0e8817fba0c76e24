/**
 * The options of {@link train}: what a caller may pass (and what the progress and diagnostics callbacks receive), and
 * their checking, done whole before a step runs so that a bad value fails with a message naming it instead of midway
 * through a run.
 */
import type { GradientPath } from './models/bigram.ts';
import { isTrainable, type TrainData } from './models/training.ts';
import { DEFAULT_BINS, type Diagnostics } from './nn/diagnostics.ts';
import { makeOptimizer, type OptimizerKind, type OptimizerSpec } from './nn/optim.ts';
import { Rng } from './rng.ts';
import { checkSeed } from './seed.ts';

/** What {@link TrainOptions.onProgress} receives. */
export interface TrainProgress {
  /** Steps completed. */
  step: number;
  /** Steps requested. */
  steps: number;
  /** Mean training loss of the steps since the previous report (minibatch losses for the MLP). */
  trainLoss: number;
  /** Dev loss (eval mode), present when it was evaluated at this step. */
  devLoss?: number;
  /** Training speed since the previous report (dev evaluation time excluded). */
  stepsPerSecond: number;
  /** Learning rate of the last step. */
  lr: number;
}

/** Options for {@link train}. */
export interface TrainOptions {
  /** The training words or contexts, and optionally a dev split (an empty dev list is skipped). */
  data: { train: TrainData; dev?: TrainData };
  /** Number of steps. */
  steps: number;
  /** Examples per minibatch, sampled with replacement (default 32; ignored by the full-batch NeuralBigram). */
  batchSize?: number;
  /**
   * Learning rate, or a schedule called with the 0-based index of the step about to run — the lecture's
   * `(i) => (i < 100_000 ? 0.1 : 0.01)` (default 0.1; the NeuralBigram wants about 50).
   */
  lr?: number | ((step: number) => number);
  /**
   * The optimizer: 'sgd' (default for models that have not been trained) or 'adamw', or `{ kind, ...options }` (see
   * {@link sgd} and {@link adamw}). Without it a model keeps the optimizer it has (and its state: a loaded model
   * resumes with its saved optimizer).
   */
  optimizer?: OptimizerKind | OptimizerSpec;
  /**
   * Weight decay of the optimizer, overriding its own: SGD adds wd·p to the gradient (L2, p −= lr·(g + wd·p));
   * AdamW decays decoupled, p *= 1 − lr·wd. Default: the optimizer's (0 for SGD, 0.01 for AdamW). The NeuralBigram
   * has its own regularization instead.
   */
  weightDecay?: number;
  /**
   * Steps already done by earlier calls, when resuming: the schedule is called with startStep + the index, and
   * history and progress count from there (default 0).
   */
  startStep?: number;
  /** Evaluate the dev split and add a history point every this many steps, and after the last (default steps / 10). */
  evalEvery?: number;
  /** Call onProgress every this many steps, and after the last (default evalEvery). */
  progressEvery?: number;
  /**
   * Seed of minibatch sampling (default 42), or the {@link Rng} to draw batches from: pass the same Rng to the next
   * call to resume a stopped run exactly where its batch stream left off.
   */
  seed?: number | Rng;
  /** NeuralBigram only: gradient path (default 'counts'). */
  path?: GradientPath;
  /** Aborting it stops training after the current step; the result then has `stopped: true`. */
  signal?: AbortSignal;
  /** Progress reports (see progressEvery). */
  onProgress?: (p: TrainProgress) => void;
  /**
   * Compute {@link Diagnostics} every this many steps (and never otherwise: a step without them costs nothing extra)
   * and hand them to `onDiagnostics`. Needs a model built on layers (MLP, LayerModel, ...).
   */
  diagnosticsEvery?: number;
  /** Histogram bins of the diagnostics (default 50). */
  diagnosticsBins?: number;
  /** Receives the diagnostics of every diagnosticsEvery-th step, before that step's onProgress. */
  onDiagnostics?: (d: DiagnosticsReport) => void;
  /** Give the event loop a turn (timers, signals, messages) at least this often, in milliseconds (default 50). */
  yieldEveryMs?: number;
}

/** What {@link TrainOptions.onDiagnostics} receives. */
export interface DiagnosticsReport {
  /** Steps completed (counted from startStep as the history is). */
  step: number;
  /** Learning rate of the step. */
  lr: number;
  /** The step's minibatch loss. */
  loss: number;
  diagnostics: Diagnostics;
}

/** The options with every default filled in and every value checked. */
export interface CheckedOptions {
  train: TrainData;
  dev: TrainData | null;
  steps: number;
  batchSize: number;
  lr: number | ((step: number) => number);
  optimizer: OptimizerSpec | undefined;
  weightDecay: number | undefined;
  evalEvery: number;
  progressEvery: number;
  seed: number | Rng;
  path: GradientPath;
  startStep: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  yieldEveryMs: number;
  /** 0: never. */
  diagnosticsEvery: number;
  diagnosticsBins: number;
  onDiagnostics?: (d: DiagnosticsReport) => void;
}

/**
 * Checks `options` for a train() call on `model` and fills in the defaults; throws an Error naming the first bad
 * value (or a model that is not trainable).
 */
export function checkOptions(model: unknown, options: TrainOptions): CheckedOptions {
  if (!isTrainable(model)) {
    const kind = (model as { kind?: string } | null)?.kind;
    throw new Error(
      kind === 'ngram'
        ? 'train: an NGramModel is fit by counting (NGramModel.fit), not trained'
        : `train: model must be a trainable model (MLP, NeuralBigram, ...), got ${kind ?? typeof model}`,
    );
  }
  if (!options || typeof options !== 'object') throw new Error('train: options are required ({ data, steps, ... })');
  const { data, steps, batchSize = 32, lr = 0.1, weightDecay, seed = 42, path = 'counts', yieldEveryMs = 50, startStep = 0 } = options;
  if (!data || data.train === undefined) throw new Error('train: data.train is required (words or contexts)');
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`train: steps must be an integer >= 0, got ${steps}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`train: batchSize must be a positive integer, got ${batchSize}`);
  if (typeof lr !== 'function' && (!Number.isFinite(lr) || lr <= 0)) {
    throw new Error(`train: lr must be a finite number > 0 or a function of the step, got ${lr}`);
  }
  if (weightDecay !== undefined && (!(weightDecay >= 0) || !Number.isFinite(weightDecay))) {
    throw new Error(`train: weightDecay must be a finite number >= 0, got ${weightDecay}`);
  }
  if (weightDecay !== undefined && weightDecay > 0 && model.kind === 'bigram') {
    throw new Error(`train: weightDecay ${weightDecay} does not apply to a NeuralBigram; set its regularization instead`);
  }
  const evalEvery = options.evalEvery ?? Math.max(1, Math.round(steps / 10));
  if (!Number.isInteger(evalEvery) || evalEvery < 1) throw new Error(`train: evalEvery must be a positive integer, got ${evalEvery}`);
  const progressEvery = options.progressEvery ?? evalEvery;
  if (!Number.isInteger(progressEvery) || progressEvery < 1) {
    throw new Error(`train: progressEvery must be a positive integer, got ${progressEvery}`);
  }
  if (!(seed instanceof Rng)) checkSeed(seed, 'train');
  if (path !== 'counts' && path !== 'examples') throw new Error(`train: path must be 'counts' or 'examples', got ${JSON.stringify(path)}`);
  if (!(yieldEveryMs >= 0)) throw new Error(`train: yieldEveryMs must be >= 0, got ${yieldEveryMs}`);
  if (!Number.isInteger(startStep) || startStep < 0) throw new Error(`train: startStep must be an integer >= 0, got ${startStep}`);
  const { diagnosticsEvery = 0, diagnosticsBins = DEFAULT_BINS } = options;
  if (!Number.isInteger(diagnosticsEvery) || diagnosticsEvery < 0) {
    throw new Error(`train: diagnosticsEvery must be an integer >= 0 (0: never), got ${diagnosticsEvery}`);
  }
  if (!Number.isInteger(diagnosticsBins) || diagnosticsBins < 1) throw new Error(`train: diagnosticsBins must be a positive integer, got ${diagnosticsBins}`);
  const emptyDev = data.dev === undefined || (Array.isArray(data.dev) && data.dev.length === 0);
  return {
    train: data.train, dev: emptyDev ? null : data.dev!, steps, batchSize, lr, optimizer: optimizerOf(options), weightDecay,
    evalEvery, progressEvery, seed, path, startStep, signal: options.signal, onProgress: options.onProgress, yieldEveryMs,
    diagnosticsEvery, diagnosticsBins, onDiagnostics: options.onDiagnostics,
  };
}

/** The optimizer train() should install, checked (errors name the value), or undefined to keep the model's. */
function optimizerOf(options: TrainOptions): OptimizerSpec | undefined {
  return options.optimizer === undefined ? undefined : { ...makeOptimizer(options.optimizer, 'train: optimizer').spec };
}
