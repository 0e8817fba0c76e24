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
  let m: f32 = 0;
  for (let j = 0; j < n; j++) {
    const a = abs<f32>(load<f32>(x + (<usize>j << 2)));
    if (a > m) m = a; // false for NaN
  }
  return <f64>m;
}

/**
 * counts[0..N) = how many of the n elements fall in each of N equal bins over [lo, hi]; values below lo (and NaN)
 * count in the first bin, values at or above hi in the last, so the counts always sum to n. Needs lo < hi.
 */
export function histogram(counts: usize, x: usize, n: i32, lo: f64, hi: f64, N: i32): void {
  memory.fill(counts, 0, <usize>N << 2);
  const scale = <f64>N / (hi - lo);
  for (let j = 0; j < n; j++) {
    const t = (<f64>load<f32>(x + (<usize>j << 2)) - lo) * scale;
    let b = 0;
    if (t >= <f64>N) b = N - 1;
    else if (t > 0) b = <i32>t; // NaN and t <= 0 stay in bin 0
    const p = counts + (<usize>b << 2);
    store<f32>(p, load<f32>(p) + 1);
  }
}

/** y = a − b over n elements (y may alias a or b): the update a step made, from the state before and after it. */
export function subtract(y: usize, a: usize, b: usize, n: i32): void {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  let j: usize = 0;
  for (; j < body; j += 16) v128.store(y + j, f32x4.sub(v128.load(a + j), v128.load(b + j)));
  if (tail) storePartial(y + j, f32x4.sub(loadPartial(a + j, tail), loadPartial(b + j, tail)), tail);
}
