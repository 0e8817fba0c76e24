/**
 * The training part of `makemore train`: progress, samples along the way, the loss history, the best-dev snapshot,
 * a clean stop on an interrupt signal (SIGINT, SIGTERM, SIGHUP), and a stop on divergence — a training or dev loss that
 * is not finite, or a finite training loss above 10 × ln V — reported as an outcome rather than thrown.
 */
import type { LossPoint, TrainingInfo } from '../io/model-file.ts';
import { curveLoss } from '../models/curve-loss.ts';
import type { LanguageModel } from '../models/model.ts';
import type { Trainable } from '../models/training.ts';
import type { Rng } from '../rng.ts';
import { train, TrainingDivergedError, type TrainOptions, type TrainProgress } from '../train.ts';
import type { CliContext } from './command.ts';
import { explodedLoss, type DivergencePoint } from './divergence.ts';
import type { Reporter } from './progress.ts';
import { captureState, hasNet, type StateSnapshot } from './snapshot.ts';

/** The best model by dev loss seen during the run, with the run position to resume from it. */
export interface BestDev {
  dev: number;
  step: number;
  snapshot: StateSnapshot | null;
  resume: TrainingInfo['resume'];
}

/** How the run ended. */
export interface LoopOutcome {
  status: 'done' | 'interrupted' | 'diverged';
  /** Steps done by this run, and in all (a resumed run counts from its start). */
  steps: number;
  step: number;
  seconds: number;
  history: LossPoint[];
  resume: TrainingInfo['resume'];
  best?: BestDev;
  /** For 'diverged': which loss showed it, at which step, and the learning rate of that step. */
  divergedAt?: DivergencePoint;
}

/** What the loop needs besides the model. */
export interface LoopSettings {
  options: Omit<TrainOptions, 'signal' | 'onProgress' | 'progressEvery' | 'seed'> & { steps: number };
  /** Steps already done (a resumed run). */
  start: number;
  /** The batch stream (its state is saved with the best model, for an exact resume). */
  rng: Rng;
  /** Steps between loss-history points (a divisor of evalEvery). */
  historyEvery: number;
  /** Steps between progress callbacks: a divisor of historyEvery, small enough for a time-based display. */
  progressEvery: number;
  vocabSize: number;
  /** Prints samples at a step (the quarters of the run). */
  onSamples(step: number): void;
  /**
   * Every progress report, its trainLoss the mean since the previous evaluation step (what a run log records at
   * evaluation steps, however often the display is updated).
   */
  onReport?(p: TrainProgress): void;
}

/** The largest divisor of `n` that is at most `cap`. */
export function divisorAtMost(n: number, cap: number): number {
  for (let d = Math.min(n, Math.max(1, cap)); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

/** Runs train() with the CLI's bookkeeping; a divergence is an outcome, not an exception. */
export async function trainLoop(model: LanguageModel & Trainable, s: LoopSettings, reporter: Reporter, context: CliContext): Promise<LoopOutcome> {
  const controller = new AbortController();
  let interrupted = false;
  const removeInterrupt = context.onInterrupt((signal?: string) => {
    if (controller.signal.aborted) return;
    interrupted = true;
    reporter.line(`interrupted${signal ? ` (${signal})` : ''}: stopping after this step...`);
    controller.abort();
  });
  const { start, rng } = s;
  const total = start + s.options.steps;
  // samples at a quarter, half and three quarters of the run, as makemore.py prints them while it trains
  const sampleAt = [1, 2, 3].map((q) => start + Math.floor((q * s.options.steps) / 4)).filter((x) => x > start && x < total);
  const limit = explodedLoss(s.vocabSize);
  const history: LossPoint[] = [];
  let best: BestDev | undefined;
  let exploded: LoopOutcome['divergedAt'];
  let pointSum = 0, pointSteps = 0, lastStep = start;
  let evalSum = 0, evalSteps = 0;
  const evalEvery = s.options.evalEvery ?? Math.max(1, Math.round(s.options.steps / 10));
  const started = performance.now();
  const onProgress = (p: TrainProgress): void => {
    const trainNll = curveLoss(model, p); // the neural bigram's NLL, without its λ·mean(W²) term
    evalSum += p.trainLoss * (p.step - lastStep);
    evalSteps += p.step - lastStep;
    s.onReport?.({ ...p, trainLoss: evalSum / evalSteps });
    if (p.step % evalEvery === 0 || p.step === total) {
      evalSum = 0;
      evalSteps = 0;
    }
    pointSum += trainNll * (p.step - lastStep);
    pointSteps += p.step - lastStep;
    lastStep = p.step;
    if (p.step % s.historyEvery === 0 || p.devLoss !== undefined || p.step === total) {
      const train = pointSum / pointSteps;
      history.push(p.devLoss === undefined ? { step: p.step, train } : { step: p.step, train, dev: p.devLoss });
      pointSum = 0;
      pointSteps = 0;
    }
    // wall-clock speed, dev evaluations and samples included, so the ETA is honest
    const elapsed = (performance.now() - started) / 1000;
    reporter.progress({ step: p.step, steps: total, loss: trainNll, devLoss: p.devLoss, stepsPerSecond: elapsed > 0 ? (p.step - start) / elapsed : p.stepsPerSecond });
    if (exploded === undefined && p.trainLoss > limit && Number.isFinite(p.trainLoss)) {
      exploded = { what: 'the training loss', step: p.step, loss: p.trainLoss, lr: p.lr };
    } else if (exploded === undefined && p.devLoss !== undefined && !Number.isFinite(p.devLoss)) {
      exploded = { what: 'the dev loss', step: p.step, loss: p.devLoss, lr: p.lr };
    }
    if (exploded !== undefined) {
      controller.abort();
      return;
    }
    if (p.devLoss !== undefined && Number.isFinite(p.devLoss) && (best === undefined || p.devLoss < best.dev)) {
      best = { dev: p.devLoss, step: p.step, snapshot: hasNet(model) ? captureState(model) : null, resume: { step: p.step, batchRng: rng.state() } };
    }
    if (sampleAt.length > 0 && p.step >= sampleAt[0]!) {
      while (sampleAt.length > 0 && p.step >= sampleAt[0]!) sampleAt.shift();
      s.onSamples(p.step);
    }
  };
  const outcome = (status: LoopOutcome['status'], steps: number, seconds: number): LoopOutcome => ({
    status, steps, step: start + steps, seconds, history, best, resume: { step: start + steps, batchRng: rng.state() },
  });
  try {
    const result = await train(model, { ...s.options, startStep: start, seed: rng, progressEvery: s.progressEvery, signal: controller.signal, onProgress });
    if (exploded) return { ...outcome('diverged', result.steps, result.seconds), divergedAt: exploded };
    return outcome(result.stopped && interrupted ? 'interrupted' : 'done', result.steps, result.seconds);
  } catch (error) {
    if (!(error instanceof TrainingDivergedError)) throw error;
    const r = error.result;
    return { ...outcome('diverged', r.steps, r.seconds), divergedAt: { what: 'the loss', step: error.step, loss: error.loss, lr: error.lr } };
  } finally {
    removeInterrupt();
    reporter.finish();
  }
}
