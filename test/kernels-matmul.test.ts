import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/index.ts';
import { BACKEND_NAMES, makeOut, openBackend, putF32, readOut, scoped } from './helpers/backends.ts';
import { expectElementwise, U32 } from './helpers/compare.ts';
import { matmulRef } from './helpers/reference.ts';
import { TestRng } from './helpers/rng.ts';

type Form = 'matmul' | 'matmulTN' | 'matmulNT';
const FORMS: readonly Form[] = ['matmul', 'matmulTN', 'matmulNT'];

/** [M, K, N]: degenerate 1s, odd sizes, makemore's 27/30/200 layers, and large K (the wasm kernel blocks K by 128). */
const SHAPES: readonly [number, number, number][] = [
  [1, 1, 1], [1, 5, 1], [1, 1, 9], [9, 1, 1], [3, 5, 7], [7, 3, 5], [5, 7, 3], [4, 8, 4], [13, 11, 17],
  [32, 30, 200], [32, 200, 27], [200, 32, 27], [27, 27, 27], [30, 200, 30], [33, 65, 31],
  [6, 1031, 10], [5, 2048, 3], [1, 1500, 1], [3, 256, 5], [3, 257, 5], [2, 384, 9], // around a K-blocking edge
  // wasm NT: the packed-panel form (K ragged or short, or many rows) and the dot-product form (M ≤ 64, K % 4 = 0,
  // K ≥ 64) on both sides of each boundary, with K blocked (> 256) in both
  [64, 64, 9], [65, 64, 9], [64, 63, 9], [64, 60, 9], [65, 520, 9], [64, 520, 9], [67, 259, 13], [130, 27, 200],
];

/** The sizes the issue names for specialised small-shape code: every M, K, N from this list, both accumulate modes. */
const SMALL = [1, 2, 3, 5, 27, 30];

/**
 * Runs one matmul form on random data with C prefilled with random values, and checks every element against the
 * float64 reference (plus C's old value when accumulating). The tolerance is the classic bound for a float32 dot
 * product of length K, γ·Σ|a·b|, which is tight enough that a single wrong or missing term shows.
 */
function checkMatmul(be: Backend, form: Form, M: number, K: number, N: number, accumulate: boolean, seed: number): void {
  scoped(be, () => {
    const rng = new TestRng(seed);
    const A = rng.floats(M * K);
    const B = rng.floats(K * N);
    const C0 = rng.floats(M * N, -2, 2);
    const pa = putF32(be, A, 'A');
    const pb = putF32(be, B, 'B');
    const out = makeOut(be, M * N, C0, 'C');
    be[form](out.ptr, pa, pb, M, K, N, accumulate);
    const c = readOut(be, out);
    const { c: ref, mag } = matmulRef(A, B, M, K, N, form === 'matmulTN', form === 'matmulNT');
    if (accumulate) for (let i = 0; i < ref.length; i++) ref[i] += C0[i]!;
    const gamma = (K + 2) * U32 * 1.01;
    expectElementwise(c, ref, (i) => gamma * (mag[i]! + (accumulate ? Math.abs(C0[i]!) : 0)) + 1e-30, `${be.name} ${form} ${M}×${K}×${N} acc=${accumulate}`);
  });
}

describe.each(BACKEND_NAMES)('%s backend: matmul', (name) => {
  let be: Backend;
  beforeAll(async () => {
    be = await openBackend(name);
  });

  describe.each(FORMS)('%s', (form) => {
    it.each(SHAPES)('M=%i K=%i N=%i matches the float64 reference, overwriting and accumulating', (M, K, N) => {
      checkMatmul(be, form, M, K, N, false, M * 1000003 + K * 1009 + N);
      checkMatmul(be, form, M, K, N, true, M * 1000003 + K * 1009 + N + 1);
    });

    it('every small M, N (SIMD tails) for K in {1, 2, 3, 9}', () => {
      for (let M = 1; M <= 9; M++) {
        for (let N = 1; N <= 13; N++) {
          for (const K of [1, 2, 3, 9]) checkMatmul(be, form, M, K, N, (M + N + K) % 2 === 0, M * 131 + N * 17 + K);
        }
      }
    });

    it('every M, K, N in {1, 2, 3, 5, 27, 30} (tile and panel edges), overwriting and accumulating', () => {
      for (const M of SMALL) {
        for (const K of SMALL) {
          for (const N of SMALL) {
            checkMatmul(be, form, M, K, N, false, M * 7919 + K * 131 + N);
            checkMatmul(be, form, M, K, N, true, M * 7919 + K * 131 + N + 1);
          }
        }
      }
    });

    it('works on pointers that are 4-byte but not 16-byte aligned', () => {
      scoped(be, () => {
        const rng = new TestRng(99);
        const [M, K, N] = [7, 13, 10];
        // Each operand starts one float into its allocation.
        const A = rng.floats(M * K + 1), B = rng.floats(K * N + 1);
        const pa = putF32(be, A) + 4, pb = putF32(be, B) + 4;
        const out = makeOut(be, M * N + 1);
        be[form](out.ptr + 4, pa, pb, M, K, N, false);
        const c = readOut(be, out).subarray(1);
        const { c: ref, mag } = matmulRef(A.subarray(1), B.subarray(1), M, K, N, form === 'matmulTN', form === 'matmulNT');
        expectElementwise(c, ref, (i) => (K + 2) * U32 * mag[i]! + 1e-30, `${form} at offset pointers`);
        expect(readOut(be, out)[0]).toBe(out.before[0]); // the float before C is untouched
      });
    });
  });

  it('the three forms agree with each other through explicit transposes', () => {
    scoped(be, () => {
      const rng = new TestRng(7);
      const [M, K, N] = [11, 30, 27];
      const A = rng.floats(M * K), B = rng.floats(K * N);
      const At = new Float32Array(K * M), Bt = new Float32Array(N * K);
      for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) At[k * M + i] = A[i * K + k]!;
      for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) Bt[j * K + k] = B[k * N + j]!;
      const c1 = makeOut(be, M * N), c2 = makeOut(be, M * N), c3 = makeOut(be, M * N);
      be.matmul(c1.ptr, putF32(be, A), putF32(be, B), M, K, N, false);
      be.matmulTN(c2.ptr, putF32(be, At), putF32(be, B), M, K, N, false);
      be.matmulNT(c3.ptr, putF32(be, A), putF32(be, Bt), M, K, N, false);
      const { mag } = matmulRef(A, B, M, K, N, false, false);
      const r1 = readOut(be, c1);
      expectElementwise(readOut(be, c2), r1, (i) => 2 * (K + 2) * U32 * mag[i]!, 'matmulTN vs matmul');
      expectElementwise(readOut(be, c3), r1, (i) => 2 * (K + 2) * U32 * mag[i]!, 'matmulNT vs matmul');
    });
  });

  // The wasm kernels sum every C element in k order from zero (NN and TN always, NT in its packed form), so the three
  // forms of one product agree bit for bit there: training steps do not depend on which form a layer uses.
  it.runIf(name === 'wasm')('NN, TN and packed NT give identical bits for the same product', () => {
    scoped(be, () => {
      for (const [M, K, N] of [[32, 27, 200], [30, 5, 27], [130, 64, 30], [7, 301, 11]] as const) {
        const rng = new TestRng(M + K + N);
        const A = rng.floats(M * K), B = rng.floats(K * N), C0 = rng.floats(M * N);
        const At = new Float32Array(K * M), Bt = new Float32Array(N * K);
        for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) At[k * M + i] = A[i * K + k]!;
        for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) Bt[j * K + k] = B[k * N + j]!;
        for (const acc of [false, true]) {
          const c1 = makeOut(be, M * N, C0), c2 = makeOut(be, M * N, C0), c3 = makeOut(be, M * N, C0);
          be.matmul(c1.ptr, putF32(be, A), putF32(be, B), M, K, N, acc);
          be.matmulTN(c2.ptr, putF32(be, At), putF32(be, B), M, K, N, acc);
          be.matmulNT(c3.ptr, putF32(be, A), putF32(be, Bt), M, K, N, acc);
          const r1 = readOut(be, c1);
          expect(readOut(be, c2), `TN ${M}×${K}×${N} acc=${acc}`).toEqual(r1);
          expect(readOut(be, c3), `NT ${M}×${K}×${N} acc=${acc}`).toEqual(r1);
        }
      }
    });
  });
});
