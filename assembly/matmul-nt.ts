// C = A·Bᵀ (dX = dY·Wᵀ) with B stored [N×K], in two forms chosen by shape (matmulNT at the end).
// Packed: each panel of 8 columns of C gets its 8 rows of B packed transposed into a static scratch (K×8 floats,
// zero-padded at a ragged right edge), then the NN rank-1 tile of matmul.ts sweeps all rows of A against it. Every
// C element is summed in k order from zero, exactly as matmul sums A·(Bᵀ) — the same bits as NN on the transposed
// matrix — with no horizontal fold and no K tail. K is blocked as in NN (one block up to 256, else blocks of 128),
// which bounds the scratch at 8 KB.
import { KC, packT, tile } from './matmul';
import { hsum4, loadPartial, storePartial } from './simd';

/** Bᵀ panel: up to 2·KC rows of 8 floats. Static data sits below `__heap_base`, where the arena never reaches. */
const PANEL: usize = memory.data(2 * KC * 8 * 4, 16);

/** C[M × width] (+)= A·P for one packed panel: 4-row bands, then 2 and/or 1 rows. (vecs, w) give the width. */
@inline
function panelRows(c: usize, a: usize, M: i32, kc: i32, sAi: usize, sC: usize, vecs: i32, w: i32, acc: i32): void {
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    tile(c, a, PANEL, kc, sAi, 4, 32, sC, 4, vecs, w, 4, false, acc);
    c += sC << 2;
    a += sAi << 2;
  }
  const r = M - i;
  if (r & 2) {
    tile(c, a, PANEL, kc, sAi, 4, 32, sC, 2, vecs, w, 4, false, acc);
    c += sC << 1;
    a += sAi << 1;
  }
  if (r & 1) tile(c, a, PANEL, kc, sAi, 4, 32, sC, 1, vecs, w, 4, false, acc);
}

function panel8(c: usize, a: usize, M: i32, kc: i32, sAi: usize, sC: usize, acc: i32): void {
  panelRows(c, a, M, kc, sAi, sC, 2, 4, acc);
}

/** The ragged right edge, `cols` (1..7) columns: the panel is zero-padded, so only C's stores need the width. */
function panelEdge(c: usize, a: usize, M: i32, kc: i32, sAi: usize, sC: usize, cols: i32, acc: i32): void {
  if (cols > 4) panelRows(c, a, M, kc, sAi, sC, 2, cols - 4, acc);
  else panelRows(c, a, M, kc, sAi, sC, 1, cols, acc);
}

// ---- the dot-product form: rows of A against rows of B, both contiguous along K -------------------------------
// A tile of 2 rows × 4 columns keeps eight v128 partial sums over k ≡ lane (mod 4), folded by one transpose-add
// at the end. As fast as the packed form when K is a multiple of 4 and long, and it skips the packing, which a
// few rows of C (M ≤ 64) do not repay; elsewhere (short or ragged K, many rows) the packed form wins.

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
  if ((K & 3) == 0 && K >= 64 && M <= 64) gemmNT(c, a, b, M, K, N, 0, accumulate);
  else packedNT(c, a, b, M, K, N, accumulate);
}

/** matmulNT by packed Bᵀ panels and the NN tile. */
function packedNT(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32): void {
  const sAi = <usize>K << 2, sC = <usize>N << 2;
  const kc0 = K <= 2 * KC ? K : KC;
  for (let k0 = 0; k0 < K; k0 += kc0) {
    const kc = min(kc0, K - k0);
    const acc = k0 > 0 ? 1 : accumulate;
    const ak = a + (<usize>k0 << 2);
    for (let j = 0; j < N; j += 8) {
      const cols = min(8, N - j);
      packT(PANEL, b + <usize>j * sAi + (<usize>k0 << 2), sAi, kc, cols, 8);
      if (cols == 8) panel8(c + (<usize>j << 2), ak, M, kc, sAi, sC, acc);
      else panelEdge(c + (<usize>j << 2), ak, M, kc, sAi, sC, cols, acc);
    }
  }
}
