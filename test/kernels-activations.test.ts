import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/index.ts';
import { BACKEND_NAMES, makeOut, openBackend, putF32, putI32, readF32, readOut, scoped } from './helpers/backends.ts';
import { expectClose, expectElementwise, expectRelative, expectSame, expectScalar, maxAbs, U32 } from './helpers/compare.ts';
import { crossEntropyRef, dot, logSoftmaxRef, numericGradient, softmaxRef, tanhRef } from './helpers/reference.ts';
import { TestRng } from './helpers/rng.ts';

/** [M, N]: a single element, single rows and columns, odd sizes, makemore's 27/30/200 and a long row. */
const SHAPES: readonly [number, number][] = [
  [1, 1], [1, 27], [27, 1], [3, 5], [7, 9], [32, 27], [32, 30], [200, 27], [32, 200], [5, 1031],
];
/** Lengths for the element-wise kernels: every SIMD tail length and some larger ones. */
const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 27, 30, 200, 1001, 4099];

/** Float32 logits with a spread typical of a trained model (|x| up to ~8). */
function logits(rng: TestRng, n: number): Float32Array {
  return rng.normals(n, 3);
}

describe.each(BACKEND_NAMES)('%s backend: bias, tanh, softmax, cross-entropy', (name) => {
  let be: Backend;
  beforeAll(async () => {
    be = await openBackend(name);
  });

  describe('addBias / biasBackward', () => {
    it.each(SHAPES)('addBias M=%i N=%i adds b to every row', (M, N) => {
      scoped(be, () => {
        const rng = new TestRng(M * 31 + N);
        const y0 = rng.floats(M * N), b = rng.floats(N);
        const y = makeOut(be, M * N, y0);
        be.addBias(y.ptr, putF32(be, b), M, N);
        const ref = Float64Array.from(y0, (v, k) => v + b[k % N]!);
        expectRelative(readOut(be, y), ref, 2 * U32, `addBias ${M}×${N}`);
      });
    });

    it.each(SHAPES)('biasBackward M=%i N=%i is the gradient of Σ G⊙(y + b) by finite differences, and accumulates', (M, N) => {
      scoped(be, () => {
        const rng = new TestRng(M * 37 + N);
        const G = rng.floats(M * N), b = rng.floats(N), db0 = rng.floats(N);
        const loss = (bb: Float64Array) => {
          let s = 0;
          for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) s += G[i * N + j]! * (1 + bb[j]!);
          return s;
        };
        const fd = numericGradient(loss, b);
        const pg = putF32(be, G);
        const tol = (M + 2) * U32 * M + 1e-8 * M; // Σ of M terms of size ≤ 1, plus the difference quotient's error
        for (const accumulate of [false, true]) {
          const db = makeOut(be, N, db0);
          be.biasBackward(db.ptr, pg, M, N, accumulate);
          const expected = Float64Array.from(fd, (v, j) => v + (accumulate ? db0[j]! : 0));
          expectElementwise(readOut(be, db), expected, () => tol, `biasBackward ${M}×${N} acc=${accumulate}`);
        }
      });
    });
  });

  describe('tanh', () => {
    it.each(LENGTHS)('tanhForward n=%i matches Math.tanh, also in place and for large |x|', (n) => {
      scoped(be, () => {
        const rng = new TestRng(n);
        const x = rng.normals(n, 3);
        if (n > 4) x.set([0, 20, -20, 1e-8, -100]); // saturation and tiny inputs
        const y = makeOut(be, n);
        const px = putF32(be, x);
        be.tanhForward(y.ptr, px, n);
        const ref = tanhRef(x);
        // A vectorised float32 tanh is allowed a few ulps: the wasm one's [9/6] rational is within 5.83e-7 relative
        // of tanh on every float32 (checked exhaustively when it was fitted), just under 10·2⁻²⁴.
        const tol = (i: number) => 10 * U32 * Math.abs(ref[i]!);
        expectElementwise(readOut(be, y), ref, tol, `tanhForward n=${n}`);
        be.tanhForward(px, px, n);
        expectElementwise(readF32(be, px, n), ref, tol, `tanhForward in place n=${n}`);
      });
    });

    it('tanhForward is exactly odd, exactly ±1 beyond |x| = 9.1, NaN in gives NaN out, over a sweep of float32', () => {
      scoped(be, () => {
        // every 512th float32 in (0, 9] (about 2 million), their negations, then saturating and special inputs
        const top = new Uint32Array(Float32Array.of(9).buffer)[0]!;
        const pos = new Float32Array(Uint32Array.from({ length: Math.floor(top / 512) }, (_, i) => (i + 1) * 512).buffer);
        const special = Float32Array.of(9.1, 20, 1e4, 3e38, Infinity, NaN);
        const n = pos.length, m = special.length;
        const x = new Float32Array(2 * n + 2 * m);
        x.set(pos, 0);
        x.set(pos.map((v) => -v), n);
        x.set(special, 2 * n);
        x.set(special.map((v) => -v), 2 * n + m);
        const px = putF32(be, x);
        be.tanhForward(px, px, x.length);
        const y = readF32(be, px, x.length);
        let worst = 0, notOdd = 0, above = 0;
        for (let i = 0; i < n; i++) {
          if (!Object.is(y[n + i], -y[i]!)) notOdd++;
          if (y[i]! > 1) above++;
          const ref = Math.tanh(pos[i]!);
          worst = Math.max(worst, Math.abs(y[i]! - ref) / ref);
        }
        expect([notOdd, above]).toEqual([0, 0]);
        expect(worst).toBeLessThan(10 * U32);
        const sat = Array.from(y.subarray(2 * n));
        expect(sat.slice(0, m - 1)).toEqual(Array(m - 1).fill(1));
        expect(sat.slice(m, 2 * m - 1)).toEqual(Array(m - 1).fill(-1));
        expect(Number.isNaN(sat[m - 1]) && Number.isNaN(sat[2 * m - 1])).toBe(true);
      });
    });

    it.each(LENGTHS)('tanhBackward n=%i is the gradient of Σ G⊙tanh(x) by finite differences, and accumulates', (n) => {
      scoped(be, () => {
        const rng = new TestRng(n + 500);
        const x = rng.normals(n, 1.5), G = rng.floats(n), dx0 = rng.floats(n);
        // Σ G⊙tanh(x) is separable, so its central difference in coordinate i only involves x[i]: O(n), not O(n²).
        const h = 1e-5;
        const fd = Float64Array.from(x, (xi, i) => (G[i]! * (Math.tanh(xi + h) - Math.tanh(xi - h))) / (2 * h));
        if (n <= 200) expectClose(fd, numericGradient((xx) => dot(G, tanhRef(xx)), x), 1e-9, 'separable shortcut');
        const py = putF32(be, new Float32Array(n));
        be.tanhForward(py, putF32(be, x), n);
        const pg = putF32(be, G);
        for (const accumulate of [false, true]) {
          const dx = makeOut(be, n, dx0);
          be.tanhBackward(dx.ptr, pg, py, n, accumulate);
          const expected = Float64Array.from(fd, (v, i) => v + (accumulate ? dx0[i]! : 0));
          expectElementwise(readOut(be, dx), expected, () => 1e-6, `tanhBackward n=${n} acc=${accumulate}`);
        }
        // dx may alias dy when not accumulating.
        be.tanhBackward(pg, pg, py, n, false);
        expectElementwise(readF32(be, pg, n), fd, () => 1e-6, `tanhBackward in place n=${n}`);
      });
    });
  });

  describe('softmax / logSoftmax', () => {
    it.each(SHAPES)('M=%i N=%i match the float64 reference, also in place', (M, N) => {
      scoped(be, () => {
        const rng = new TestRng(M * 7 + N);
        const x = logits(rng, M * N);
        const px = putF32(be, x);
        const p = makeOut(be, M * N), lp = makeOut(be, M * N);
        be.softmax(p.ptr, px, M, N);
        be.logSoftmax(lp.ptr, px, M, N);
        const pRef = softmaxRef(x, M, N), lpRef = logSoftmaxRef(x, M, N);
        // A probability carries the relative error of exp(x − max) for |x − max| up to ~40, i.e. a few dozen ulps.
        expectElementwise(readOut(be, p), pRef, (i) => 64 * U32 * pRef[i]! + 1e-37, `softmax ${M}×${N}`);
        expectRelative(readOut(be, lp), lpRef, 8 * U32, `logSoftmax ${M}×${N}`);
        const rows = readOut(be, p);
        for (let i = 0; i < M; i++) {
          let s = 0;
          for (let j = 0; j < N; j++) s += rows[i * N + j]!;
          expectScalar(s, 1, N * U32 * 2, `softmax row ${i} sums to 1`);
        }
        const py = putF32(be, x), pl = putF32(be, x);
        be.softmax(py, py, M, N);
        be.logSoftmax(pl, pl, M, N);
        expectElementwise(readF32(be, py, M * N), pRef, (i) => 64 * U32 * pRef[i]! + 1e-37, `softmax in place ${M}×${N}`);
        expectRelative(readF32(be, pl, M * N), lpRef, 8 * U32, `logSoftmax in place ${M}×${N}`);
      });
    });

    it.each([1000, -1000])('are invariant to adding c = %i to every logit (the row max is subtracted)', (c) => {
      scoped(be, () => {
        const [M, N] = [32, 27];
        const rng = new TestRng(4242);
        // Multiples of 1/64 in [-4, 4]: x + c is then exact in float32, so the identity can be tested tightly.
        const x = Float32Array.from({ length: M * N }, () => Math.round(rng.uniform(-4, 4) * 64) / 64);
        const xc = Float32Array.from(x, (v) => v + c);
        for (let i = 0; i < x.length; i++) expect(xc[i]! - c).toBe(x[i]); // the premise: the shift is exact
        const out = (kernel: 'softmax' | 'logSoftmax', input: Float32Array) => {
          const y = makeOut(be, M * N);
          be[kernel](y.ptr, putF32(be, input), M, N);
          return readOut(be, y);
        };
        const p = out('softmax', x), pc = out('softmax', xc);
        expect(pc.every(Number.isFinite)).toBe(true);
        expectElementwise(pc, p, (i) => 4 * U32 * p[i]!, `softmax(x + ${c}) vs softmax(x)`);
        const lp = out('logSoftmax', x), lpc = out('logSoftmax', xc);
        expectRelative(lpc, lp, 4 * U32, `logSoftmax(x + ${c}) vs logSoftmax(x)`);
      });
    });
  });

  describe('crossEntropyLoss / softmaxCrossEntropy', () => {
    it.each([...SHAPES, [4096, 27] as [number, number]])('M=%i N=%i: the loss matches the float64 reference', (M, N) => {
      scoped(be, () => {
        const rng = new TestRng(M * 11 + N);
        const x = logits(rng, M * N), t = rng.ints(M, N);
        const px = putF32(be, x), pt = putI32(be, t);
        const ref = crossEntropyRef(x, t, M, N);
        // Per row the loss has a float32 error of a few ulps of its terms; the mean is accumulated in float64.
        const tol = 1e-6;
        expectScalar(be.crossEntropyLoss(px, pt, M, N), ref, tol, `crossEntropyLoss ${M}×${N}`);
        const d = makeOut(be, M * N);
        expectScalar(be.softmaxCrossEntropy(d.ptr, px, pt, M, N), ref, tol, `softmaxCrossEntropy loss ${M}×${N}`);
        expectSame(readF32(be, px, M * N), x, 'logits are read only');
      });
    });

    it.each(SHAPES.filter(([M, N]) => M * N <= 1000))('M=%i N=%i: dlogits is the gradient of the mean loss by finite differences', (M, N) => {
      scoped(be, () => {
        const rng = new TestRng(M * 13 + N);
        const x = logits(rng, M * N), t = rng.ints(M, N);
        const fd = numericGradient((xx) => crossEntropyRef(xx, t, M, N), x);
        const d = makeOut(be, M * N);
        be.softmaxCrossEntropy(d.ptr, putF32(be, x), putI32(be, t), M, N);
        // |dlogits| ≤ 1/M: compare relative to that scale.
        expectElementwise(readOut(be, d), fd, () => 1e-5 / M, `softmaxCrossEntropy dlogits ${M}×${N}`);
      });
    });

    it.each(SHAPES)('M=%i N=%i: dlogits = (softmax − onehot)/M, also when it aliases the logits', (M, N) => {
      scoped(be, () => {
        const rng = new TestRng(M * 17 + N);
        const x = logits(rng, M * N), t = rng.ints(M, N);
        const p = softmaxRef(x, M, N);
        const ref = Float64Array.from(p, (v, k) => (v - (t[Math.floor(k / N)] === k % N ? 1 : 0)) / M);
        const px = putF32(be, x), pt = putI32(be, t);
        const loss = be.softmaxCrossEntropy(px, px, pt, M, N);
        expectElementwise(readF32(be, px, M * N), ref, (k) => (64 * U32 * p[k]! + 2 * U32) / M + 1e-40, `aliased dlogits ${M}×${N}`);
        expectScalar(loss, crossEntropyRef(x, t, M, N), 1e-6, `aliased loss ${M}×${N}`);
      });
    });

    it('the mean loss is accumulated in float64: small row losses are not lost next to a large one', () => {
      scoped(be, () => {
        const [M, N] = [4096, 27];
        const x = new Float32Array(M * N), t = new Int32Array(M).fill(3);
        x[3] = -16384; // row 0: loss 16384 + log 26, where the float32 ulp (2⁻⁹) is comparable to the other rows' losses
        for (let i = 1; i < M; i++) x[i * N + 3] = 10; // confident and right: loss log(1 + 26e⁻¹⁰) ≈ 1.2e-3
        const ref = crossEntropyRef(x, t, M, N);
        const px = putF32(be, x), pt = putI32(be, t);
        expectScalar(be.crossEntropyLoss(px, pt, M, N), ref, 1e-6, 'crossEntropyLoss');
        expectScalar(be.softmaxCrossEntropy(putF32(be, new Float32Array(M * N)), px, pt, M, N), ref, 1e-6, 'softmaxCrossEntropy');
      });
    });

    it('with a one-hot target the loss is −log p(y), p from the softmax kernel', () => {
      scoped(be, () => {
        const [M, N] = [32, 27];
        const rng = new TestRng(5);
        const x = logits(rng, M * N), t = rng.ints(M, N);
        const px = putF32(be, x), pt = putI32(be, t);
        const p = makeOut(be, M * N);
        be.softmax(p.ptr, px, M, N);
        const probs = readOut(be, p);
        let nll = 0;
        for (let i = 0; i < M; i++) nll -= Math.log(probs[i * N + t[i]!]!);
        nll /= M;
        expectScalar(be.crossEntropyLoss(px, pt, M, N), nll, 1e-6, 'crossEntropyLoss vs −log p(y)');
        const d = makeOut(be, M * N);
        expectScalar(be.softmaxCrossEntropy(d.ptr, px, pt, M, N), nll, 1e-6, 'softmaxCrossEntropy vs −log p(y)');
      });
    });

    it('logits of ±1e4 give a finite loss and finite gradients, equal to the reference', () => {
      scoped(be, () => {
        const [M, N] = [16, 27];
        const rng = new TestRng(6);
        const x = Float32Array.from({ length: M * N }, () => (rng.uniform() < 0.5 ? -1e4 : 1e4) * rng.uniform(0.5, 1));
        const t = rng.ints(M, N);
        const px = putF32(be, x), pt = putI32(be, t);
        const ref = crossEntropyRef(x, t, M, N);
        expect(ref).toBeGreaterThan(100); // the premise: these targets are confidently wrong
        const l1 = be.crossEntropyLoss(px, pt, M, N);
        const d = makeOut(be, M * N);
        const l2 = be.softmaxCrossEntropy(d.ptr, px, pt, M, N);
        const g = readOut(be, d);
        expect(Number.isFinite(l1) && Number.isFinite(l2)).toBe(true);
        expect(g.every(Number.isFinite)).toBe(true);
        expectScalar(l1, ref, 1e-6, 'crossEntropyLoss at 1e4');
        expectScalar(l2, ref, 1e-6, 'softmaxCrossEntropy at 1e4');
        const p = softmaxRef(x, M, N);
        const gRef = Float64Array.from(p, (v, k) => (v - (t[Math.floor(k / N)] === k % N ? 1 : 0)) / M);
        expectClose(g, gRef, 1e-6, 'dlogits at 1e4');
        // Each row of the gradient sums to zero: Σ softmax = 1 = Σ onehot.
        for (let i = 0; i < M; i++) expect(Math.abs(g.subarray(i * N, i * N + N).reduce((a, b) => a + b, 0))).toBeLessThan(1e-6 / M);
        expect(maxAbs(g)).toBeLessThanOrEqual(1 / M + 1e-7);
      });
    });
  });
});
