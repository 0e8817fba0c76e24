/**
 * The refusal of symmetric starts: a weight matrix whose elements all start equal (zero or constant initialization)
 * has units that compute the same thing, get the same gradient and so stay the same forever — the layer acts as one
 * unit. Random initialization breaks that symmetry; a Net refuses the rest unless told `allowSymmetric`.
 */
import type { Arena } from '../backend/arena.ts';
import { sizeOf, type Tensor } from './layer.ts';

/** Throws when a parameter of two or more dimensions starts with all its elements equal, naming it and its value. */
export function refuseSymmetric(tensors: readonly Tensor[], arena: Arena): void {
  for (const t of tensors) {
    const n = sizeOf(t.shape);
    if (t.grad === null || t.shape.length < 2 || n < 2) continue;
    const v = arena.f32(t.ptr, n);
    if (v.every((x) => x === v[0])) {
      throw new Error(
        `Net: every element of '${t.name}' [${t.shape.join('×')}] starts equal to ${v[0]}: units that start identical ` +
          'get identical gradients and stay identical, so symmetry is never broken and the layer acts as one unit. ' +
          'Initialize it randomly, or allow it (allowSymmetric, --allow-symmetric) to watch it happen in the diagnostics',
      );
    }
  }
}
