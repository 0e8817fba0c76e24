/**
 * The training loop shared by the CLI, the browser demo and scripts, for every trainable model (minibatches for the
 * MLP, the full batch for the NeuralBigram — each model prepares its own examples, see models/training.ts): a
 * learning-rate schedule, the optimizer, periodic dev evaluation, progress callbacks, cancellation, and a clear stop
 * when the loss stops being finite. Its options, and their checking before the first step, are in train-options.ts.
 */
import type { Trainable } from './models/training.ts';
import { Rng } from './rng.ts';
import { checkOptions, type CheckedOptions, type TrainOptions } from './train-options.ts';

export type { TrainData } from './models/training.ts';
export type { DiagnosticsReport, TrainOptions, TrainProgress } from './train-options.ts';

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
