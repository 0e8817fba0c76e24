// Row softmax, log-softmax and cross-entropy over a [M×N] matrix of logits. Every row subtracts its max before
// exponentiating (so logits of 1e4 stay finite), exponentials are the SIMD polynomial of vmath.ts, and losses
// are summed in float64.
import { hmax, hsum, laneMask, loadPartial, storePartial } from './simd';
import { expV } from './vmath';

/** max of the N floats at x (N ≥ 1); tail = N & 3. Branch-free: the ragged end joins as a −∞-padded vector. */
@inline
function rowMax(x: usize, N: i32, tail: i32): f32 {
  const body = <usize>(N - tail) << 2;
  let mv = f32x4.splat(-Infinity);
  let j: usize = 0;
  for (; j < body; j += 16) mv = f32x4.pmax(mv, v128.load(x + j));
  if (tail) mv = f32x4.pmax(mv, v128.bitselect(loadPartial(x + j, tail), f32x4.splat(-Infinity), laneMask(tail)));
  return hmax(mv);
}

/** y = exp(x − max) for one row, returning Σ y (y may alias x); tail = N & 3 as for every row helper. */
@inline
function rowExp(y: usize, x: usize, N: i32, max: f32, tail: i32): f32 {
  const body = <usize>(N - tail) << 2;
  const mv = f32x4.splat(max);
  let s = f32x4.splat(0);
  let j: usize = 0;
  for (; j < body; j += 16) {
    const e = expV(f32x4.sub(v128.load(x + j), mv));
    v128.store(y + j, e);
    s = f32x4.add(s, e);
  }
  if (tail) {
    const e = v128.and(expV(f32x4.sub(loadPartial(x + j, tail), mv)), laneMask(tail));
    storePartial(y + j, e, tail);
    s = f32x4.add(s, e);
  }
  return hsum(s);
}

/** Σ exp(x − max) for one row, writing nothing. */
@inline
function rowSumExp(x: usize, N: i32, max: f32, tail: i32): f32 {
  const body = <usize>(N - tail) << 2;
  const mv = f32x4.splat(max);
  let s = f32x4.splat(0);
  let j: usize = 0;
  for (; j < body; j += 16) s = f32x4.add(s, expV(f32x4.sub(v128.load(x + j), mv)));
  if (tail) s = f32x4.add(s, v128.and(expV(f32x4.sub(loadPartial(x + j, tail), mv)), laneMask(tail)));
  return hsum(s);
}

/** y *= s over one row. */
@inline
function rowScale(y: usize, N: i32, s: f32, tail: i32): void {
  const body = <usize>(N - tail) << 2;
  const sv = f32x4.splat(s);
  let j: usize = 0;
  for (; j < body; j += 16) v128.store(y + j, f32x4.mul(v128.load(y + j), sv));
  if (tail) storePartial(y + j, f32x4.mul(loadPartial(y + j, tail), sv), tail);
}

/** Row softmax of a [M×N] matrix; subtracts the row max first (y may alias x). */
export function softmax(y: usize, x: usize, M: i32, N: i32): void {
  const row = <usize>N << 2;
  const tail = N & 3;
  for (let i = 0; i < M; i++) {
    const sum = rowExp(y, x, N, rowMax(x, N, tail), tail);
    rowScale(y, N, <f32>1 / sum, tail);
    x += row;
    y += row;
  }
}

/** Row log-softmax: (x − max) − log Σ exp(x − max) (y may alias x). */
export function logSoftmax(y: usize, x: usize, M: i32, N: i32): void {
  const row = <usize>N << 2;
  const tail = N & 3;
  const body = <usize>(N - tail) << 2;
  for (let i = 0; i < M; i++) {
    const max = rowMax(x, N, tail);
    const lse = <f32>Math.log(<f64>rowSumExp(x, N, max, tail));
    const mv = f32x4.splat(max);
    const lv = f32x4.splat(lse);
    let j: usize = 0;
    for (; j < body; j += 16) v128.store(y + j, f32x4.sub(f32x4.sub(v128.load(x + j), mv), lv));
    if (tail) storePartial(y + j, f32x4.sub(f32x4.sub(loadPartial(x + j, tail), mv), lv), tail);
    x += row;
    y += row;
  }
}

/** −log softmax(x)[t] = log Σ exp(x − max) − (x[t] − max), in float64. */
@inline
function rowLoss(sum: f32, max: f32, xt: f32): f64 {
  return Math.log(<f64>sum) - (<f64>xt - <f64>max);
}

/** Mean over rows of −log softmax(logits)[target]; writes nothing. */
export function crossEntropyLoss(logits: usize, targets: usize, M: i32, N: i32): f64 {
  const row = <usize>N << 2;
  const tail = N & 3;
  let loss: f64 = 0;
  for (let i = 0; i < M; i++) {
    const max = rowMax(logits, N, tail);
    const t = load<i32>(targets + (<usize>i << 2));
    loss += rowLoss(rowSumExp(logits, N, max, tail), max, load<f32>(logits + (<usize>t << 2)));
    logits += row;
  }
  return loss / <f64>M;
}

/**
 * Fused softmax + cross-entropy: returns the mean loss and writes dlogits = (softmax − onehot(target)) / M.
 * dlogits may alias logits: the target logit is read before the row is overwritten with its exponentials.
 */
export function softmaxCrossEntropy(dlogits: usize, logits: usize, targets: usize, M: i32, N: i32): f64 {
  const row = <usize>N << 2;
  const tail = N & 3;
  const invM = <f32>1 / <f32>M;
  let loss: f64 = 0;
  for (let i = 0; i < M; i++) {
    const max = rowMax(logits, N, tail);
    const t = <usize>load<i32>(targets + (<usize>i << 2)) << 2;
    const xt = load<f32>(logits + t);
    const sum = rowExp(dlogits, logits, N, max, tail);
    loss += rowLoss(sum, max, xt);
    rowScale(dlogits, N, invM / sum, tail);
    store<f32>(dlogits + t, load<f32>(dlogits + t) - invM);
    logits += row;
    dlogits += row;
  }
  return loss / <f64>M;
}
