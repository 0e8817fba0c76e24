// Optimizer updates: plain SGD, SGD with momentum and AdamW, as torch.optim computes them (single-tensor path).
// Per-call constants (bias corrections, step sizes) are formed once in float64, then the update runs four lanes at a
// time in float32; the last 1-3 elements use partial loads/stores (simd.ts).
//
// The `…Step` forms write the new parameters and state to separate outputs (which may alias the inputs) and report
// whether every new value is finite, so a Net can keep two copies of its parameters and adopt the new one only when
// it is finite — the NaN/Inf protection without copying the state every step. The check costs one subtraction and one
// OR per stored vector: q − q is +0 for a finite q and NaN otherwise, and the ORed bits stay 0 only if all were +0.
// A non-finite gradient always shows: it makes the new parameter (or a moment) non-finite.
import { loadPartial, storePartial } from './simd';

/** Bits of q − q: all zero when every lane of q is finite. */
@inline
function nonFinite(q: v128): v128 {
  return f32x4.sub(q, q);
}

/** One SGD step on lanes [0, r): stores the new parameter, returns its non-finite bits. */
@inline
function sgdLanes(out: usize, param: usize, grad: usize, lr: v128, wd: v128, r: i32): v128 {
  const p = loadPartial(param, r);
  const q = f32x4.sub(p, f32x4.mul(lr, f32x4.add(loadPartial(grad, r), f32x4.mul(wd, p))));
  storePartial(out, q, r);
  return nonFinite(q);
}

/**
 * Plain SGD out of place: out = p − lr·(g + weightDecay·p) over n elements (out may alias param). Returns 1 when every
 * new value is finite, else 0.
 */
export function sgdStep(out: usize, param: usize, grad: usize, n: i32, lr: f32, weightDecay: f32): f64 {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  const lrv = f32x4.splat(lr);
  const wd = f32x4.splat(weightDecay);
  let bad = i32x4.splat(0);
  let j: usize = 0;
  // two vectors per iteration: the loop's own overhead is a large part of so little work per vector
  for (; j + 16 < body; j += 32) {
    const b0 = sgdLanes(out + j, param + j, grad + j, lrv, wd, 4);
    bad = v128.or(bad, v128.or(b0, sgdLanes(out + j + 16, param + j + 16, grad + j + 16, lrv, wd, 4)));
  }
  if (j < body) {
    bad = v128.or(bad, sgdLanes(out + j, param + j, grad + j, lrv, wd, 4));
    j += 16;
  }
  if (tail) bad = v128.or(bad, sgdLanes(out + j, param + j, grad + j, lrv, wd, tail));
  return v128.any_true(bad) ? 0 : 1;
}

/** p −= lr · (g + weightDecay · p) over n elements, in place. */
export function sgdUpdate(param: usize, grad: usize, n: i32, lr: f32, weightDecay: f32): void {
  sgdStep(param, param, grad, n, lr, weightDecay);
}

/** One SGD-momentum step on lanes [0, r): stores the new velocity and parameter, returns their non-finite bits. */
@inline
function momentumLanes(
  pout: usize, param: usize, grad: usize, vout: usize, velocity: usize, lr: v128, mu: v128, wd: v128, r: i32,
): v128 {
  const p = loadPartial(param, r);
  const g = f32x4.add(loadPartial(grad, r), f32x4.mul(wd, p));
  const v = f32x4.add(f32x4.mul(mu, loadPartial(velocity, r)), g);
  const q = f32x4.sub(p, f32x4.mul(lr, v));
  storePartial(vout, v, r);
  storePartial(pout, q, r);
  // a non-finite v makes q non-finite unless lr = 0 (0·Inf is NaN too): checking q covers both
  return nonFinite(q);
}

/**
 * SGD with momentum as torch.optim.SGD (dampening 0, no Nesterov), out of place: g' = g + weightDecay·p;
 * v' = momentum·v + g'; p' = p − lr·v'. v starts at 0, so the first step is v' = g'. The outputs may alias the
 * inputs. Returns 1 when every new value is finite, else 0.
 */
export function sgdMomentumStep(
  pout: usize, param: usize, grad: usize, vout: usize, velocity: usize, n: i32, lr: f32, momentum: f32, weightDecay: f32,
): f64 {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  const lrv = f32x4.splat(lr), mu = f32x4.splat(momentum), wd = f32x4.splat(weightDecay);
  let bad = i32x4.splat(0);
  let j: usize = 0;
  for (; j < body; j += 16) {
    bad = v128.or(bad, momentumLanes(pout + j, param + j, grad + j, vout + j, velocity + j, lrv, mu, wd, 4));
  }
  if (tail) bad = v128.or(bad, momentumLanes(pout + j, param + j, grad + j, vout + j, velocity + j, lrv, mu, wd, tail));
  return v128.any_true(bad) ? 0 : 1;
}

/** sgdMomentumStep in place. */
export function sgdMomentumUpdate(
  param: usize, grad: usize, velocity: usize, n: i32, lr: f32, momentum: f32, weightDecay: f32,
): void {
  sgdMomentumStep(param, param, grad, velocity, velocity, n, lr, momentum, weightDecay);
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

/** One AdamW step on four lanes (see adamwStep for the constants); returns the non-finite bits of m, v and p. */
@inline
function adamwLanes(
  pout: usize, param: usize, grad: usize, mout: usize, m: usize, vout: usize, v: usize,
  decay: v128, w1: v128, b2: v128, w2: v128, sqrtBc2: v128, eps: v128, stepSize: v128, r: i32,
): v128 {
  const g = loadPartial(grad, r);
  const p = f32x4.mul(loadPartial(param, r), decay);
  const m0 = loadPartial(m, r);
  const m1 = f32x4.add(m0, f32x4.mul(w1, f32x4.sub(g, m0))); // lerp(m, g, 1 − β1), torch's form for weight < 0.5
  const v1 = f32x4.add(f32x4.mul(b2, loadPartial(v, r)), f32x4.mul(f32x4.mul(w2, g), g));
  const denom = f32x4.add(f32x4.div(f32x4.sqrt(v1), sqrtBc2), eps);
  const q = f32x4.sub(p, f32x4.mul(stepSize, f32x4.div(m1, denom)));
  storePartial(mout, m1, r);
  storePartial(vout, v1, r);
  storePartial(pout, q, r);
  // v1 = +Inf (g² overflowed) leaves q finite (m/Inf = 0): check the moments as well as q
  return v128.or(nonFinite(q), v128.or(nonFinite(m1), nonFinite(v1)));
}

/**
 * AdamW as torch.optim.AdamW, out of place: p' = p·(1 − lr·wd) − (lr / (1 − β1^step)) · m' / (√v' / √(1 − β2^step)
 * + eps) with m' = lerp(m, g, 1 − β1), v' = β2·v + (1 − β2)·g². `step` counts from 1. The outputs may alias the
 * inputs. Returns 1 when every new value is finite, else 0.
 */
export function adamwStep(
  pout: usize, param: usize, grad: usize, mout: usize, m: usize, vout: usize, v: usize, n: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, step: f64,
): f64 {
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
  let bad = i32x4.splat(0);
  let j: usize = 0;
  for (; j < body; j += 16) {
    bad = v128.or(bad, adamwLanes(pout + j, param + j, grad + j, mout + j, m + j, vout + j, v + j,
      decay, w1, b2, w2, sqrtBc2, epsv, stepSize, 4));
  }
  if (tail) {
    bad = v128.or(bad, adamwLanes(pout + j, param + j, grad + j, mout + j, m + j, vout + j, v + j,
      decay, w1, b2, w2, sqrtBc2, epsv, stepSize, tail));
  }
  return v128.any_true(bad) ? 0 : 1;
}

/** adamwStep in place. */
export function adamwUpdate(
  param: usize, grad: usize, m: usize, v: usize, n: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, step: f64,
): void {
  adamwStep(param, param, grad, m, m, v, v, n, lr, beta1, beta2, eps, weightDecay, step);
}
