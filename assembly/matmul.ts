// Matrix multiply in the three forms backprop needs, on f32x4 register tiles.
//
// NN and TN share one kernel (this file): C gets rank-1 updates, one per k: a tile of up to 4 rows × 8 columns of C
// lives in eight v128 registers, each step loads 8 floats of row k of B and broadcasts 4 elements of column k of A.
// Only A's strides differ (A[i,k] at i·K + k for NN, at k·M + i for TN), so both read B and C along contiguous rows.
// Every C element is summed in k order from zero, then C's old value added when accumulating: the result does not
// depend on the tiling. NT (matmul-nt.ts) packs B transposed and reuses the same tile.
// Ragged edges (N = 27, M = 30, ...) use the same tile with fewer rows, or with a partial last vector, never reading
// or writing past the matrices. (Code size counts: the kernels ship inlined in the browser bundle.) No wasm SIMD FMA exists without relaxed SIMD, so mul + add it is.
import { loadPartial, storePartial } from './simd';

/** c + x·y lane-wise: two roundings (SIMD128 has no FMA). */
@inline
function mad(c: v128, x: v128, y: v128): v128 {
  return f32x4.add(c, f32x4.mul(x, y));
}

/** First vector of a B row segment: full when the tile is two vectors wide, else w lanes. */
@inline
function loadB0(p: usize, vecs: i32, w: i32): v128 {
  return vecs > 1 ? v128.load(p) : loadPartial(p, w);
}

/** Second vector (w lanes) of a two-vector tile. */
@inline
function loadB1(p: usize, w: i32): v128 {
  return w >= 4 ? v128.load(p, 16) : loadPartial(p + 16, w);
}

/**
 * C[rows × (4·vecs − 4 + w)] (+)= A·B for one tile. rows (1..4), vecs (1..2), w (1..4: lanes of C's last vector),
 * wB (lanes read of B's last vector: w, or 4 from a zero-padded packed panel) and tn are constants after inlining.
 * A[i,k] at a + i·sAi + k·sAk, B's rows sB bytes apart, C's sC. One k per iteration: the 8 accumulators, 2 rows of
 * B and 4 broadcasts fill V8's 15 usable xmm registers; unrolling k made it spill.
 */
@inline
export function tile(
  c: usize, a: usize, b: usize, K: i32, sAi: usize, sAk: usize, sB: usize, sC: usize,
  rows: i32, vecs: i32, w: i32, wB: i32, tn: bool, accumulate: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  // NN walks one pointer per row of A along k; TN's tile rows sit side by side, so one pointer and offsets do.
  let p0 = a, p1 = a + sAi, p2 = a + 2 * sAi, p3 = a + 3 * sAi;
  let bp = b;
  const bEnd = b + <usize>K * sB;
  let x: v128, y0: v128, y1 = f32x4.splat(0);
  while (bp < bEnd) {
    y0 = loadB0(bp, vecs, wB); if (vecs > 1) y1 = loadB1(bp, wB);
    x = v128.load32_splat(p0); c00 = mad(c00, x, y0); if (vecs > 1) c01 = mad(c01, x, y1);
    if (rows > 1) { x = tn ? v128.load32_splat(p0, 4) : v128.load32_splat(p1); c10 = mad(c10, x, y0); if (vecs > 1) c11 = mad(c11, x, y1); }
    if (rows > 2) { x = tn ? v128.load32_splat(p0, 8) : v128.load32_splat(p2); c20 = mad(c20, x, y0); if (vecs > 1) c21 = mad(c21, x, y1); }
    if (rows > 3) { x = tn ? v128.load32_splat(p0, 12) : v128.load32_splat(p3); c30 = mad(c30, x, y0); if (vecs > 1) c31 = mad(c31, x, y1); }
    p0 += sAk;
    if (!tn) { p1 += sAk; p2 += sAk; p3 += sAk; }
    bp += sB;
  }
  storeRow(c, c00, c01, vecs, w, accumulate);
  if (rows > 1) storeRow(c + sC, c10, c11, vecs, w, accumulate);
  if (rows > 2) storeRow(c + 2 * sC, c20, c21, vecs, w, accumulate);
  if (rows > 3) storeRow(c + 3 * sC, c30, c31, vecs, w, accumulate);
}

/** One row of a tile to C (v0 full and v1 w lanes wide, or v0 alone w lanes), adding C's old values first if asked. */
@inline
function storeRow(c: usize, v0: v128, v1: v128, vecs: i32, w: i32, accumulate: i32): void {
  if (vecs > 1) {
    if (accumulate) { v0 = f32x4.add(v0, v128.load(c)); v1 = f32x4.add(v1, loadPartial(c + 16, w)); }
    v128.store(c, v0);
    storePartial(c + 16, v1, w);
  } else {
    if (accumulate) v0 = f32x4.add(v0, loadPartial(c, w));
    storePartial(c, v0, w);
  }
}

/** One band of `rows` rows of C: 8-wide tiles across, then a 4-wide one, then the last 1-3 columns. */
@inline
function band(c: usize, a: usize, b: usize, K: i32, N: i32, sAi: usize, sAk: usize, rows: i32, tn: bool, accumulate: i32): void {
  const sB = <usize>N << 2;
  let j = 0;
  for (; j + 8 <= N; j += 8) {
    const o = <usize>j << 2;
    tile(c + o, a, b + o, K, sAi, sAk, sB, sB, rows, 2, 4, 4, tn, accumulate);
  }
  let r = N - j;
  c += <usize>j << 2; b += <usize>j << 2;
  if (r >= 4) {
    tile(c, a, b, K, sAi, sAk, sB, sB, rows, 1, 4, 4, tn, accumulate);
    c += 16; b += 16; r -= 4;
  }
  // the last 1-3 columns: partial loads of B need their width at compile time to stay branch-free
  if (r == 1) tile(c, a, b, K, sAi, sAk, sB, sB, rows, 1, 1, 1, tn, accumulate);
  else if (r == 2) tile(c, a, b, K, sAi, sAk, sB, sB, rows, 1, 2, 2, tn, accumulate);
  else if (r == 3) tile(c, a, b, K, sAi, sAk, sB, sB, rows, 1, 3, 3, tn, accumulate);
}

// Large K is cut into blocks of KC rows of B, each swept over all of C before the next: the block of B
// (KC×N floats) then stays in L2 across the row bands instead of the whole of B being streamed again per band.
export const KC = 128;

// One function per band height (3 rows = 2 + 1): inlining every band into one panel function makes a body too
// large for the optimiser. 4-row bands, nearly all the work, get one function per form (TN's rows sit side by side:
// one pointer serves them); the 1- and 2-row edges share NN's pointer-per-row code with run-time strides.
function bandNN4(c: usize, a: usize, b: usize, K: i32, N: i32, sAi: usize, acc: i32): void { band(c, a, b, K, N, sAi, 4, 4, false, acc); }
function bandTN4(c: usize, a: usize, b: usize, K: i32, N: i32, sAk: usize, acc: i32): void { band(c, a, b, K, N, 4, sAk, 4, true, acc); }
function band2(c: usize, a: usize, b: usize, K: i32, N: i32, sAi: usize, sAk: usize, acc: i32): void { band(c, a, b, K, N, sAi, sAk, 2, false, acc); }
function band1(c: usize, a: usize, b: usize, K: i32, N: i32, sAi: usize, sAk: usize, acc: i32): void { band(c, a, b, K, N, sAi, sAk, 1, false, acc); }

/**
 * dst[k][r] = src[r·sRow + 4k] (bytes) for k < kc and r < rows, 0 for rows ≤ r < lanes: `rows` rows of a matrix
 * that run along k, packed transposed with `lanes` (4 or 8) floats per k. Four k at a time, by 4×4 transposes of
 * shuffles (moves only: the packed values are bit-exact copies).
 */
export function packT(dst: usize, src: usize, sRow: usize, kc: i32, rows: i32, lanes: i32): void {
  const zero = f32x4.splat(0);
  const sD = <usize>lanes << 2;
  let p = dst;
  let o: usize = 0;
  const body = <usize>(kc & ~3) << 2;
  for (; o < body; o += 16) {
    for (let h = 0; h < lanes; h += 4) {
      const r = src + <usize>h * sRow + o;
      const r0 = h < rows ? v128.load(r) : zero;
      const r1 = h + 1 < rows ? v128.load(r + sRow) : zero;
      const r2 = h + 2 < rows ? v128.load(r + 2 * sRow) : zero;
      const r3 = h + 3 < rows ? v128.load(r + 3 * sRow) : zero;
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
      const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
      const q = p + (<usize>h << 2);
      v128.store(q, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(q + sD, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
      v128.store(q + 2 * sD, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
      v128.store(q + 3 * sD, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
    }
    p += sD << 2;
  }
  for (; o < <usize>kc << 2; o += 4) {
    for (let r = 0; r < lanes; r++) store<f32>(p + (<usize>r << 2), r < rows ? load<f32>(src + <usize>r * sRow + o) : 0);
    p += sD;
  }
}

/** C[M×N] (+)= A·B over one block of K: NN with A's rows s bytes apart, or TN with its k-rows s bytes apart. */
function rank1Panel(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, s: usize, tn: bool, accumulate: i32): void {
  const sC4 = <usize>N << 4; // four rows of C
  const sA4: usize = tn ? 16 : s << 2;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    if (tn) bandTN4(c, a, b, K, N, s, accumulate);
    else bandNN4(c, a, b, K, N, s, accumulate);
    c += sC4;
    a += sA4;
  }
  const r = M - i;
  const sAi: usize = tn ? 4 : s, sAk: usize = tn ? s : 4;
  if (r & 2) band2(c, a, b, K, N, sAi, sAk, accumulate);
  if (r & 1) band1(c + (r & 2 ? <usize>N << 3 : 0), a + (r & 2 ? sAi << 1 : 0), b, K, N, sAi, sAk, accumulate);
}

/** C[M×N] (+)= A·B with A NN or TN, K blocked for cache. */
@inline
function rank1Gemm(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, tn: bool, accumulate: i32): void {
  const sAi: usize = tn ? 4 : <usize>K << 2;
  const sAk: usize = tn ? <usize>M << 2 : 4;
  const sBk = <usize>N << 2;
  const kc0 = K <= 2 * KC ? K : KC;
  for (let k0 = 0; k0 < K; k0 += kc0) {
    const kc = min(kc0, K - k0);
    const acc = k0 > 0 ? 1 : accumulate;
    rank1Panel(c, a + <usize>k0 * sAk, b + <usize>k0 * sBk, M, kc, N, tn ? sAk : sAi, tn, acc);
  }
}

/** C[M×N] (+)= A[M×K] · B[K×N]. */
export function matmul(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32): void {
  rank1Gemm(c, a, b, M, K, N, false, accumulate);
}

/** C[M×N] (+)= Aᵀ · B with A stored [K×M] and B [K×N] (dW = Xᵀ·dY). */
export function matmulTN(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32): void {
  rank1Gemm(c, a, b, M, K, N, true, accumulate);
}
