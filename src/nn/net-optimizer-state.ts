/**
 * A {@link Net}'s optimizer as a model file holds it — settings, step and state values — read from and written back
 * into the net's {@link StateCopies}, so that a resumed run continues exactly where the saved one stopped.
 */
import type { Arena } from '../backend/arena.ts';
import { makeOptimizer, type OptimizerSpec } from './optim.ts';
import type { StateCopies } from './state-copies.ts';

/** Everything about the optimizer that a model file needs to continue a run exactly. */
export interface OptimizerState {
  spec: Required<OptimizerSpec>;
  /** Updates done so far (AdamW's t). */
  step: number;
  /** stateSlots × parameterFloats values (padding included), or empty. */
  values: Float32Array;
}

/** A copy of the optimizer's settings, step and state in use in `copies`. */
export function readOptimizerState(copies: StateCopies, arena: Arena): OptimizerState {
  const n = copies.optimizerFloats;
  const values = n > 0 ? arena.f32(copies.optimizerState!, n).slice() : new Float32Array(0);
  return { spec: { ...copies.optimizerInUse.spec } as Required<OptimizerSpec>, step: copies.step, values };
}

/**
 * Puts a saved optimizer state into use in `copies` (the same layout of parameters is required) and makes it the
 * rollback target too, so that a first non-finite loss returns to the restored state rather than a zeroed one.
 */
export function writeOptimizerState(copies: StateCopies, arena: Arena, s: OptimizerState): void {
  copies.useOptimizer(makeOptimizer(s.spec, 'Net.setOptimizerState'));
  const n = copies.optimizerFloats;
  if (s.values.length !== n) {
    throw new Error(`Net.setOptimizerState: ${s.spec.kind} needs ${n} state values for this model, got ${s.values.length}`);
  }
  if (!Number.isInteger(s.step) || s.step < 0) throw new Error(`Net.setOptimizerState: step must be an integer >= 0, got ${s.step}`);
  if (n > 0) arena.f32(copies.optimizerState!, n).set(s.values);
  copies.step = s.step;
  copies.save();
}

/** True when two optimizer settings are the same, so a switch between them can keep the optimizer's state. */
export function sameSpec(a: object, b: object): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
