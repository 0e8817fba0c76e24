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

/**
 * Rows per block of the three-pass kernels below: about 1,024 floats, so a block stays in L1 between its passes
 * (a bigram's full batch of 228,146 rows would not).
 */
@inline
function blockRows(N: i32): i32 {
  return max(1, 1024 / N);
}

/** y = x − max over one row, returning the max (y may alias x). */
@inline
function rowShift(y: usize, x: usize, N: i32, tail: i32): f32 {
  const max = rowMax(x, N, tail);
  const body = <usize>(N - tail) << 2;
  const mv = f32x4.splat(max);
  let j: usize = 0;
  for (; j < body; j += 16) v128.store(y + j, f32x4.sub(v128.load(x + j), mv));
  if (tail) storePartial(y + j, f32x4.sub(loadPartial(x + j, tail), mv), tail);
  return max;
}

/**
 * y = exp(y) over n contiguous floats: whole rows of a block as one flat run, so short rows (27 wide) pay no
 * per-row loop start, ragged end or constant set-up, and the exponentials of different rows overlap.
 */
@inline
function expInPlace(y: usize, n: i32): void {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  let j: usize = 0;
  // four vectors per iteration: four exp chains in flight (one chain's latency is what bounds a one-vector loop)
  for (; j + 48 < body; j += 64) {
    const a = expV(v128.load(y + j)), b = expV(v128.load(y + j, 16));
    const c = expV(v128.load(y + j, 32)), d = expV(v128.load(y + j, 48));
    v128.store(y + j, a); v128.store(y + j, b, 16); v128.store(y + j, c, 32); v128.store(y + j, d, 48);
  }
  for (; j < body; j += 16) v128.store(y + j, expV(v128.load(y + j)));
  if (tail) storePartial(y + j, expV(loadPartial(y + j, tail)), tail);
}

/** Σ y over one row (the unused lanes of the ragged end load as zeros). */
@inline
function rowSum(y: usize, N: i32, tail: i32): f32 {
  const body = <usize>(N - tail) << 2;
  let s = f32x4.splat(0);
  let j: usize = 0;
  for (; j < body; j += 16) s = f32x4.add(s, v128.load(y + j));
  if (tail) s = f32x4.add(s, loadPartial(y + j, tail));
  return hsum(s);
}

/** Row softmax of a [M×N] matrix; subtracts the row max first (y may alias x). */
export function softmax(y: usize, x: usize, M: i32, N: i32): void {
  const row = <usize>N << 2;
  const tail = N & 3;
  const rows = blockRows(N);
  // per block of rows: shift by the max, exponentiate the block flat, then normalize each row
  for (let i = 0; i < M; i += rows) {
    const b = min(rows, M - i);
    let r: usize = 0;
    for (let k = 0; k < b; k++, r += row) rowShift(y + r, x + r, N, tail);
    expInPlace(y, b * N);
    r = 0;
    for (let k = 0; k < b; k++, r += row) rowScale(y + r, N, <f32>1 / rowSum(y + r, N, tail), tail);
    x += r;
    y += r;
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

// The losses add log Σ exp(x − max) of every row. They take it as the log of the rows' product, one log per
// LOG_ROWS rows instead of one per row: every sum is in [1, N] (the max's own term is exp(0) = 1), so LOG_ROWS of
// them multiply to at most N¹⁶ < 2⁴⁹⁶ (no overflow for any i32 N), and the float64 product rounds far less than
// the float32 sums already have.
const LOG_ROWS = 16;

/** How many of the M targets are real (not −1, "no target"). */
@inline
function countTargets(targets: usize, M: i32): i32 {
  let count = 0;
  for (let i = 0; i < M; i++) count += i32(load<i32>(targets + (<usize>i << 2)) >= 0);
  return count;
}

/**
 * Mean over rows of −log softmax(logits)[target]; writes nothing. A target of −1 means "no target": the row is
 * skipped and the mean is over the other rows (0 when there are none).
 */
export function crossEntropyLoss(logits: usize, targets: usize, M: i32, N: i32): f64 {
  const row = <usize>N << 2;
  const tail = N & 3;
  const count = countTargets(targets, M);
  if (count == 0) return 0;
  let shifts: f64 = 0; // Σ (x[t] − max)
  let logs: f64 = 0; // Σ log Σ exp(x − max), LOG_ROWS rows at a time
  let product: f64 = 1;
  for (let i = 0; i < M; i++) {
    const t = load<i32>(targets + (<usize>i << 2));
    if (t >= 0) {
      const max = rowMax(logits, N, tail);
      shifts += <f64>load<f32>(logits + (<usize>t << 2)) - <f64>max;
      product *= <f64>rowSumExp(logits, N, max, tail);
    }
    if (i % LOG_ROWS == LOG_ROWS - 1) {
      logs += Math.log(product);
      product = 1;
    }
    logits += row;
  }
  return (logs + Math.log(product) - shifts) / <f64>count;
}

/**
 * Fused softmax + cross-entropy: returns the mean loss and writes dlogits = (softmax − onehot(target)) / count,
 * count being the number of rows with a real target; a row whose target is −1 gets dlogits 0 and adds nothing.
 * dlogits may alias logits: the target logit is read before the row is overwritten with its exponentials.
 */
export function softmaxCrossEntropy(dlogits: usize, logits: usize, targets: usize, M: i32, N: i32): f64 {
  const row = <usize>N << 2;
  const tail = N & 3;
  const count = countTargets(targets, M);
  const invM = <f32>1 / <f32>max(count, 1);
  const rows = blockRows(N);
  let shifts: f64 = 0; // Σ (x[t] − max), taken before the row is overwritten
  let logs: f64 = 0; // Σ log Σ exp(x − max), LOG_ROWS rows at a time
  let product: f64 = 1;
  let n = 0;
  // per block of rows, as softmax; the loss of a row is −log softmax[t] = log Σ exp(x − max) − (x[t] − max)
  for (let i = 0; i < M; i += rows) {
    const b = min(rows, M - i);
    let r: usize = 0;
    for (let k = 0; k < b; k++, r += row) {
      const t = load<i32>(targets + (<usize>(i + k) << 2));
      const xt = t >= 0 ? load<f32>(logits + r + (<usize>t << 2)) : <f32>0;
      const max = rowShift(dlogits + r, logits + r, N, tail);
      if (t >= 0) shifts += <f64>xt - <f64>max;
    }
    expInPlace(dlogits, b * N);
    r = 0;
    for (let k = 0; k < b; k++, r += row) {
      const y = dlogits + r;
      const t = load<i32>(targets + (<usize>(i + k) << 2));
      if (t < 0) {
        memory.fill(y, 0, row); // no target: no gradient
        continue;
      }
      const sum = rowSum(y, N, tail);
      product *= <f64>sum;
      if (++n == LOG_ROWS) {
        logs += Math.log(product);
        product = 1;
        n = 0;
      }
      rowScale(y, N, invM / sum, tail);
      const yt = y + (<usize>t << 2);
      store<f32>(yt, load<f32>(yt) - invM);
    }
    logits += r;
    dlogits += r;
  }
  return count == 0 ? 0 : (logs + Math.log(product) - shifts) / <f64>count;
}
