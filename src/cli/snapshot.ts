/**
 * The best-dev model of a training run, kept as a copy of the model's state in memory (a Float32Array, copied at
 * memory speed) and turned into a model file only when it is written — not serialized at every dev improvement.
 */
import { NeuralBigram } from '../models/bigram.ts';
import { MLP } from '../models/mlp.ts';
import type { ModelState } from '../models/model.ts';

/** A model that trains. */
export type TrainableModel = MLP | NeuralBigram;

/** A copy of every parameter and buffer of the model. */
export function captureState(model: TrainableModel): Float32Array {
  return model instanceof MLP ? model.stateVector() : model.weights();
}

function restoreState(model: TrainableModel, state: Float32Array): void {
  if (model instanceof MLP) model.setState(state);
  else model.setWeights(state);
}

/**
 * The {@link ModelState} of the model as it was when `snapshot` was captured. The model's current state is put back
 * afterwards, so the run can go on or be saved as it is.
 */
export function snapshotJSON(model: TrainableModel, snapshot: Float32Array): ModelState {
  const current = captureState(model);
  restoreState(model, snapshot);
  try {
    return model.toJSON();
  } finally {
    restoreState(model, current);
  }
}
