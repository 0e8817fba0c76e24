/**
 * The training session of a {@link NetModel}: minibatches of examples drawn with the setup's Rng straight into the
 * arena's id buffers, so that nothing is copied into wasm memory per step.
 */
import type { Diagnostics, DiagnosticsOptions } from '../nn/diagnostics.ts';
import type { Net } from '../nn/net.ts';
import type { TrainData, TrainingSession, TrainingSetup } from './training.ts';

/** Training or evaluation examples: `count` rows of `width` ids in X and of targetsPerExample ids in Y. */
export interface Examples {
  X: Int32Array;
  Y: Int32Array;
  count: number;
}

/** What a session drives: a NetModel's public methods, named here so that this file need not know the class. */
export interface MinibatchModel {
  readonly net: Net;
  readonly width: number;
  readonly targetsPerExample: number;
  train(): unknown;
  eval(): unknown;
  setBatchSize(rows: number): void;
  batchBuffers(): { X: Int32Array; Y: Int32Array };
  trainBatch(lr: number): number;
  evaluate(X: Int32Array, Y: Int32Array): number;
  diagnostics(options?: DiagnosticsOptions): Diagnostics;
}

/**
 * Prepares the splits with `examplesOf`, applies the setup's optimizer and weight decay, puts the model in training
 * mode with the setup's batch size, and returns the session; its `end` puts the model back in eval mode.
 */
export function startMinibatchTraining(
  model: MinibatchModel, setup: TrainingSetup, examplesOf: (data: TrainData, split: string) => Examples,
): TrainingSession {
  const T = model.width;
  const P = model.targetsPerExample;
  const tr = examplesOf(setup.train, 'train');
  if (setup.batchSize > tr.count) {
    throw new Error(`train: batchSize ${setup.batchSize} is larger than the ${tr.count} training examples`);
  }
  const dev = setup.dev ? examplesOf(setup.dev, 'dev') : null;
  const net = model.net;
  if (setup.optimizer) net.setOptimizer(setup.optimizer);
  if (setup.weightDecay !== undefined) net.setOptimizer({ ...net.optimizerSpec, weightDecay: setup.weightDecay });
  const { rng, batchSize: B } = setup;
  model.train();
  model.setBatchSize(B);
  return {
    step: (lr) => {
      const { X, Y } = model.batchBuffers();
      for (let b = 0; b < B; b++) {
        const r = rng.int(tr.count);
        for (let t = 0; t < T; t++) X[b * T + t] = tr.X[r * T + t]!;
        for (let t = 0; t < P; t++) Y[b * P + t] = tr.Y[r * P + t]!;
      }
      return model.trainBatch(lr);
    },
    devLoss: dev ? () => model.evaluate(dev.X, dev.Y) : null,
    diagnostics: (options) => model.diagnostics(options),
    end: () => model.eval(),
  };
}
