import type { Arena } from './arena.ts';
import type { Kernels, Ptr } from './kernels.ts';

/**
 * The optimizer kernels of the plain TypeScript backend (see `js.ts`): each step in float64 per element, rounded to
 * float32 on store; the state a later step reads (velocity, moments) is used as the float32 memory holds it.
 */
export function createJsOptimizers(arena: Arena): Pick<Kernels, 'sgdUpdate' | 'sgdMomentumUpdate' | 'adamwUpdate'> {
  function sgdUpdate(param: Ptr, grad: Ptr, n: number, lr: number, weightDecay: number): void {
    const F = arena.F32;
    const P = param >>> 2, G = grad >>> 2;
    for (let i = 0; i < n; i++) F[P + i] -= lr * (F[G + i]! + weightDecay * F[P + i]!);
  }

  function sgdMomentumUpdate(
    param: Ptr, grad: Ptr, velocity: Ptr, n: number, lr: number, momentum: number, weightDecay: number,
  ): void {
    const F = arena.F32;
    const P = param >>> 2, G = grad >>> 2, V = velocity >>> 2;
    for (let i = 0; i < n; i++) {
      const v = momentum * F[V + i]! + (F[G + i]! + weightDecay * F[P + i]!);
      F[V + i] = v;
      F[P + i] -= lr * Math.fround(v); // the stored velocity, as the float32 state holds it
    }
  }

  function adamwUpdate(
    param: Ptr, grad: Ptr, m: Ptr, v: Ptr, n: number,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number,
  ): void {
    const F = arena.F32;
    const P = param >>> 2, G = grad >>> 2, Mo = m >>> 2, V = v >>> 2;
    const decay = 1 - lr * weightDecay;
    const stepSize = lr / (1 - beta1 ** step);
    const sqrtBc2 = Math.sqrt(1 - beta2 ** step);
    for (let i = 0; i < n; i++) {
      const g = F[G + i]!;
      const mi = F[Mo + i]! + (1 - beta1) * (g - F[Mo + i]!); // lerp(m, g, 1 − β1)
      const vi = beta2 * F[V + i]! + (1 - beta2) * g * g;
      F[Mo + i] = mi;
      F[V + i] = vi;
      const mf = Math.fround(mi), vf = Math.fround(vi); // the stored moments, as the float32 state holds them
      F[P + i] = F[P + i]! * decay - (stepSize * mf) / (Math.sqrt(vf) / sqrtBc2 + eps);
    }
  }

  return { sgdUpdate, sgdMomentumUpdate, adamwUpdate };
}
