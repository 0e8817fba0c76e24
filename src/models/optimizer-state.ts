/**
 * The optimizer's part of a saved model: its settings, the update count and its state (momentum buffer or Adam's
 * moments) as one tensor, so a resumed run continues exactly where it stopped.
 */
import type { Net } from '../nn/net.ts';
import type { OptimizerSpec } from '../nn/optim.ts';
import type { SavedOptimizer } from './model.ts';
import { decodeTensor, encodeTensor } from './tensor-codec.ts';

/** The Net's optimizer as saved in a model file. */
export function optimizerToJSON(net: Net): SavedOptimizer {
  const s = net.optimizerState();
  const saved: SavedOptimizer = { spec: { ...s.spec }, step: s.step };
  if (s.values.length > 0) saved.state = encodeTensor(s.values, [s.values.length]);
  return saved;
}

/** Restores a saved optimizer into the Net (nothing to do for files written before optimizers were saved). */
export function optimizerFromJSON(net: Net, saved: unknown, who: string): void {
  if (saved === undefined || saved === null) return;
  const o = saved as Partial<SavedOptimizer>;
  if (typeof o !== 'object' || typeof o.spec !== 'object' || o.spec === null) {
    throw new Error(`${who}: optimizer must be { spec, step, state? }, got ${JSON.stringify(saved)?.slice(0, 80)}`);
  }
  const values = o.state === undefined ? new Float32Array(0) : decodeTensor(o.state, 'optimizer.state');
  try {
    net.setOptimizerState({ spec: o.spec as Required<OptimizerSpec>, step: o.step as number, values });
  } catch (error) {
    throw new Error(`${who}: ${(error as Error).message}`);
  }
}
