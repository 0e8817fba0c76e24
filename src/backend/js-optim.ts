import type { Arena } from './arena.ts';
import type { Kernels, Ptr } from './kernels.ts';

/**
 * The optimizer kernels of the plain TypeScript backend (see `js.ts`): each step in float64 per element, rounded to
 * float32 on store; the state a later step reads (velocity, moments) is used as the float32 memory holds it. The
 * `…Step` forms write to separate outputs (which may alias the inputs) and return 1 when every stored value is
 * finite, else 0 (checked after the rounding to float32, where an overflow shows); the `…Update` forms are them in
 * place.
 */
export function createJsOptimizers(
  arena: Arena,
): Pick<Kernels, 'sgdUpdate' | 'sgdMomentumUpdate' | 'adamwUpdate' | 'sgdStep' | 'sgdMomentumStep' | 'adamwStep'> {
  function sgdStep(out: Ptr, param: Ptr, grad: Ptr, n: number, lr: number, weightDecay: number): number {
    const F = arena.F32;
    const O = out >>> 2, P = param >>> 2, G = grad >>> 2;
    let finite = true;
    for (let i = 0; i < n; i++) {
      const p = F[P + i]!;
      F[O + i] = p - lr * (F[G + i]! + weightDecay * p);
      finite &&= Number.isFinite(F[O + i]!);
    }
    return finite ? 1 : 0;
  }

  function sgdMomentumStep(
    pout: Ptr, param: Ptr, grad: Ptr, vout: Ptr, velocity: Ptr, n: number, lr: number, momentum: number, weightDecay: number,
  ): number {
    const F = arena.F32;
    const PO = pout >>> 2, P = param >>> 2, G = grad >>> 2, VO = vout >>> 2, V = velocity >>> 2;
    let finite = true;
    for (let i = 0; i < n; i++) {
      const p = F[P + i]!;
      F[VO + i] = momentum * F[V + i]! + (F[G + i]! + weightDecay * p);
      F[PO + i] = p - lr * F[VO + i]!; // the stored velocity, as the float32 state holds it
      finite &&= Number.isFinite(F[VO + i]!) && Number.isFinite(F[PO + i]!);
    }
    return finite ? 1 : 0;
  }

  function adamwStep(
    pout: Ptr, param: Ptr, grad: Ptr, mout: Ptr, m: Ptr, vout: Ptr, v: Ptr, n: number,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number,
  ): number {
    const F = arena.F32;
    const PO = pout >>> 2, P = param >>> 2, G = grad >>> 2, MO = mout >>> 2, Mo = m >>> 2, VO = vout >>> 2, V = v >>> 2;
    const decay = 1 - lr * weightDecay;
    const stepSize = lr / (1 - beta1 ** step);
    const sqrtBc2 = Math.sqrt(1 - beta2 ** step);
    let finite = true;
    for (let i = 0; i < n; i++) {
      const g = F[G + i]!;
      const mi = F[Mo + i]! + (1 - beta1) * (g - F[Mo + i]!); // lerp(m, g, 1 − β1)
      const vi = beta2 * F[V + i]! + (1 - beta2) * g * g;
      F[MO + i] = mi;
      F[VO + i] = vi;
      const mf = F[MO + i]!, vf = F[VO + i]!; // the stored moments, as the float32 state holds them
      F[PO + i] = F[P + i]! * decay - (stepSize * mf) / (Math.sqrt(vf) / sqrtBc2 + eps);
      finite &&= Number.isFinite(mf) && Number.isFinite(vf) && Number.isFinite(F[PO + i]!);
    }
    return finite ? 1 : 0;
  }

  return {
    sgdStep, sgdMomentumStep, adamwStep,
    sgdUpdate: (param, grad, n, lr, weightDecay) => void sgdStep(param, param, grad, n, lr, weightDecay),
    sgdMomentumUpdate: (param, grad, velocity, n, lr, momentum, weightDecay) =>
      void sgdMomentumStep(param, param, grad, velocity, velocity, n, lr, momentum, weightDecay),
    adamwUpdate: (param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step) =>
      void adamwStep(param, param, grad, m, m, v, v, n, lr, beta1, beta2, eps, weightDecay, step),
  };
}
