/**
 * Where a {@link Net}'s tensors sit in its state block: parameters first (one optimizer call covers them all), then
 * buffers, each padded so that it starts 16-byte aligned.
 */
import { sizeOf, type TensorSpec } from './layer.ts';

/** Floats: each tensor starts 16-byte aligned, so SIMD loads never straddle two tensors. */
export const PAD = 4;

/** A state block's layout: each tensor's offset in floats, and the floats of the parameters and of the whole. */
export interface NetLayout {
  offsets: number[];
  paramFloats: number;
  stateFloats: number;
}

/**
 * Offsets (in floats) of every tensor, parameters first, each padded to {@link PAD} floats. Throws when two tensors
 * share a name, since tensors are bound and saved by name.
 */
export function layOut(params: TensorSpec[], buffers: TensorSpec[]): NetLayout {
  const offsets: number[] = [];
  let offset = 0;
  let paramFloats = 0;
  const seen = new Set<string>();
  [...params, ...buffers].forEach((spec, i) => {
    if (seen.has(spec.name)) throw new Error(`Net: two tensors are named ${JSON.stringify(spec.name)}`);
    seen.add(spec.name);
    offsets.push(offset);
    offset += Math.ceil(sizeOf(spec.shape) / PAD) * PAD;
    if (i < params.length) paramFloats = offset;
  });
  // the arena refuses an empty allocation, so a state without floats still takes one aligned slot
  return { offsets, paramFloats, stateFloats: Math.max(offset, PAD) };
}
