/**
 * The training part of `makemore train` for the neural models: progress, samples along the way, the loss history,
 * the best-dev snapshot, a clean stop on an interrupt signal, and a stop on divergence (non-finite or exploding loss).
 */
import type { LossPoint } from '../io/model-file.ts';
import { train, TrainingDivergedError, type TrainOptions, type TrainProgress } from '../train.ts';
import type { CliContext } from './command.ts';
import { explodedLoss } from './divergence.ts';
import type { Reporter } from './progress.ts';
import { captureState, type TrainableModel } from './snapshot.ts';

/** The best model by dev loss seen during the run. */
export interface BestDev {
  dev: number;
  step: number;
  state: Float32Array;
}

/** How the run ended. */
export interface LoopOutcome {
  status: 'done' | 'interrupted' | 'diverged';
  steps: number;
  seconds: number;
  history: LossPoint[];
  best?: BestDev;
  /** For 'diverged': the step and the loss that showed it. */
  divergedAt?: { step: number; loss: number };
}

/** What the loop needs besides the model. */
export interface LoopSettings {
  options: Omit<TrainOptions, 'signal' | 'onProgress' | 'progressEvery'>;
  /** Steps between loss-history points (a divisor of evalEvery). */
  historyEvery: number;
  /** Steps between progress callbacks: a divisor of historyEvery, small enough that the display can be time-based. */
  progressEvery: number;
  vocabSize: number;
  /** Prints samples at a step (the quarters of the run). */
  onSamples(step: number): void;
}

/** The largest divisor of `n` that is at most `cap`. */
export function divisorAtMost(n: number, cap: number): number {
  for (let d = Math.min(n, Math.max(1, cap)); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

/** Runs train() with the CLI's bookkeeping; never throws for a divergence (it is an outcome). */
export async function trainLoop(model: TrainableModel, s: LoopSettings, reporter: Reporter, context: CliContext): Promise<LoopOutcome> {
  const controller = new AbortController();
  let interruptedBy: string | undefined;
  const removeInterrupt = context.onInterrupt((signal?: string) => {
    if (controller.signal.aborted) return;
    interruptedBy = signal ?? 'SIGINT';
    reporter.line(`interrupted${signal ? ` (${signal})` : ''}: stopping after this step...`);
    controller.abort();
  });
  const steps = s.options.steps;
  const sampleAt = [1, 2, 3].map((q) => Math.floor((q * steps) / 4)).filter((x) => x > 0 && x < steps);
  const limit = explodedLoss(s.vocabSize);
  const history: LossPoint[] = [];
  let best: BestDev | undefined;
  let exploded: { step: number; loss: number } | undefined;
  let pointSum = 0, pointSteps = 0, lastStep = 0;
  const started = performance.now();
  const onProgress = (p: TrainProgress): void => {
    pointSum += p.trainLoss * (p.step - lastStep);
    pointSteps += p.step - lastStep;
    lastStep = p.step;
    if (p.step % s.historyEvery === 0 || p.devLoss !== undefined || p.step === steps) {
      const train = pointSum / pointSteps;
      history.push(p.devLoss === undefined ? { step: p.step, train } : { step: p.step, train, dev: p.devLoss });
      pointSum = 0;
      pointSteps = 0;
    }
    // wall-clock speed, dev evaluations and samples included, so the ETA is honest
    const elapsed = (performance.now() - started) / 1000;
    reporter.progress({ step: p.step, steps, loss: p.trainLoss, devLoss: p.devLoss, stepsPerSecond: elapsed > 0 ? p.step / elapsed : p.stepsPerSecond });
    if (p.trainLoss > limit && Number.isFinite(p.trainLoss) && exploded === undefined) {
      exploded = { step: p.step, loss: p.trainLoss };
      controller.abort();
      return;
    }
    if (p.devLoss !== undefined && Number.isFinite(p.devLoss) && (best === undefined || p.devLoss < best.dev)) {
      best = { dev: p.devLoss, step: p.step, state: captureState(model) };
    }
    if (sampleAt.length > 0 && p.step >= sampleAt[0]!) {
      while (sampleAt.length > 0 && p.step >= sampleAt[0]!) sampleAt.shift();
      s.onSamples(p.step);
    }
  };
  try {
    const result = await train(model, { ...s.options, progressEvery: s.progressEvery, signal: controller.signal, onProgress });
    if (exploded) return { status: 'diverged', steps: result.steps, seconds: result.seconds, history, best, divergedAt: exploded };
    return { status: result.stopped && interruptedBy ? 'interrupted' : 'done', steps: result.steps, seconds: result.seconds, history, best };
  } catch (error) {
    if (!(error instanceof TrainingDivergedError)) throw error;
    const r = error.result;
    return { status: 'diverged', steps: r.steps, seconds: r.seconds, history, best, divergedAt: { step: error.step, loss: error.loss } };
  } finally {
    removeInterrupt();
    reporter.finish();
  }
}
