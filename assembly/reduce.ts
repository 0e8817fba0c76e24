// Reductions for diagnostics (activation, gradient and weight statistics) and the element-wise difference that turns
// two parameter snapshots into the update a step made. Sums are in float64 so a statistic of a million float32 values
// is as exact as its reference; they run on demand (every N steps), never inside a plain training step.
import { loadPartial, storePartial } from './simd';

/** Σ x over n elements in float64 (a mean's numerator). */
export function sum(x: usize, n: i32): f64 {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let j: usize = 0;
  for (; j < body; j += 16) {
    const v = v128.load(x + j);
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  const s = f64x2.add(s0, s1);
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (let t = 0; t < tail; t++) total += <f64>load<f32>(x + j + (<usize>t << 2));
  return total;
}

/** Σ (x − center)² over n elements in float64: with center = the mean, n·variance without cancellation. */
export function sumSquaredDeviations(x: usize, n: i32, center: f64): f64 {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  const c = f64x2.splat(center);
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let j: usize = 0;
  for (; j < body; j += 16) {
    const v = v128.load(x + j);
    const lo = f64x2.sub(f64x2.promote_low_f32x4(v), c);
    const hi = f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), c);
    s0 = f64x2.add(s0, f64x2.mul(lo, lo));
    s1 = f64x2.add(s1, f64x2.mul(hi, hi));
  }
  const s = f64x2.add(s0, s1);
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (let t = 0; t < tail; t++) {
    const d = <f64>load<f32>(x + j + (<usize>t << 2)) - center;
    total += d * d;
  }
  return total;
}

/** How many of the n elements have |x| > threshold (tanh saturation with threshold 0.97). NaN never counts. */
export function countAbove(x: usize, n: i32, threshold: f32): f64 {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  const t = f32x4.splat(threshold);
  let c = i32x4.splat(0);
  let j: usize = 0;
  // a lane's comparison is all ones (−1) when true: subtracting it counts
  for (; j < body; j += 16) c = i32x4.sub(c, f32x4.gt(f32x4.abs(v128.load(x + j)), t));
  let total = i32x4.extract_lane(c, 0) + i32x4.extract_lane(c, 1) + i32x4.extract_lane(c, 2) + i32x4.extract_lane(c, 3);
  for (let k = 0; k < tail; k++) if (abs<f32>(load<f32>(x + j + (<usize>k << 2))) > threshold) total++;
  return <f64>total;
}

/** max |x| over n elements (0 for no finite values; NaN is skipped): the range of a data-driven histogram. */
export function maxAbs(x: usize, n: i32): f64 {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  let m = f32x4.splat(0);
  let j: usize = 0;
  // pmax(m, a) = m < a ? a : m: a NaN lane compares false and leaves m as it was
  for (; j < body; j += 16) m = f32x4.pmax(m, f32x4.abs(v128.load(x + j)));
  let r = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (let k = 0; k < tail; k++) {
    const a = abs<f32>(load<f32>(x + j + (<usize>k << 2)));
    if (a > r) r = a; // false for NaN
  }
  return <f64>r;
}

/** One element into the int32 counts, at bin b. */
@inline
function bump(counts: usize, b: i32): void {
  const p = counts + (<usize>b << 2);
  store<i32>(p, load<i32>(p) + 1);
}

/**
 * counts[0..N) = how many of the n elements fall in each of N equal bins over [lo, hi]: bin = trunc((x − lo)·scale)
 * in float32 with scale = N / (hi − lo), clamped to [0, N − 1] — values below lo (and NaN) count in the first bin,
 * values at or above hi in the last, so the counts always sum to n. Needs lo < hi. Bins are found four at a time and
 * counted as int32 in place (an integer add has the shortest dependency chain when neighbours share a bin), then
 * turned into float32.
 */
export function histogram(counts: usize, x: usize, n: i32, lo: f64, hi: f64, N: i32): void {
  memory.fill(counts, 0, <usize>N << 2);
  const lov = f32x4.splat(<f32>lo);
  const scale = f32x4.splat(<f32>(<f64>N / (hi - lo)));
  const zero = i32x4.splat(0);
  const last = i32x4.splat(N - 1);
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  let j: usize = 0;
  for (; j < body; j += 16) {
    const t = f32x4.mul(f32x4.sub(v128.load(x + j), lov), scale);
    const b = i32x4.min_s(i32x4.max_s(i32x4.trunc_sat_f32x4_s(t), zero), last); // NaN truncates to 0
    bump(counts, i32x4.extract_lane(b, 0));
    bump(counts, i32x4.extract_lane(b, 1));
    bump(counts, i32x4.extract_lane(b, 2));
    bump(counts, i32x4.extract_lane(b, 3));
  }
  if (tail) {
    const t = f32x4.mul(f32x4.sub(loadPartial(x + j, tail), lov), scale);
    const b = i32x4.min_s(i32x4.max_s(i32x4.trunc_sat_f32x4_s(t), zero), last);
    bump(counts, i32x4.extract_lane(b, 0));
    if (tail > 1) bump(counts, i32x4.extract_lane(b, 1));
    if (tail > 2) bump(counts, i32x4.extract_lane(b, 2));
  }
  const whole = <usize>(N & ~3) << 2;
  let k: usize = 0;
  for (; k < whole; k += 16) v128.store(counts + k, f32x4.convert_i32x4_s(v128.load(counts + k)));
  for (; k < (<usize>N << 2); k += 4) store<f32>(counts + k, <f32>load<i32>(counts + k));
}

/** y = a − b over n elements (y may alias a or b): the update a step made, from the state before and after it. */
export function subtract(y: usize, a: usize, b: usize, n: i32): void {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  let j: usize = 0;
  for (; j < body; j += 16) v128.store(y + j, f32x4.sub(v128.load(a + j), v128.load(b + j)));
  if (tail) storePartial(y + j, f32x4.sub(loadPartial(a + j, tail), loadPartial(b + j, tail)), tail);
}
