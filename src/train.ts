/**
 * The training loop shared by the CLI, the browser demo and scripts: minibatch SGD for the {@link MLP}, full-batch
 * gradient descent for the {@link NeuralBigram}, with a learning-rate schedule, periodic dev evaluation, progress
 * callbacks, cancellation, and a clear stop when the loss stops being finite.
 */
import { buildContexts, type Contexts } from './data/contexts.ts';
import { NeuralBigram, type GradientPath } from './models/bigram.ts';
import { MLP } from './models/mlp.ts';
import { Rng } from './rng.ts';

/** A split given as words, or as ready contexts (blockSize must match the model; 1 for the bigram). */
export type TrainData = readonly string[] | Contexts;

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
  /** L2 weight decay added to every MLP parameter's gradient: p −= lr·(g + wd·p) (default 0). */
  weightDecay?: number;
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
  /** Give the event loop a turn (timers, signals, messages) at least this often, in milliseconds (default 50). */
  yieldEveryMs?: number;
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
  /** Steps completed. */
  steps: number;
  /** Wall time in seconds. */
  seconds: number;
  /** True when the signal stopped training early. */
  stopped: boolean;
}

/**
 * Training stopped because a loss was NaN or ±Infinity. The model keeps its last finite parameters (those before the
 * update that produced the bad loss). `result` holds the history up to the failure.
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
 * Trains an {@link MLP} (minibatch SGD, batches drawn with an {@link Rng}) or a {@link NeuralBigram} (full batch) for
 * `steps` steps. Asynchronous so that a browser page stays responsive and `signal` can stop it: it yields to the event
 * loop every `yieldEveryMs`. The MLP is put in training mode while training and left in eval mode. Throws a
 * {@link TrainingDivergedError} when a loss is not finite.
 */
export async function train(model: MLP | NeuralBigram, options: TrainOptions): Promise<TrainResult> {
  const o = checkOptions(model, options);
  const start = now();
  const history: HistoryPoint[] = [];
  const result = (stopped: boolean, steps: number): TrainResult => ({
    history, steps, seconds: (now() - start) / 1000, stopped,
  });

  let step: (lr: number) => number;
  let evalDev: (() => number) | null = null;
  if (model instanceof MLP) {
    const T = model.config.blockSize;
    const tr = contextsOf(o.train, model, T, 'train');
    if (o.batchSize > tr.count) {
      throw new Error(`train: batchSize ${o.batchSize} is larger than the ${tr.count} training examples`);
    }
    const dev = o.dev ? contextsOf(o.dev, model, T, 'dev') : null;
    if (dev) evalDev = () => model.evaluate(dev.X, dev.Y);
    const rng = o.seed instanceof Rng ? o.seed : new Rng(o.seed);
    const B = o.batchSize;
    model.train();
    model.setBatchSize(B);
    step = (lr) => {
      // the minibatch is drawn straight into the arena's id buffers: nothing is copied into wasm memory
      const { X, Y } = model.batchBuffers();
      for (let b = 0; b < B; b++) {
        const r = rng.int(tr.count);
        for (let t = 0; t < T; t++) X[b * T + t] = tr.X[r * T + t]!;
        Y[b] = tr.Y[r]!;
      }
      return model.trainBatch(lr, o.weightDecay);
    };
  } else {
    model.setData(o.train);
    if (o.dev) {
      const dev = o.dev;
      evalDev = Array.isArray(dev)
        ? () => model.nll(dev as readonly string[])
        : () => bigramContextsNll(model, dev as Contexts);
    }
    step = (lr) => model.step(lr, { path: o.path });
  }

  let windowLoss = 0, windowSteps = 0, windowMs = 0; // progress window
  let pointLoss = 0, pointSteps = 0; // history window
  let lastYield = now();
  let lr = 0;
  try {
    for (let s = 0; s < o.steps; s++) {
      if (o.signal?.aborted) {
        if (pointSteps > 0) history.push(point(s, pointLoss / pointSteps, evalDev));
        return result(true, s);
      }
      lr = typeof o.lr === 'function' ? o.lr(s) : o.lr;
      if (!Number.isFinite(lr)) throw new Error(`train: the learning rate schedule returned ${lr} for step index ${s}`);
      const t0 = now();
      const loss = step(lr);
      windowMs += now() - t0;
      if (!Number.isFinite(loss)) throw new TrainingDivergedError(s + 1, loss, lr, result(false, s));
      windowLoss += loss; windowSteps++;
      pointLoss += loss; pointSteps++;
      const done = s + 1;
      const last = done === o.steps;
      let devLoss: number | undefined;
      if (done % o.evalEvery === 0 || last) {
        const p = point(done, pointLoss / pointSteps, evalDev);
        history.push(p);
        devLoss = p.devLoss;
        pointLoss = 0; pointSteps = 0;
      }
      if (o.onProgress && (done % o.progressEvery === 0 || last)) {
        o.onProgress({
          step: done, steps: o.steps, trainLoss: windowLoss / windowSteps, devLoss,
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
    if (model instanceof MLP) model.eval();
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
  weightDecay: number;
  evalEvery: number;
  progressEvery: number;
  seed: number | Rng;
  path: GradientPath;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  yieldEveryMs: number;
}

function checkOptions(model: unknown, options: TrainOptions): CheckedOptions {
  if (!(model instanceof MLP) && !(model instanceof NeuralBigram)) {
    const kind = (model as { kind?: string } | null)?.kind;
    throw new Error(
      kind === 'ngram'
        ? 'train: an NGramModel is fit by counting (NGramModel.fit), not trained'
        : `train: model must be an MLP or a NeuralBigram, got ${kind ?? typeof model}`,
    );
  }
  if (!options || typeof options !== 'object') throw new Error('train: options are required ({ data, steps, ... })');
  const { data, steps, batchSize = 32, lr = 0.1, weightDecay = 0, seed = 42, path = 'counts', yieldEveryMs = 50 } = options;
  if (!data || data.train === undefined) throw new Error('train: data.train is required (words or contexts)');
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`train: steps must be an integer >= 0, got ${steps}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`train: batchSize must be a positive integer, got ${batchSize}`);
  if (typeof lr !== 'function' && (!Number.isFinite(lr) || lr <= 0)) {
    throw new Error(`train: lr must be a finite number > 0 or a function of the step, got ${lr}`);
  }
  if (!(weightDecay >= 0) || !Number.isFinite(weightDecay)) throw new Error(`train: weightDecay must be a finite number >= 0, got ${weightDecay}`);
  if (weightDecay > 0 && model instanceof NeuralBigram) {
    throw new Error(`train: weightDecay ${weightDecay} does not apply to a NeuralBigram; set its regularization instead`);
  }
  const evalEvery = options.evalEvery ?? Math.max(1, Math.round(steps / 10));
  if (!Number.isInteger(evalEvery) || evalEvery < 1) throw new Error(`train: evalEvery must be a positive integer, got ${evalEvery}`);
  const progressEvery = options.progressEvery ?? evalEvery;
  if (!Number.isInteger(progressEvery) || progressEvery < 1) {
    throw new Error(`train: progressEvery must be a positive integer, got ${progressEvery}`);
  }
  if (!(seed instanceof Rng) && !Number.isInteger(seed)) {
    throw new Error(`train: seed must be an integer or an Rng, got ${String(seed)}`);
  }
  if (path !== 'counts' && path !== 'examples') throw new Error(`train: path must be 'counts' or 'examples', got ${JSON.stringify(path)}`);
  if (!(yieldEveryMs >= 0)) throw new Error(`train: yieldEveryMs must be >= 0, got ${yieldEveryMs}`);
  const emptyDev = data.dev === undefined || (Array.isArray(data.dev) && data.dev.length === 0);
  return {
    train: data.train, dev: emptyDev ? null : data.dev!, steps, batchSize, lr, weightDecay, evalEvery, progressEvery, seed,
    path, signal: options.signal, onProgress: options.onProgress, yieldEveryMs,
  };
}

function contextsOf(data: TrainData, model: MLP, blockSize: number, split: string): Contexts {
  if (Array.isArray(data)) {
    if (data.length === 0) throw new Error(`train: data.${split} is an empty word list`);
    return buildContexts(data as readonly string[], model.vocab, blockSize);
  }
  const c = data as Contexts;
  if (!c || !(c.X instanceof Int32Array) || !(c.Y instanceof Int32Array)) {
    throw new Error(`train: data.${split} must be a word list or contexts from buildContexts`);
  }
  if (c.blockSize !== blockSize) throw new Error(`train: data.${split} has blockSize ${c.blockSize}, the model ${blockSize}`);
  if (c.count < 1) throw new Error(`train: data.${split} holds no examples`);
  return c;
}

/** Mean NLL of bigram contexts (blockSize 1) from the model's probabilities. */
function bigramContextsNll(model: NeuralBigram, c: Contexts): number {
  if (c.blockSize !== 1) throw new Error(`train: data.dev for a NeuralBigram must have blockSize 1, got ${c.blockSize}`);
  const V = model.vocab.size;
  const P = model.probabilities();
  let sum = 0;
  for (let i = 0; i < c.count; i++) {
    const x = c.X[i]!, y = c.Y[i]!;
    if (x < 0 || x >= V || y < 0 || y >= V) throw new Error(`train: data.dev example ${i} (${x} → ${y}) has an id outside [0, ${V})`);
    sum -= Math.log(P[x * V + y]!);
  }
  return sum / c.count;
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
