// LayerNorm over the last dimension and the tanh-approximated GELU of the Transformer (issue 15). A LayerNorm row
// is one example's channels (64 floats by default): each row is reduced in registers four lanes at a time, with
// partial loads for a ragged end, so no scratch memory is needed.
import { hsum, laneMask, loadPartial, storePartial } from './simd';
import { expV } from './vmath';

/** Σ of n floats at p (vector lanes first, then one horizontal sum: a fixed order, so deterministic). */
@inline
function rowSum(p: usize, n: i32): f32 {
  let s = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) s = f32x4.add(s, v128.load(p + (<usize>j << 2)));
  if (j < n) s = f32x4.add(s, loadPartial(p + (<usize>j << 2), n - j));
  return hsum(s);
}

/** y = (x − mean)·rstd·gain + bias per row of [M×N]; saves mean and rstd = 1/√(var + eps) per row. */
export function layerNormForward(y: usize, mean: usize, rstd: usize, x: usize, gain: usize, bias: usize, M: i32, N: i32, eps: f32): void {
  const row = <usize>N << 2;
  for (let i = 0; i < M; i++) {
    const m = rowSum(x, N) / <f32>N;
    const mv = f32x4.splat(m);
    // two passes: Σ(x − mean)² does not cancel the way Σx² − N·mean² does
    let s = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const d = f32x4.sub(v128.load(x + (<usize>j << 2)), mv);
      s = f32x4.add(s, f32x4.mul(d, d));
    }
    if (j < N) {
      const r = N - j;
      const d = v128.and(f32x4.sub(loadPartial(x + (<usize>j << 2), r), mv), laneMask(r)); // 0 − mean in unused lanes is not 0
      s = f32x4.add(s, f32x4.mul(d, d));
    }
    const rs: f32 = 1 / Mathf.sqrt(hsum(s) / <f32>N + eps);
    store<f32>(mean + (<usize>i << 2), m);
    store<f32>(rstd + (<usize>i << 2), rs);
    const rv = f32x4.splat(rs);
    for (j = 0; j + 4 <= N; j += 4) {
      const o = <usize>j << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(x + o), mv), rv);
      v128.store(y + o, f32x4.add(f32x4.mul(xh, v128.load(gain + o)), v128.load(bias + o)));
    }
    if (j < N) {
      const o = <usize>j << 2, r = N - j;
      const xh = f32x4.mul(f32x4.sub(loadPartial(x + o, r), mv), rv);
      storePartial(y + o, f32x4.add(f32x4.mul(xh, loadPartial(gain + o, r)), loadPartial(bias + o, r)), r);
    }
    x += row;
    y += row;
  }
}

/**
 * dgain += Σ dy·xhat, dbias += Σ dy; dx = rstd·(dy·gain − mean(dy·gain) − xhat·mean(dy·gain·xhat)) per row, written
 * after the row's sums so dx may alias dy.
 */
export function layerNormBackward(
  dx: usize, dgain: usize, dbias: usize, dy: usize, x: usize, mean: usize, rstd: usize, gain: usize, M: i32, N: i32,
): void {
  const row = <usize>N << 2;
  const invN: f32 = 1 / <f32>N;
  for (let i = 0; i < M; i++) {
    const mv = f32x4.splat(load<f32>(mean + (<usize>i << 2)));
    const rs = load<f32>(rstd + (<usize>i << 2));
    const rv = f32x4.splat(rs);
    let s1 = f32x4.splat(0), s2 = f32x4.splat(0);
    for (let j = 0; j < N; j += 4) {
      const o = <usize>j << 2, r = min(N - j, 4); // partial lanes load as 0, so they add nothing
      const g = loadPartial(dy + o, r);
      const xh = f32x4.mul(f32x4.sub(loadPartial(x + o, r), mv), rv);
      const d = f32x4.mul(g, loadPartial(gain + o, r));
      s1 = f32x4.add(s1, d);
      s2 = f32x4.add(s2, f32x4.mul(d, xh));
      storePartial(dgain + o, f32x4.add(loadPartial(dgain + o, r), f32x4.mul(g, xh)), r);
      storePartial(dbias + o, f32x4.add(loadPartial(dbias + o, r), g), r);
    }
    const a = f32x4.splat(hsum(s1) * invN), b = f32x4.splat(hsum(s2) * invN);
    for (let j = 0; j < N; j += 4) {
      const o = <usize>j << 2, r = min(N - j, 4);
      const xh = f32x4.mul(f32x4.sub(loadPartial(x + o, r), mv), rv);
      const d = f32x4.mul(loadPartial(dy + o, r), loadPartial(gain + o, r));
      storePartial(dx + o, f32x4.mul(rv, f32x4.sub(f32x4.sub(d, a), f32x4.mul(xh, b))), r);
    }
    x += row;
    dy += row;
    dx += row;
  }
}

const GELU_K: f32 = 0.7978845608028654; // √(2/π)
const GELU_C: f32 = 0.044715;

/**
 * e^(−2u) per lane for u = √(2/π)(x + 0.044715x³). GELU's ½(1 + tanh u) is σ(2u) = 1/(1 + e^(−2u)) and
 * 1 − tanh u = 2e^(−2u)/(1 + e^(−2u)): formed from the exponential, both keep their relative accuracy in the tails,
 * where 1 ± tanh u computed from a tanh with ~5e-7 absolute error would cancel (GELU′ at x = −4 is about −3e-4).
 */
@inline
function geluExp(x: v128): v128 {
  const x3 = f32x4.mul(f32x4.mul(x, x), x);
  return expV(f32x4.mul(f32x4.splat(-2 * GELU_K), f32x4.add(x, f32x4.mul(f32x4.splat(GELU_C), x3))));
}

/** ½x(1 + tanh u) = x / (1 + e^(−2u)); expV saturates at e^88, so a very negative x gives a tiny −y, not NaN. */
@inline
function geluV(v: v128): v128 {
  return f32x4.div(v, f32x4.add(f32x4.splat(1), geluExp(v)));
}

/** y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))) over n elements (y may alias x). */
export function geluForward(y: usize, x: usize, n: i32): void {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  let j: usize = 0;
  // four vectors per iteration, as tanhForward: four exp chains in flight (all loaded before any is stored)
  for (; j + 48 < body; j += 64) {
    const a = geluV(v128.load(x + j)), b = geluV(v128.load(x + j, 16));
    const c = geluV(v128.load(x + j, 32)), d = geluV(v128.load(x + j, 48));
    v128.store(y + j, a); v128.store(y + j, b, 16); v128.store(y + j, c, 32); v128.store(y + j, d, 48);
  }
  for (; j < body; j += 16) v128.store(y + j, geluV(v128.load(x + j)));
  if (tail) storePartial(y + j, geluV(loadPartial(x + j, tail)), tail);
}

/** GELU′(x) = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²), t = tanh u; see geluExp. */
@inline
function geluGradV(v: v128): v128 {
  const one = f32x4.splat(1);
  const e = geluExp(v);
  const s = f32x4.div(one, f32x4.add(one, e)); // ½(1 + t) = σ(2u)
  const du = f32x4.mul(f32x4.splat(GELU_K), f32x4.add(one, f32x4.mul(f32x4.splat(3 * GELU_C), f32x4.mul(v, v))));
  // ½(1 − t²) = 2·σ(2u)·σ(−2u) = 2·s·(e·s) (e ≤ e^88 is finite, so e·s is too)
  const sech2half = f32x4.mul(f32x4.add(s, s), f32x4.mul(e, s));
  return f32x4.add(s, f32x4.mul(f32x4.mul(v, sech2half), du));
}

/** dx = dy·GELU′(x) over n elements (dx may alias dy). */
export function geluBackward(dx: usize, dy: usize, x: usize, n: i32): void {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  let j: usize = 0;
  // four vectors per iteration, as geluForward (all of dy read before any dx is written)
  for (; j + 48 < body; j += 64) {
    const a = f32x4.mul(v128.load(dy + j), geluGradV(v128.load(x + j)));
    const b = f32x4.mul(v128.load(dy + j, 16), geluGradV(v128.load(x + j, 16)));
    const c = f32x4.mul(v128.load(dy + j, 32), geluGradV(v128.load(x + j, 32)));
    const d = f32x4.mul(v128.load(dy + j, 48), geluGradV(v128.load(x + j, 48)));
    v128.store(dx + j, a); v128.store(dx + j, b, 16); v128.store(dx + j, c, 32); v128.store(dx + j, d, 48);
  }
  for (; j < body; j += 16) v128.store(dx + j, f32x4.mul(v128.load(dy + j), geluGradV(v128.load(x + j))));
  if (tail) storePartial(dx + j, f32x4.mul(loadPartial(dy + j, tail), geluGradV(loadPartial(x + j, tail))), tail);
}
