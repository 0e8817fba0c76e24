// Elementwise kernels: bias, tanh, zeroing and the L2 reduction. Each walks its buffer four lanes at a
// time and finishes the last 1-3 elements with partial loads/stores (simd.ts), never touching memory past the end.
import { loadPartial, storePartial } from './simd';
import { tanhV } from './vmath';
import { sumSquaredDeviations } from './reduce';

/** y[i,j] += b[j] for a [M×N] matrix, in place. */
export function addBias(y: usize, b: usize, M: i32, N: i32): void {
  const row = <usize>N << 2;
  const tail = N & 3;
  const body = <usize>(N - tail) << 2;
  for (let i = 0; i < M; i++) {
    let j: usize = 0;
    for (; j < body; j += 16) v128.store(y + j, f32x4.add(v128.load(y + j), v128.load(b + j)));
    if (tail) storePartial(y + j, f32x4.add(loadPartial(y + j, tail), loadPartial(b + j, tail)), tail);
    y += row;
  }
}

/** db[j] (+)= Σᵢ dy[i,j]: the column sum, four columns at a time down the rows. */
export function biasBackward(db: usize, dy: usize, M: i32, N: i32, accumulate: i32): void {
  const row = <usize>N << 2;
  for (let j = 0; j < N; j += 4) {
    const w = min(N - j, 4);
    const col = <usize>j << 2;
    let s = f32x4.splat(0);
    let p = dy + col;
    if (w == 4) {
      for (let i = 0; i < M; i++) { s = f32x4.add(s, v128.load(p)); p += row; }
    } else {
      for (let i = 0; i < M; i++) { s = f32x4.add(s, loadPartial(p, w)); p += row; }
    }
    if (accumulate) s = f32x4.add(s, loadPartial(db + col, w));
    storePartial(db + col, s, w);
  }
}

/** y = tanh(x) over n elements (y may alias x). */
export function tanhForward(y: usize, x: usize, n: i32): void {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  let j: usize = 0;
  // two vectors per iteration: two independent Horner chains in flight (both loaded before either is stored, so
  // y may still alias x)
  for (; j + 16 < body; j += 32) {
    const a = tanhV(v128.load(x + j));
    const b = tanhV(v128.load(x + j + 16));
    v128.store(y + j, a);
    v128.store(y + j + 16, b);
  }
  if (j < body) {
    v128.store(y + j, tanhV(v128.load(x + j)));
    j += 16;
  }
  if (tail) storePartial(y + j, tanhV(loadPartial(x + j, tail)), tail);
}

/**
 * dx (+)= dy · (1 − y²) (dx may alias dy when not accumulating). 1 − y² is formed as (1 − y)(1 + y): near
 * saturation 1 − y is exact while y·y would already have rounded away most of the difference.
 */
export function tanhBackward(dx: usize, dy: usize, y: usize, n: i32, accumulate: i32): void {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  const one = f32x4.splat(1);
  let j: usize = 0;
  if (accumulate) {
    for (; j < body; j += 16) {
      const yv = v128.load(y + j);
      const g = f32x4.mul(v128.load(dy + j), f32x4.mul(f32x4.sub(one, yv), f32x4.add(one, yv)));
      v128.store(dx + j, f32x4.add(v128.load(dx + j), g));
    }
    if (tail) {
      const yv = loadPartial(y + j, tail);
      const g = f32x4.mul(loadPartial(dy + j, tail), f32x4.mul(f32x4.sub(one, yv), f32x4.add(one, yv)));
      storePartial(dx + j, f32x4.add(loadPartial(dx + j, tail), g), tail);
    }
  } else {
    for (; j < body; j += 16) {
      const yv = v128.load(y + j);
      v128.store(dx + j, f32x4.mul(v128.load(dy + j), f32x4.mul(f32x4.sub(one, yv), f32x4.add(one, yv))));
    }
    if (tail) {
      const yv = loadPartial(y + j, tail);
      storePartial(dx + j, f32x4.mul(loadPartial(dy + j, tail), f32x4.mul(f32x4.sub(one, yv), f32x4.add(one, yv))), tail);
    }
  }
}

/** y += x over n elements (a residual connection's gradient, or its forward sum). */
export function addInto(y: usize, x: usize, n: i32): void {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  let j: usize = 0;
  for (; j < body; j += 16) v128.store(y + j, f32x4.add(v128.load(y + j), v128.load(x + j)));
  if (tail) storePartial(y + j, f32x4.add(loadPartial(y + j, tail), loadPartial(x + j, tail)), tail);
}

/** dst[0..n) = src[0..n), 4-byte elements of any type: one memory.copy (a model state's snapshot or rollback). */
export function copy(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

/** x[0..n) = 0. */
export function zero(x: usize, n: i32): void {
  memory.fill(x, 0, <usize>n << 2);
}

/** Σ x² over n elements in float64: each square of a float32 is exact in float64, so only the sum rounds. */
export function sumSquares(x: usize, n: i32): f64 {
  return sumSquaredDeviations(x, n, 0); // x − 0 is x exactly: the same sums, in the same order
}
