/**
 * What {@link train} asks of a trainable model: given the data and the batch stream, a session whose `step(lr)` runs
 * one update. Each model family prepares its own examples (contexts, whole words, a full batch), so the loop in
 * train.ts never needs to know which model it drives.
 */
import type { Contexts } from '../data/contexts.ts';
import type { Sequences } from '../data/sequences.ts';
import type { Diagnostics, DiagnosticsOptions } from '../nn/diagnostics.ts';
import type { OptimizerSpec } from '../nn/optim.ts';
import type { Rng } from '../rng.ts';

/**
 * A split given as words, or as ready examples of the model's shape: contexts (blockSize must match the model; 1 for
 * the bigram) or sequences (whole-word models).
 */
export type TrainData = readonly string[] | Contexts | Sequences;

/** What a model needs to start training. */
export interface TrainingSetup {
  train: TrainData;
  dev: TrainData | null;
  /** Examples per minibatch (models trained on the full batch ignore it). */
  batchSize: number;
  /** The batch stream. */
  rng: Rng;
  /** The optimizer to use from now on, or undefined to keep the model's own. */
  optimizer?: OptimizerSpec;
  /** The optimizer's weight decay from now on, or undefined to keep it. */
  weightDecay?: number;
  /** Model-specific options (the NeuralBigram's gradient path). */
  extra: Record<string, unknown>;
}

/** A running training session. */
export interface TrainingSession {
  /** One update at learning rate lr; returns the loss before it (not finite: nothing was updated). */
  step(lr: number): number;
  /** The dev loss in eval mode, or null without dev data. */
  devLoss: (() => number) | null;
  /** Statistics of the last step (models built on a Net); absent for models without layers to diagnose. */
  diagnostics?(options?: DiagnosticsOptions): Diagnostics;
  /** Called once when training ends, however it ends. */
  end(): void;
}

/** A model {@link train} can train. */
export interface Trainable {
  readonly kind: string;
  startTraining(setup: TrainingSetup): TrainingSession;
}

/** True when the value is a model that train() can drive. */
export function isTrainable(model: unknown): model is Trainable {
  return typeof (model as Partial<Trainable> | null)?.startTraining === 'function';
}
