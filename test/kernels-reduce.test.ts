import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/index.ts';
import { BACKEND_NAMES, makeOut, openBackend, putF32, readF32, readOut, scoped } from './helpers/backends.ts';
import { expectSame, expectScalar } from './helpers/compare.ts';
import { TestRng } from './helpers/rng.ts';

/** Odd lengths so every SIMD loop has a tail, up to a batch of 32 × 200 activations. */
const LENGTHS = [1, 2, 3, 4, 5, 7, 27, 30, 200, 1001, 6400];

/** Float64 references, written plainly from the definitions. */
const ref = {
  sum: (x: Float32Array) => x.reduce((s, v) => s + v, 0),
  ssd: (x: Float32Array, c: number) => x.reduce((s, v) => s + (v - c) * (v - c), 0),
  countAbove: (x: Float32Array, t: number) => x.filter((v) => Math.abs(v) > Math.fround(t)).length,
  maxAbs: (x: Float32Array) => x.reduce((m, v) => (Math.abs(v) > m ? Math.abs(v) : m), 0),
  histogram(x: Float32Array, lo: number, hi: number, N: number): number[] {
    const counts = new Array<number>(N).fill(0);
    const width = (hi - lo) / N;
    for (const v of x) {
      let b = Math.floor((v - lo) / width);
      if (!(b >= 0)) b = 0; // below the range (and NaN): the first bin
      if (b >= N) b = N - 1;
      counts[b]++;
    }
    return counts;
  },
};

describe.each(BACKEND_NAMES)('%s backend: diagnostics reductions against float64 references', (name) => {
  let be: Backend;
  beforeAll(async () => {
    be = await openBackend(name);
  });

  it.each(LENGTHS)('sum and sumSquaredDeviations n=%i', (n) => {
    scoped(be, () => {
      const x = new TestRng(n).floats(n, -3, 5);
      const p = putF32(be, x);
      // float64 accumulation: only the order of additions differs from the reference
      expectScalar(be.sum(p, n), ref.sum(x), 1e-12, `sum n=${n}`);
      const mean = ref.sum(x) / n;
      expectScalar(be.sumSquaredDeviations(p, n, mean), ref.ssd(x, mean), 1e-12, `ssd n=${n}`);
      expectScalar(be.sumSquaredDeviations(p, n, 0), be.sumSquares(p, n), 1e-12, `ssd around 0 is sumSquares n=${n}`);
    });
  });

  it('sumSquaredDeviations keeps a tiny spread around a large mean (no cancellation)', () => {
    scoped(be, () => {
      const x = Float32Array.from({ length: 99 }, (_, i) => 1000 + (i % 2 ? 1 : -1) * 2 ** -10);
      expectScalar(be.sumSquaredDeviations(putF32(be, x), 99, ref.sum(x) / 99), ref.ssd(x, ref.sum(x) / 99), 1e-9, 'ssd', 0);
    });
  });

  it.each(LENGTHS)('countAbove and maxAbs n=%i, with values at the threshold itself', (n) => {
    scoped(be, () => {
      const rng = new TestRng(n + 7);
      const x = rng.floats(n, -1, 1);
      for (let i = 0; i < n; i += 5) x[i] = (i % 2 ? -1 : 1) * Math.fround(0.97); // exactly at the float32 threshold
      const p = putF32(be, x);
      expect(be.countAbove(p, n, 0.97), `countAbove n=${n}`).toBe(ref.countAbove(x, 0.97));
      expect(be.countAbove(p, n, 0), `countAbove 0 n=${n}`).toBe(x.filter((v) => v !== 0).length);
      expect(be.maxAbs(p, n), `maxAbs n=${n}`).toBe(ref.maxAbs(x));
    });
  });

  it('countAbove and maxAbs skip NaN; maxAbs of nothing finite is 0', () => {
    scoped(be, () => {
      const x = Float32Array.of(NaN, -2, NaN, 0.5, 1.5);
      expect(be.countAbove(putF32(be, x), 5, 1)).toBe(2);
      expect(be.maxAbs(putF32(be, x), 5)).toBe(2);
      expect(be.maxAbs(putF32(be, [NaN, NaN]), 2)).toBe(0);
    });
  });

  it.each(LENGTHS)('histogram n=%i: counts per bin as the reference, summing to n, with out-of-range values', (n) => {
    scoped(be, () => {
      const x = new TestRng(n + 11).floats(n, -1.3, 1.3); // some below −1, some above 1
      for (const bins of [1, 7, 50]) {
        const out = makeOut(be, bins);
        be.histogram(out.ptr, putF32(be, x), n, -1, 1, bins);
        const counts = readOut(be, out);
        expectSame(counts, ref.histogram(x, -1, 1, bins), `histogram n=${n} bins=${bins}`);
        expect(counts.reduce((s, c) => s + c, 0)).toBe(n);
      }
    });
  });

  it('histogram: bin edges, NaN in the first bin, overwrites the counts', () => {
    scoped(be, () => {
      const x = Float32Array.of(-1, -0.5, 0, 0.5, 1, NaN, -7, 7);
      const out = makeOut(be, 4, [9, 9, 9, 9]);
      be.histogram(out.ptr, putF32(be, x), x.length, -1, 1, 4);
      // bins [−1,−.5) [−.5,0) [0,.5) [.5,1]: −1, NaN, −7 | −0.5 | 0 | 0.5, 1, 7
      expect(Array.from(readOut(be, out))).toEqual([3, 1, 1, 3]);
    });
  });

  it.each(LENGTHS)('subtract n=%i is the float32 difference, in place too', (n) => {
    scoped(be, () => {
      const rng = new TestRng(n + 13);
      const a = rng.floats(n), b = rng.floats(n);
      const want = Float32Array.from(a, (v, i) => v - b[i]!);
      const y = putF32(be, new Float32Array(n));
      const pa = putF32(be, a);
      be.subtract(y, pa, putF32(be, b), n);
      expectSame(readF32(be, y, n), want, `subtract n=${n}`);
      be.subtract(pa, pa, putF32(be, b), n);
      expectSame(readF32(be, pa, n), want, `subtract in place n=${n}`);
    });
  });
});
