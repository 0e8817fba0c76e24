/**
 * The arena scratch of {@link Net.diagnostics}, allocated by the first call rather than with the net: most nets are
 * never diagnosed, and the update buffer is as large as the largest tensor.
 */
import type { Ptr } from '../backend/kernels.ts';
import { sizeOf, type Tensor } from './layer.ts';
import { PAD } from './net-layout.ts';
import type { OwnedMemory } from './owned-memory.ts';

/** Histogram counts for `bins` bins, and room for one parameter's update. */
export interface DiagnosticsScratch {
  counts: Ptr;
  bins: number;
  update: Ptr;
}

/**
 * The scratch for `bins` bins: `prev` itself when it has that many, else new counts beside `prev`'s update buffer
 * (which fits any of `tensors`, so only the counts depend on the bins).
 */
export function scratchFor(
  prev: DiagnosticsScratch | null, bins: number, tensors: readonly Tensor[], memory: OwnedMemory,
): DiagnosticsScratch {
  if (prev?.bins === bins) return prev;
  if (prev) memory.release(prev.counts);
  const largest = Math.max(PAD, ...tensors.map((t) => sizeOf(t.shape)));
  const update = prev?.update ?? memory.alloc('f32', largest, 'diagnostics.update');
  return { counts: memory.alloc('f32', bins, 'diagnostics.counts'), bins, update };
}
