import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/index.ts';
import { BACKEND_NAMES, makeOut, openBackend, putF32, putI32, readF32, readOut, scoped } from './helpers/backends.ts';
import { expectElementwise, expectSame, expectScalar, U32 } from './helpers/compare.ts';
import { logSoftmaxRef, numericGradient, softmaxRef } from './helpers/reference.ts';
import { TestRng } from './helpers/rng.ts';

/**
 * Cross-entropy with target −1 = "no target" (padding of the sequence models): the row adds nothing, the mean is over
 * the rows with a real target, and with none the loss and dlogits are 0.
 */

/** [M, N]: one row, makemore's 27 characters, rows crossing the 16-row log groups and the ~1,024-float blocks. */
const SHAPES: readonly [number, number][] = [[1, 1], [1, 27], [5, 3], [17, 27], [32, 27], [33, 200], [100, 27], [300, 5]];

/** Mean over rows with target ≥ 0 of −log softmax[target], in float64 (0 when there is none). */
function maskedLossRef(x: ArrayLike<number>, t: ArrayLike<number>, M: number, N: number): number {
  const lp = logSoftmaxRef(x, M, N);
  let sum = 0, count = 0;
  for (let i = 0; i < M; i++) {
    if (t[i]! < 0) continue;
    sum -= lp[i * N + t[i]!]!;
    count++;
  }
  return count ? sum / count : 0;
}

/** Targets in [0, N) with about a third −1, the last row always −1 and (if M > 1) the first one real. */
function someIgnored(rng: TestRng, M: number, N: number): Int32Array {
  const t = rng.ints(M, N);
  const coin = rng.ints(M, 3);
  for (let i = 0; i < M; i++) if (coin[i] === 0 || i === M - 1) t[i] = -1;
  return t;
}

describe.each(BACKEND_NAMES)('%s backend: cross-entropy with target −1 (no target)', (name) => {
  let be: Backend;
  beforeAll(async () => {
    be = await openBackend(name);
  });

  it.each(SHAPES)('M=%i N=%i: loss and dlogits match a float64 reference of the masked mean', (M, N) => {
    scoped(be, () => {
      const rng = new TestRng(M * 41 + N);
      const x = rng.normals(M * N, 3), t = someIgnored(rng, M, N);
      const count = t.reduce((c, v) => c + (v >= 0 ? 1 : 0), 0);
      const px = putF32(be, x), pt = putI32(be, t);
      const ref = maskedLossRef(x, t, M, N);
      expectScalar(be.crossEntropyLoss(px, pt, M, N), ref, 1e-6, `crossEntropyLoss ${M}×${N}`);
      const d = makeOut(be, M * N);
      expectScalar(be.softmaxCrossEntropy(d.ptr, px, pt, M, N), ref, 1e-6, `softmaxCrossEntropy loss ${M}×${N}`);
      const p = softmaxRef(x, M, N);
      const dref = Float64Array.from(p, (v, k) => {
        const ti = t[Math.floor(k / N)]!;
        return ti < 0 ? 0 : (v - (ti === k % N ? 1 : 0)) / Math.max(count, 1);
      });
      const got = readOut(be, d);
      expectElementwise(got, dref, (k) => (64 * U32 * p[k]! + 2 * U32) / Math.max(count, 1) + 1e-40, `dlogits ${M}×${N}`);
      for (let i = 0; i < M; i++) {
        if (t[i]! < 0) expect(got.subarray(i * N, (i + 1) * N).every((v) => Object.is(v, 0)), `row ${i} is +0`).toBe(true);
      }
    });
  });

  it.each(SHAPES.filter(([M, N]) => M * N <= 1000))('M=%i N=%i: dlogits is the gradient of the masked mean by finite differences', (M, N) => {
    scoped(be, () => {
      const rng = new TestRng(M * 43 + N);
      const x = rng.normals(M * N, 2), t = someIgnored(rng, M, N);
      const count = t.reduce((c, v) => c + (v >= 0 ? 1 : 0), 0);
      const fd = numericGradient((xx) => maskedLossRef(xx, t, M, N), x);
      const d = makeOut(be, M * N);
      be.softmaxCrossEntropy(d.ptr, putF32(be, x), putI32(be, t), M, N);
      expectElementwise(readOut(be, d), fd, () => 1e-5 / Math.max(count, 1), `dlogits ${M}×${N}`);
    });
  });

  it.each(SHAPES)('M=%i N=%i: a batch with −1 rows gives what the batch without them gives', (M, N) => {
    scoped(be, () => {
      const rng = new TestRng(M * 47 + N);
      const x = rng.normals(M * N, 3), t = someIgnored(rng, M, N);
      const kept = [...t.keys()].filter((i) => t[i]! >= 0);
      if (kept.length === 0) return;
      const xs = new Float32Array(kept.length * N);
      kept.forEach((i, r) => xs.set(x.subarray(i * N, (i + 1) * N), r * N));
      const ts = Int32Array.from(kept, (i) => t[i]!);
      const d = putF32(be, new Float32Array(M * N)), ds = putF32(be, new Float32Array(kept.length * N));
      const loss = be.softmaxCrossEntropy(d, putF32(be, x), putI32(be, t), M, N);
      const lossS = be.softmaxCrossEntropy(ds, putF32(be, xs), putI32(be, ts), kept.length, N);
      // the per-row float32 work is the same; only the float64 grouping of the logs may differ
      expectScalar(loss, lossS, 1e-12, `loss ${M}×${N}`);
      const all = readF32(be, d, M * N), some = readF32(be, ds, kept.length * N);
      kept.forEach((i, r) => expectSame(all.subarray(i * N, (i + 1) * N), some.subarray(r * N, (r + 1) * N), `row ${i}`));
    });
  });

  it.each(SHAPES)('M=%i N=%i: all targets −1 give loss 0 and dlogits 0, also aliased', (M, N) => {
    scoped(be, () => {
      const rng = new TestRng(M * 53 + N);
      const x = rng.normals(M * N, 3), t = new Int32Array(M).fill(-1);
      const px = putF32(be, x), pt = putI32(be, t);
      expect(be.crossEntropyLoss(px, pt, M, N)).toBe(0);
      const d = makeOut(be, M * N);
      expect(be.softmaxCrossEntropy(d.ptr, px, pt, M, N)).toBe(0);
      expect(readOut(be, d).every((v) => Object.is(v, 0))).toBe(true);
      expect(be.softmaxCrossEntropy(px, px, pt, M, N)).toBe(0);
      expect(readF32(be, px, M * N).every((v) => Object.is(v, 0))).toBe(true);
    });
  });

  it('the checked wrapper accepts −1 and rejects −2, naming the range', () => {
    scoped(be, () => {
      const px = putF32(be, new Float32Array(6)), d = putF32(be, new Float32Array(6));
      expect(() => be.softmaxCrossEntropy(d, px, putI32(be, [-1, 2]), 2, 3)).not.toThrow();
      expect(() => be.crossEntropyLoss(px, putI32(be, [0, -2]), 2, 3)).toThrow('targets[1] = -2 is out of range [-1, 3)');
    });
  });
});
