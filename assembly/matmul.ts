// Matrix multiply in the three forms backprop needs, on f32x4 register tiles.
//
// NN and TN share one kernel: C gets rank-1 updates, one per k: a tile of 4 rows × 8 columns of C lives in eight
// v128 registers, each step loads 8 floats of row k of B and broadcasts 4 elements of column k of A. Only A's
// strides differ (A[i,k] at i·K + k for NN, at k·M + i for TN), so both read B and C along contiguous rows.
// NT (C = A·Bᵀ) instead takes dot products along K, where both A's and B's rows are contiguous: a tile of
// 2 rows × 4 columns keeps eight v128 partial sums, folded by one transpose-add at the end.
// Ragged edges (N = 27, M = 30, K = 30, ...) reuse the same tiles with fewer rows or with partial lanes, never
// reading or writing past the matrices. No wasm SIMD FMA exists without relaxed SIMD, so mul + add it is.
import { hsum4, loadPartial, storePartial } from './simd';

// ---- NN / TN: rank-1 updates -------------------------------------------------------------------------------

/** C[rows×8] (+)= A·B for one tile; `rows` (1..4) is a compile-time constant after inlining. */
@inline
function tile8(c: usize, a: usize, b: usize, K: i32, sAi: usize, sAk: usize, sB: usize, sC: usize, rows: i32, accumulate: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let a0 = a, a1 = a + sAi, a2 = a + 2 * sAi, a3 = a + 3 * sAi;
  let bp = b;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    if (rows > 1) {
      x = v128.load32_splat(a1);
      c10 = f32x4.add(c10, f32x4.mul(x, b0));
      c11 = f32x4.add(c11, f32x4.mul(x, b1));
    }
    if (rows > 2) {
      x = v128.load32_splat(a2);
      c20 = f32x4.add(c20, f32x4.mul(x, b0));
      c21 = f32x4.add(c21, f32x4.mul(x, b1));
    }
    if (rows > 3) {
      x = v128.load32_splat(a3);
      c30 = f32x4.add(c30, f32x4.mul(x, b0));
      c31 = f32x4.add(c31, f32x4.mul(x, b1));
    }
    a0 += sAk; a1 += sAk; a2 += sAk; a3 += sAk;
    bp += sB;
  }
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    if (rows > 1) { c10 = f32x4.add(c10, v128.load(c + sC)); c11 = f32x4.add(c11, v128.load(c + sC, 16)); }
    if (rows > 2) { c20 = f32x4.add(c20, v128.load(c + 2 * sC)); c21 = f32x4.add(c21, v128.load(c + 2 * sC, 16)); }
    if (rows > 3) { c30 = f32x4.add(c30, v128.load(c + 3 * sC)); c31 = f32x4.add(c31, v128.load(c + 3 * sC, 16)); }
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  if (rows > 1) { v128.store(c + sC, c10); v128.store(c + sC, c11, 16); }
  if (rows > 2) { v128.store(c + 2 * sC, c20); v128.store(c + 2 * sC, c21, 16); }
  if (rows > 3) { v128.store(c + 3 * sC, c30); v128.store(c + 3 * sC, c31, 16); }
}

/** C[rows×w] (+)= A·B for a tile one vector wide; w in 1..4 columns (partial loads/stores below 4). */
@inline
function tile4(c: usize, a: usize, b: usize, K: i32, sAi: usize, sAk: usize, sB: usize, sC: usize, rows: i32, w: i32, accumulate: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let a0 = a, a1 = a + sAi, a2 = a + 2 * sAi, a3 = a + 3 * sAi;
  let bp = b;
  for (let k = 0; k < K; k++) {
    const b0 = loadPartial(bp, w);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0), b0));
    if (rows > 1) c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1), b0));
    if (rows > 2) c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2), b0));
    if (rows > 3) c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3), b0));
    a0 += sAk; a1 += sAk; a2 += sAk; a3 += sAk;
    bp += sB;
  }
  if (accumulate) {
    c0 = f32x4.add(c0, loadPartial(c, w));
    if (rows > 1) c1 = f32x4.add(c1, loadPartial(c + sC, w));
    if (rows > 2) c2 = f32x4.add(c2, loadPartial(c + 2 * sC, w));
    if (rows > 3) c3 = f32x4.add(c3, loadPartial(c + 3 * sC, w));
  }
  storePartial(c, c0, w);
  if (rows > 1) storePartial(c + sC, c1, w);
  if (rows > 2) storePartial(c + 2 * sC, c2, w);
  if (rows > 3) storePartial(c + 3 * sC, c3, w);
}

/** One band of `rows` rows of C: 8-wide tiles across, then one 4-wide tile, then the last 1-3 columns. */
@inline
function band(c: usize, a: usize, b: usize, K: i32, N: i32, sAi: usize, sAk: usize, rows: i32, accumulate: i32): void {
  const sB = <usize>N << 2;
  let j = 0;
  for (; j + 8 <= N; j += 8) {
    const o = <usize>j << 2;
    tile8(c + o, a, b + o, K, sAi, sAk, sB, sB, rows, accumulate);
  }
  if (j + 4 <= N) {
    const o = <usize>j << 2;
    tile4(c + o, a, b + o, K, sAi, sAk, sB, sB, rows, 4, accumulate);
    j += 4;
  }
  const w = N - j;
  if (w) {
    const o = <usize>j << 2;
    if (w == 1) tile4(c + o, a, b + o, K, sAi, sAk, sB, sB, rows, 1, accumulate);
    else if (w == 2) tile4(c + o, a, b + o, K, sAi, sAk, sB, sB, rows, 2, accumulate);
    else tile4(c + o, a, b + o, K, sAi, sAk, sB, sB, rows, 3, accumulate);
  }
}

/** C[M×N] (+)= A·B where A[i,k] sits at a + i·sAi + k·sAk (bytes), over all of K at once. */
function rank1Panel(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, sAi: usize, sAk: usize, accumulate: i32): void {
  const sC4 = <usize>N << 4; // four rows of C
  const sA4 = sAi << 2;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    band(c, a, b, K, N, sAi, sAk, 4, accumulate);
    c += sC4;
    a += sA4;
  }
  const r = M - i;
  if (r == 3) band(c, a, b, K, N, sAi, sAk, 3, accumulate);
  else if (r == 2) band(c, a, b, K, N, sAi, sAk, 2, accumulate);
  else if (r == 1) band(c, a, b, K, N, sAi, sAk, 1, accumulate);
}

// Large K is cut into blocks of KC rows of B, each swept over all of C before the next: the block of B
// (KC×N floats) then stays in L2 across the row bands instead of the whole of B being streamed again per band.
const KC = 128;

/** C[M×N] (+)= A·B with A[i,k] at a + i·sAi + k·sAk (bytes), K blocked for cache. */
function rank1Gemm(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, sAi: usize, sAk: usize, accumulate: i32): void {
  if (K <= 2 * KC) {
    rank1Panel(c, a, b, M, K, N, sAi, sAk, accumulate);
    return;
  }
  const sBk = <usize>N << 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    rank1Panel(c, a + <usize>k0 * sAk, b + <usize>k0 * sBk, M, kc, N, sAi, sAk, k0 > 0 ? 1 : accumulate);
  }
}

/** C[M×N] (+)= A[M×K] · B[K×N]. */
export function matmul(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32): void {
  rank1Gemm(c, a, b, M, K, N, <usize>K << 2, 4, accumulate);
}

/** C[M×N] (+)= Aᵀ · B with A stored [K×M] and B [K×N] (dW = Xᵀ·dY). */
export function matmulTN(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32): void {
  rank1Gemm(c, a, b, M, K, N, 4, <usize>M << 2, accumulate);
}

// ---- NT: dot products along K ------------------------------------------------------------------------------

/**
 * C[rows×cols] (+)= A·Bᵀ for one tile: rows in 1..2 and cols in 1..4 are constants after inlining. Lanes of each
 * accumulator hold partial sums over k ≡ lane (mod 4); the last 1-3 values of K load zero-filled on both sides.
 */
@inline
function tileNT(c: usize, a: usize, b: usize, K: i32, sC: usize, rows: i32, cols: i32, tail: i32, accumulate: i32): void {
  const sK = <usize>K << 2;
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
  const a1 = a + sK;
  const b1 = b + sK, b2 = b + 2 * sK, b3 = b + 3 * sK;
  const body = <usize>(K - tail) << 2;
  let o: usize = 0;
  for (; o < body; o += 16) {
    const x0 = v128.load(a + o);
    const x1 = rows > 1 ? v128.load(a1 + o) : x0;
    let y = v128.load(b + o);
    s00 = f32x4.add(s00, f32x4.mul(x0, y));
    if (rows > 1) s10 = f32x4.add(s10, f32x4.mul(x1, y));
    if (cols > 1) {
      y = v128.load(b1 + o);
      s01 = f32x4.add(s01, f32x4.mul(x0, y));
      if (rows > 1) s11 = f32x4.add(s11, f32x4.mul(x1, y));
    }
    if (cols > 2) {
      y = v128.load(b2 + o);
      s02 = f32x4.add(s02, f32x4.mul(x0, y));
      if (rows > 1) s12 = f32x4.add(s12, f32x4.mul(x1, y));
    }
    if (cols > 3) {
      y = v128.load(b3 + o);
      s03 = f32x4.add(s03, f32x4.mul(x0, y));
      if (rows > 1) s13 = f32x4.add(s13, f32x4.mul(x1, y));
    }
  }
  if (tail) {
    const x0 = loadPartial(a + o, tail);
    const x1 = rows > 1 ? loadPartial(a1 + o, tail) : x0;
    let y = loadPartial(b + o, tail);
    s00 = f32x4.add(s00, f32x4.mul(x0, y));
    if (rows > 1) s10 = f32x4.add(s10, f32x4.mul(x1, y));
    if (cols > 1) {
      y = loadPartial(b1 + o, tail);
      s01 = f32x4.add(s01, f32x4.mul(x0, y));
      if (rows > 1) s11 = f32x4.add(s11, f32x4.mul(x1, y));
    }
    if (cols > 2) {
      y = loadPartial(b2 + o, tail);
      s02 = f32x4.add(s02, f32x4.mul(x0, y));
      if (rows > 1) s12 = f32x4.add(s12, f32x4.mul(x1, y));
    }
    if (cols > 3) {
      y = loadPartial(b3 + o, tail);
      s03 = f32x4.add(s03, f32x4.mul(x0, y));
      if (rows > 1) s13 = f32x4.add(s13, f32x4.mul(x1, y));
    }
  }
  let r0 = hsum4(s00, s01, s02, s03);
  if (accumulate) r0 = f32x4.add(r0, loadPartial(c, cols));
  storePartial(c, r0, cols);
  if (rows > 1) {
    let r1 = hsum4(s10, s11, s12, s13);
    if (accumulate) r1 = f32x4.add(r1, loadPartial(c + sC, cols));
    storePartial(c + sC, r1, cols);
  }
}

/** One band of `rows` rows of C for NT: 4-column tiles across, then the last 1-3 columns. */
@inline
function bandNT(c: usize, a: usize, b: usize, K: i32, N: i32, rows: i32, tail: i32, accumulate: i32): void {
  const sC = <usize>N << 2;
  const sB4 = <usize>K << 4; // four rows of B
  let j = 0;
  for (; j + 4 <= N; j += 4) {
    tileNT(c, a, b, K, sC, rows, 4, tail, accumulate);
    c += 16;
    b += sB4;
  }
  const w = N - j;
  if (w == 3) tileNT(c, a, b, K, sC, rows, 3, tail, accumulate);
  else if (w == 2) tileNT(c, a, b, K, sC, rows, 2, tail, accumulate);
  else if (w == 1) tileNT(c, a, b, K, sC, rows, 1, tail, accumulate);
}

/** matmulNT for one value of K mod 4, a constant after inlining: the K tail's partial loads compile branch-free. */
@inline
function gemmNT(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, tail: i32, accumulate: i32): void {
  const sC2 = <usize>N << 3; // two rows of C
  const sA2 = <usize>K << 3;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    bandNT(c, a, b, K, N, 2, tail, accumulate);
    c += sC2;
    a += sA2;
  }
  if (i < M) bandNT(c, a, b, K, N, 1, tail, accumulate);
}

/** C[M×N] (+)= A · Bᵀ with A stored [M×K] and B [N×K] (dX = dY·Wᵀ). */
export function matmulNT(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32): void {
  const tail = K & 3;
  if (tail == 0) gemmNT(c, a, b, M, K, N, 0, accumulate);
  else if (tail == 1) gemmNT(c, a, b, M, K, N, 1, accumulate);
  else if (tail == 2) gemmNT(c, a, b, M, K, N, 2, accumulate);
  else gemmNT(c, a, b, M, K, N, 3, accumulate);
}
