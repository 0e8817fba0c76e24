/**
 * The training loop shared by the CLI, the browser demo and scripts, for every trainable model (minibatches for the
 * MLP, the full batch for the NeuralBigram — each model prepares its own examples, see models/training.ts): a
 * learning-rate schedule, the optimizer, periodic dev evaluation, progress callbacks, cancellation, and a clear stop
 * when the loss stops being finite.
 */
import type { GradientPath } from './models/bigram.ts';
import { isTrainable, type Trainable, type TrainData } from './models/training.ts';
import { DEFAULT_BINS, type Diagnostics } from './nn/diagnostics.ts';
import { makeOptimizer, type OptimizerKind, type OptimizerSpec } from './nn/optim.ts';
import { Rng } from './rng.ts';
import { checkSeed } from './seed.ts';

export type { TrainData } from './models/training.ts';

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

/** One point of the loss history. */
export interface HistoryPoint {
  /** Steps completed. */
  step: number;
  /** Mean training loss of the steps since the previous point. */
  trainLoss: number;
  /** Dev loss in eval mode, when a dev split was given. */
  devLoss?: number;
}

/** What {@link train} returns. */
export interface TrainResult {
  history: HistoryPoint[];
  /** Steps completed by this call. */
  steps: number;
  /** Wall time in seconds. */
  seconds: number;
  /** True when the signal stopped training early. */
  stopped: boolean;
}

/**
 * Training stopped because a loss was NaN or ±Infinity. The model keeps its last finite parameters (those before the
 * update that produced the bad loss). A step whose loss was finite but whose update would have made a parameter or an
 * optimizer value non-finite (a NaN or infinite gradient) counts as a NaN loss: its update is refused, so the model
 * keeps the parameters it started that step with. `result` holds the history up to the failure.
 */
export class TrainingDivergedError extends Error {
  /** The 1-based step whose loss was not finite. */
  readonly step: number;
  readonly loss: number;
  readonly lr: number;
  readonly result: TrainResult;
  constructor(step: number, loss: number, lr: number, result: TrainResult) {
    super(
      `train: the loss became ${loss} at step ${step} (learning rate ${lr}); the model keeps its last finite parameters` +
        ' — try a lower learning rate',
    );
    this.name = 'TrainingDivergedError';
    this.step = step;
    this.loss = loss;
    this.lr = lr;
    this.result = result;
  }
}

/**
 * Trains a model (an {@link MLP}, a {@link NeuralBigram} or any other model with `startTraining`) for `steps` steps.
 * Asynchronous so that a browser page stays responsive and `signal` can stop it: it yields to the event loop every
 * `yieldEveryMs`. The model is left in eval mode. Throws a {@link TrainingDivergedError} when a loss is not finite.
 */
export async function train(model: Trainable, options: TrainOptions): Promise<TrainResult> {
  const o = checkOptions(model, options);
  if (TRAINING.has(model)) {
    throw new Error('train: this model is already being trained by another train() call (they would share its batch buffers); await that one first');
  }
  TRAINING.add(model);
  try {
    return await trainChecked(model, o);
  } finally {
    TRAINING.delete(model);
  }
}

/** The models a train() call is running on right now. */
const TRAINING = new WeakSet<object>();

async function trainChecked(model: Trainable, o: CheckedOptions): Promise<TrainResult> {
  const start = now();
  const history: HistoryPoint[] = [];
  const result = (stopped: boolean, steps: number): TrainResult => ({
    history, steps, seconds: (now() - start) / 1000, stopped,
  });
  const session = model.startTraining({
    train: o.train, dev: o.dev, batchSize: o.batchSize, rng: o.seed instanceof Rng ? o.seed : new Rng(o.seed),
    optimizer: o.optimizer, weightDecay: o.weightDecay, extra: { path: o.path },
  });
  const evalDev = session.devLoss;
  if (o.diagnosticsEvery > 0 && typeof session.diagnostics !== 'function') {
    session.end();
    throw new Error(`train: diagnosticsEvery ${o.diagnosticsEvery}: a ${model.kind} model has no layers to diagnose`);
  }

  let windowLoss = 0, windowSteps = 0, windowMs = 0; // progress window
  let pointLoss = 0, pointSteps = 0; // history window
  let lastYield = now();
  let lr = 0;
  const first = o.startStep;
  try {
    for (let s = 0; s < o.steps; s++) {
      if (o.signal?.aborted) {
        if (pointSteps > 0) history.push(point(first + s, pointLoss / pointSteps, evalDev));
        return result(true, s);
      }
      lr = typeof o.lr === 'function' ? o.lr(first + s) : o.lr;
      if (!Number.isFinite(lr) || !(lr > 0)) {
        throw new Error(`train: the learning rate schedule returned ${lr} for step index ${first + s}; a rate must be a finite number > 0`);
      }
      const t0 = now();
      const loss = session.step(lr);
      windowMs += now() - t0;
      if (!Number.isFinite(loss)) throw new TrainingDivergedError(first + s + 1, loss, lr, result(false, s));
      windowLoss += loss; windowSteps++;
      pointLoss += loss; pointSteps++;
      const done = first + s + 1;
      const last = s + 1 === o.steps;
      if (o.diagnosticsEvery > 0 && done % o.diagnosticsEvery === 0) {
        o.onDiagnostics?.({ step: done, lr, loss, diagnostics: session.diagnostics!({ bins: o.diagnosticsBins }) });
      }
      let devLoss: number | undefined;
      if (done % o.evalEvery === 0 || last) {
        const p = point(done, pointLoss / pointSteps, evalDev);
        history.push(p);
        devLoss = p.devLoss;
        pointLoss = 0; pointSteps = 0;
      }
      if (o.onProgress && (done % o.progressEvery === 0 || last)) {
        o.onProgress({
          step: done, steps: first + o.steps, trainLoss: windowLoss / windowSteps, devLoss,
          stepsPerSecond: windowMs > 0 ? (windowSteps * 1000) / windowMs : Infinity, lr,
        });
        windowLoss = 0; windowSteps = 0; windowMs = 0;
      }
      if (now() - lastYield >= o.yieldEveryMs) {
        await yieldToEventLoop();
        lastYield = now();
      }
    }
    return result(false, o.steps);
  } finally {
    session.end();
  }
}

function point(step: number, trainLoss: number, evalDev: (() => number) | null): HistoryPoint {
  return evalDev ? { step, trainLoss, devLoss: evalDev() } : { step, trainLoss };
}

interface CheckedOptions {
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

function checkOptions(model: unknown, options: TrainOptions): CheckedOptions {
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

function now(): number {
  return performance.now();
}

/** One turn of the event loop: setImmediate in Node (no 1–4 ms timer clamp), a MessageChannel or a timer elsewhere. */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
