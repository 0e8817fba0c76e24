import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/index.ts';
import { BACKEND_NAMES, makeOut, openBackend, putF32, putI32, readF32, readOut, scoped } from './helpers/backends.ts';
import { expectElementwise, expectSame, expectScalar, U32 } from './helpers/compare.ts';
import { dot, gatherRef, scatterAddRef } from './helpers/reference.ts';
import { TestRng } from './helpers/rng.ts';

/** [B, T, D, vocab]: single elements, makemore's 3-character contexts of 2-10-wide embeddings of 27 characters, odd sizes. */
const EMBEDDING_SHAPES: readonly [number, number, number, number][] = [
  [1, 1, 1, 1], [1, 3, 2, 27], [5, 7, 1, 3], [32, 3, 10, 27], [27, 8, 2, 27], [200, 3, 30, 27], [3, 5, 9, 1000], [64, 4, 13, 7],
];
const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 27, 30, 200, 1001, 4099];

describe.each(BACKEND_NAMES)('%s backend: embedding, SGD, zero, sumSquares', (name) => {
  let be: Backend;
  beforeAll(async () => {
    be = await openBackend(name);
  });

  describe('embeddingGather / embeddingScatterAdd', () => {
    it.each(EMBEDDING_SHAPES)('gather B=%i T=%i D=%i (vocab %i) copies the indexed rows, concatenated per context', (B, T, D, V) => {
      scoped(be, () => {
        const rng = new TestRng(B * 1009 + T * 31 + D + V);
        const table = rng.floats(V * D), idx = rng.ints(B * T, V);
        if (B * T > 2) idx.set([0, V - 1]); // the first and last rows of the table
        const out = makeOut(be, B * T * D);
        be.embeddingGather(out.ptr, putF32(be, table), putI32(be, idx), B, T, D);
        expectSame(readOut(be, out), gatherRef(table, idx, B * T, D), `embeddingGather ${B}×${T}×${D}`);
      });
    });

    it.each(EMBEDDING_SHAPES)('scatter-add B=%i T=%i D=%i (vocab %i) adds into the table, repeated indices summing', (B, T, D, V) => {
      scoped(be, () => {
        const rng = new TestRng(B * 1013 + T * 37 + D + V);
        const start = rng.floats(V * D), dout = rng.floats(B * T * D);
        const idx = rng.ints(B * T, Math.min(V, 5)); // few distinct rows: many repeats
        const dt = makeOut(be, V * D, start);
        be.embeddingScatterAdd(dt.ptr, putF32(be, dout), putI32(be, idx), B, T, D);
        const ref = scatterAddRef(start, dout, idx, B * T, D);
        // Each table element is 1 + (number of hits) float32 additions of values ≤ 1.
        expectElementwise(readOut(be, dt), ref, () => (B * T + 2) * U32 * (B * T + 1), `embeddingScatterAdd ${B}×${T}×${D}`);
      });
    });

    it.each(EMBEDDING_SHAPES)('B=%i T=%i D=%i (vocab %i): scatter-add is the adjoint of gather, ⟨gather(W), G⟩ = ⟨W, scatter(G)⟩', (B, T, D, V) => {
      scoped(be, () => {
        const rng = new TestRng(B * 1019 + T * 41 + D + V);
        const W = rng.floats(V * D), G = rng.floats(B * T * D), idx = rng.ints(B * T, V);
        const pidx = putI32(be, idx);
        const out = makeOut(be, B * T * D), dW = makeOut(be, V * D, new Float32Array(V * D));
        be.embeddingGather(out.ptr, putF32(be, W), pidx, B, T, D);
        be.embeddingScatterAdd(dW.ptr, putF32(be, G), pidx, B, T, D);
        const lhs = dot(readOut(be, out), G), rhs = dot(W, readOut(be, dW));
        // lhs is exact in float64 (the gather copies); rhs carries the float32 rounding of the scatter's sums.
        expectScalar(rhs, lhs, (B * T + 2) * U32 * B * T * D, `adjoint ${B}×${T}×${D}`, 1);
      });
    });
  });

  describe('sgdUpdate', () => {
    it.each(LENGTHS)('n=%i: p −= lr·(g + wd·p), with and without weight decay', (n) => {
      scoped(be, () => {
        const rng = new TestRng(n * 3);
        const p0 = rng.floats(n, -3, 3), g = rng.floats(n);
        const pg = putF32(be, g);
        for (const [lr, wd] of [[0.1, 0], [0.05, 0.01], [-0.3, 2]] as const) {
          const p = makeOut(be, n, p0);
          be.sgdUpdate(p.ptr, pg, n, lr, wd);
          const ref = Float64Array.from(p0, (v, i) => v - lr * (g[i]! + wd * v));
          expectElementwise(readOut(be, p), ref, (i) => 4 * U32 * (Math.abs(p0[i]!) + Math.abs(lr) * (Math.abs(g[i]!) + wd * Math.abs(p0[i]!))),
            `sgdUpdate n=${n} lr=${lr} wd=${wd}`);
          expectSame(readF32(be, pg, n), g, 'the gradient is read only');
        }
      });
    });
  });

  describe('zero / sumSquares', () => {
    it.each(LENGTHS)('zero n=%i clears exactly n elements (float32 and int32 buffers)', (n) => {
      scoped(be, () => {
        const out = makeOut(be, n, new TestRng(n).floats(n));
        be.zero(out.ptr, n);
        expectSame(readOut(be, out), new Float64Array(n), `zero n=${n}`);
        const pi = putI32(be, new TestRng(n + 1).ints(n, 1000).map((v) => v + 1));
        be.zero(pi, n);
        expect(Array.from(be.arena.i32(pi, n)).every((v) => v === 0)).toBe(true);
      });
    });

    it.each(LENGTHS)('sumSquares n=%i equals the float64 sum (float64 accumulation)', (n) => {
      scoped(be, () => {
        const x = new TestRng(n * 5).floats(n, -3, 3);
        const ref = dot(x, x);
        // Squares rounded to float32 (relative 2⁻²⁴ each) are allowed; a float32 running sum over 4099 terms is not.
        expectScalar(be.sumSquares(putF32(be, x), n), ref, 1.01 * U32, `sumSquares n=${n}`, 0);
      });
    });

    it('sumSquares does not lose small terms next to a large one (float64 accumulator)', () => {
      scoped(be, () => {
        const n = 4099;
        const x = new Float32Array(n).fill(1);
        x[0] = 2 ** 13; // 2²⁶ = 67108864: in float32, adding 1 to it is lost
        expect(be.sumSquares(putF32(be, x), n)).toBe(2 ** 26 + (n - 1));
      });
    });
  });
});
