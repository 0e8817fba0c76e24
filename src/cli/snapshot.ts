/**
 * The best-dev model of a training run, kept as a copy of the model's state in memory — parameters, buffers and
 * optimizer state, copied at memory speed — and turned into a model file only when it is written, instead of being
 * serialized at every dev improvement (11.8 s per toJSON() for a bigram over 3,000 characters).
 */
import type { ModelState } from '../models/model.ts';
import type { Net, OptimizerState } from '../nn/net.ts';

/** A model whose state lives in a {@link Net} (every trainable model of the library). */
export interface NetModel {
  readonly net: Net;
  toJSON(): ModelState;
}

/** A copy of a model's state. */
export interface StateSnapshot {
  /** The Net's state block: parameters then buffers. */
  state: Float32Array;
  optimizer: OptimizerState;
}

/** True when the model keeps its state in a Net, so it can be snapshotted. */
export function hasNet(model: unknown): model is NetModel {
  return typeof (model as { net?: { stateFloats?: unknown } } | null)?.net?.stateFloats === 'number';
}

/** A copy of every parameter, buffer and optimizer value of the model. */
export function captureState(model: NetModel): StateSnapshot {
  const net = model.net;
  return { state: net.backend.arena.f32(net.state, net.stateFloats).slice(), optimizer: net.optimizerState() };
}

function restoreState(model: NetModel, snapshot: StateSnapshot): void {
  const net = model.net;
  net.backend.arena.f32(net.state, net.stateFloats).set(snapshot.state);
  net.setOptimizerState(snapshot.optimizer);
}

/**
 * The {@link ModelState} of the model as it was when `snapshot` was captured. The model's current state is put back
 * afterwards (as the last finite state too), so it can still be saved or used as it is.
 */
export function snapshotJSON(model: NetModel, snapshot: StateSnapshot): ModelState {
  const current = captureState(model);
  restoreState(model, snapshot);
  try {
    return model.toJSON();
  } finally {
    restoreState(model, current);
  }
}
