// Optimizer updates beyond plain SGD: SGD with momentum and AdamW, as torch.optim computes them (single-tensor
// path). Per-call constants (bias corrections, step sizes) are formed once in float64, then the update runs four
// lanes at a time in float32; the last 1-3 elements use partial loads/stores (simd.ts).
import { loadPartial, storePartial } from './simd';

/** One SGD-momentum step on lanes [0, r): stores the new velocity and parameter. */
@inline
function momentumLanes(param: usize, grad: usize, velocity: usize, lr: v128, mu: v128, wd: v128, r: i32): void {
  const p = loadPartial(param, r);
  const g = f32x4.add(loadPartial(grad, r), f32x4.mul(wd, p));
  const v = f32x4.add(f32x4.mul(mu, loadPartial(velocity, r)), g);
  storePartial(velocity, v, r);
  storePartial(param, f32x4.sub(p, f32x4.mul(lr, v)), r);
}

/**
 * SGD with momentum as torch.optim.SGD (dampening 0, no Nesterov): g' = g + weightDecay·p; v = momentum·v + g';
 * p −= lr·v. v starts at 0, so the first step is v = g'.
 */
export function sgdMomentumUpdate(
  param: usize, grad: usize, velocity: usize, n: i32, lr: f32, momentum: f32, weightDecay: f32,
): void {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  const lrv = f32x4.splat(lr), mu = f32x4.splat(momentum), wd = f32x4.splat(weightDecay);
  let j: usize = 0;
  for (; j < body; j += 16) momentumLanes(param + j, grad + j, velocity + j, lrv, mu, wd, 4);
  if (tail) momentumLanes(param + j, grad + j, velocity + j, lrv, mu, wd, tail);
}

/**
 * x^n for a whole n ≥ 0 by repeated squaring: within ~2·log2(n) float64 roundings of the exact power, far below the
 * float32 the update runs in, and about 3 KB smaller than linking the general Math.pow into the module.
 */
function powInt(x: f64, n: f64): f64 {
  let result: f64 = 1;
  let base = x;
  for (let k = <u64>n; k != 0; k >>= 1) {
    if (k & 1) result *= base;
    base *= base;
  }
  return result;
}

/** One AdamW step on four lanes (see adamwUpdate for the constants). */
@inline
function adamwLanes(
  param: usize, grad: usize, m: usize, v: usize,
  decay: v128, w1: v128, b2: v128, w2: v128, sqrtBc2: v128, eps: v128, stepSize: v128, r: i32,
): void {
  const g = loadPartial(grad, r);
  const p = f32x4.mul(loadPartial(param, r), decay);
  const m0 = loadPartial(m, r);
  const m1 = f32x4.add(m0, f32x4.mul(w1, f32x4.sub(g, m0))); // lerp(m, g, 1 − β1), torch's form for weight < 0.5
  const v1 = f32x4.add(f32x4.mul(b2, loadPartial(v, r)), f32x4.mul(f32x4.mul(w2, g), g));
  const denom = f32x4.add(f32x4.div(f32x4.sqrt(v1), sqrtBc2), eps);
  storePartial(m, m1, r);
  storePartial(v, v1, r);
  storePartial(param, f32x4.sub(p, f32x4.mul(stepSize, f32x4.div(m1, denom))), r);
}

/**
 * AdamW as torch.optim.AdamW: p *= 1 − lr·wd; m = lerp(m, g, 1 − β1); v = β2·v + (1 − β2)·g²;
 * p −= (lr / (1 − β1^step)) · m / (√v / √(1 − β2^step) + eps). `step` counts from 1.
 */
export function adamwUpdate(
  param: usize, grad: usize, m: usize, v: usize, n: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, step: f64,
): void {
  const bc1 = 1 - powInt(beta1, step);
  const bc2 = 1 - powInt(beta2, step);
  const decay = f32x4.splat(<f32>(1 - lr * weightDecay));
  const w1 = f32x4.splat(<f32>(1 - beta1));
  const b2 = f32x4.splat(<f32>beta2);
  const w2 = f32x4.splat(<f32>(1 - beta2));
  const sqrtBc2 = f32x4.splat(<f32>Math.sqrt(bc2));
  const epsv = f32x4.splat(<f32>eps);
  const stepSize = f32x4.splat(<f32>(lr / bc1));
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  let j: usize = 0;
  for (; j < body; j += 16) adamwLanes(param + j, grad + j, m + j, v + j, decay, w1, b2, w2, sqrtBc2, epsv, stepSize, 4);
  if (tail) adamwLanes(param + j, grad + j, m + j, v + j, decay, w1, b2, w2, sqrtBc2, epsv, stepSize, tail);
}
