import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/index.ts';
import { BACKEND_NAMES, makeOut, openBackend, putF32, readF32, readOut, scoped } from './helpers/backends.ts';
import { expectElementwise, expectRelative, expectSame, U32 } from './helpers/compare.ts';
import { batchNormEvalRef, batchNormTrainRef, dot, numericGradient } from './helpers/reference.ts';
import { TestRng } from './helpers/rng.ts';

/** [M, N]: the smallest batch, odd sizes, makemore's 32×200 hidden layer, long and wide batches, odd batches over 8-column strips. */
const SHAPES: readonly [number, number][] = [[2, 1], [2, 5], [3, 7], [7, 3], [32, 27], [32, 30], [32, 200], [200, 27], [1000, 5], [5, 19], [33, 44]];
const EPS = 1e-5;

/** Columns with different means and spreads, as pre-activations of a real layer have. */
function batch(rng: TestRng, M: number, N: number): Float32Array {
  const centre = Array.from({ length: N }, () => rng.uniform(-3, 3));
  const spread = Array.from({ length: N }, () => rng.uniform(0.3, 4));
  return Float32Array.from({ length: M * N }, (_, k) => centre[k % N]! + spread[k % N]! * rng.normal());
}

interface TrainResult {
  y: Float64Array; xhat: Float64Array; invstd: Float64Array; runMean: Float64Array; runVar: Float64Array;
  ptrs: { xhat: number; invstd: number };
}

/** Runs batchNormTrain on fresh buffers (outputs prefilled with garbage, guard bands checked). */
function train(be: Backend, x: Float32Array, gain: Float32Array, bias: Float32Array, rm0: Float32Array, rv0: Float32Array,
  M: number, N: number, momentum: number, eps = EPS): TrainResult {
  const y = makeOut(be, M * N, undefined, 'y'), xhat = makeOut(be, M * N, undefined, 'xhat');
  const invstd = makeOut(be, N, undefined, 'invstd');
  const rm = makeOut(be, N, rm0, 'runMean'), rv = makeOut(be, N, rv0, 'runVar');
  be.batchNormTrain(y.ptr, xhat.ptr, invstd.ptr, putF32(be, x), putF32(be, gain), putF32(be, bias), rm.ptr, rv.ptr, M, N, momentum, eps);
  return {
    y: readOut(be, y), xhat: readOut(be, xhat), invstd: readOut(be, invstd), runMean: readOut(be, rm), runVar: readOut(be, rv),
    ptrs: { xhat: xhat.ptr, invstd: invstd.ptr },
  };
}

describe.each(BACKEND_NAMES)('%s backend: BatchNorm1d', (name) => {
  let be: Backend;
  beforeAll(async () => {
    be = await openBackend(name);
  });

  it.each(SHAPES)('train M=%i N=%i: y, xhat, invstd and the running statistics match the float64 reference', (M, N) => {
    scoped(be, () => {
      const rng = new TestRng(M * 101 + N);
      const x = batch(rng, M, N);
      const gain = rng.floats(N, 0.5, 2), bias = rng.floats(N);
      const rm0 = rng.floats(N), rv0 = rng.floats(N, 0.5, 2);
      for (const momentum of [0, 0.001, 0.1, 1]) {
        const r = train(be, x, gain, bias, rm0, rv0, M, N, momentum);
        const ref = batchNormTrainRef(x, gain, bias, M, N, EPS);
        const what = `batchNormTrain ${M}×${N} momentum=${momentum}`;
        // xhat is O(1); its float32 error comes from the mean/var estimates and is a few ulps of the column's scale.
        expectRelative(r.xhat, ref.xhat, 32 * U32, `${what}: xhat`);
        expectRelative(r.y, ref.y, 64 * U32, `${what}: y`);
        expectRelative(r.invstd, ref.invstd, 16 * U32, `${what}: invstd`);
        // run = (1 − m)·run + m·batch, with the unbiased variance for runVar.
        const rmRef = Float64Array.from(rm0, (v, j) => (1 - momentum) * v + momentum * ref.mean[j]!);
        const rvRef = Float64Array.from(rv0, (v, j) => (1 - momentum) * v + momentum * ref.varUnbiased[j]!);
        expectRelative(r.runMean, rmRef, 16 * U32, `${what}: runMean`);
        expectRelative(r.runVar, rvRef, 16 * U32, `${what}: runVar (unbiased)`);
      }
    });
  });

  it('train with a batch of one row: xhat = 0, y = bias, and runVar moves towards 0 (no spread to estimate), all finite', () => {
    scoped(be, () => {
      const N = 9;
      const rng = new TestRng(77);
      const x = rng.floats(N, -3, 3), gain = rng.floats(N, 0.5, 2), bias = rng.floats(N), rm0 = rng.floats(N), rv0 = rng.floats(N, 0.5, 2);
      const r = train(be, x, gain, bias, rm0, rv0, 1, N, 0.25);
      expectSame(r.xhat, new Float64Array(N), 'xhat');
      expectRelative(r.y, Float64Array.from(bias), U32, 'y');
      expectRelative(r.invstd, new Float64Array(N).fill(1 / Math.sqrt(EPS)), 4 * U32, 'invstd');
      expectRelative(r.runMean, Float64Array.from(rm0, (v, j) => 0.75 * v + 0.25 * x[j]!), 4 * U32, 'runMean');
      expectRelative(r.runVar, Float64Array.from(rv0, (v) => 0.75 * v), 4 * U32, 'runVar');
    });
  });

  it.each(SHAPES)('train M=%i N=%i with gain 1, bias 0 gives zero-mean, unit-(biased)-variance columns', (M, N) => {
    scoped(be, () => {
      const rng = new TestRng(M * 103 + N);
      const x = batch(rng, M, N);
      const ones = new Float32Array(N).fill(1), zeros = new Float32Array(N);
      const { y } = train(be, x, ones, zeros, zeros, ones, M, N, 0.1, 1e-12);
      for (let j = 0; j < N; j++) {
        let mean = 0;
        for (let i = 0; i < M; i++) mean += y[i * N + j]!;
        mean /= M;
        let v = 0;
        for (let i = 0; i < M; i++) v += (y[i * N + j]! - mean) ** 2;
        v /= M;
        expect(Math.abs(mean), `column ${j} mean`).toBeLessThan(1e-5);
        expect(Math.abs(v - 1), `column ${j} biased variance`).toBeLessThan(1e-5);
      }
    });
  });

  it.each(SHAPES.filter(([M, N]) => M * N <= 1000))(
    'backward M=%i N=%i: dx, dgain, dbias are the gradients of Σ G⊙y by finite differences (float64 forward)', (M, N) => {
      scoped(be, () => {
        const rng = new TestRng(M * 107 + N);
        const x = batch(rng, M, N);
        const gain = rng.floats(N, 0.5, 2), bias = rng.floats(N), G = rng.floats(M * N);
        const loss = (xx: ArrayLike<number>, gg: ArrayLike<number>, bb: ArrayLike<number>) =>
          dot(G, batchNormTrainRef(xx, gg, bb, M, N, EPS).y);
        const fdX = numericGradient((v) => loss(v, gain, bias), x);
        const fdGain = numericGradient((v) => loss(x, v, bias), gain);
        const fdBias = numericGradient((v) => loss(x, gain, v), bias);

        const { ptrs } = train(be, x, gain, bias, new Float32Array(N), new Float32Array(N).fill(1), M, N, 0.1);
        const dx = makeOut(be, M * N, undefined, 'dx'), dgain = makeOut(be, N, undefined, 'dgain'), dbias = makeOut(be, N, undefined, 'dbias');
        const pg = putF32(be, gain), pG = putF32(be, G);
        be.batchNormBackward(dx.ptr, dgain.ptr, dbias.ptr, pG, ptrs.xhat, ptrs.invstd, pg, M, N, false);
        const what = `batchNormBackward ${M}×${N}`;
        // dx is gain·invstd times a difference of O(|G|) terms that can cancel (M = 2 nearly does): compare on the
        // scale of the terms, not of the result.
        const invstd = batchNormTrainRef(x, gain, bias, M, N, EPS).invstd;
        const sx = Math.max(...Array.from(gain, (g, j) => Math.abs(g) * invstd[j]!));
        const sg = Math.max(...Array.from(fdGain, Math.abs), 1);
        const dxv = readOut(be, dx);
        expectElementwise(dxv, fdX, () => 1e-5 * sx, `${what}: dx`);
        expectElementwise(readOut(be, dgain), fdGain, () => 1e-5 * sg, `${what}: dgain`);
        expectElementwise(readOut(be, dbias), fdBias, () => 1e-5 * M, `${what}: dbias`);

        // dx may alias dy.
        be.batchNormBackward(pG, dgain.ptr, dbias.ptr, pG, ptrs.xhat, ptrs.invstd, pg, M, N, false);
        expectSame(readF32(be, pG, M * N), dxv, `${what}: dx aliasing dy`);
      });
    });

  it.each(SHAPES)('backward M=%i N=%i with accumulate: dgain/dbias add onto what was there, dx is the same', (M, N) => {
    scoped(be, () => {
      const rng = new TestRng(M * 113 + N);
      const inputs = [rng.floats(M * N), rng.normals(M * N), rng.floats(N, 0.2, 3), rng.floats(N, -2, 2)].map((a) => putF32(be, a));
      const [dy, xhat, invstd, gain] = inputs as [number, number, number, number];
      const startGain = rng.floats(N), startBias = rng.floats(N);
      const dx0 = makeOut(be, M * N), dg0 = makeOut(be, N), db0 = makeOut(be, N);
      be.batchNormBackward(dx0.ptr, dg0.ptr, db0.ptr, dy, xhat, invstd, gain, M, N, false);
      const dx1 = makeOut(be, M * N), dg1 = makeOut(be, N, startGain), db1 = makeOut(be, N, startBias);
      be.batchNormBackward(dx1.ptr, dg1.ptr, db1.ptr, dy, xhat, invstd, gain, M, N, true);
      const what = `batchNormBackward ${M}×${N} acc`;
      expectSame(readOut(be, dx1), readOut(be, dx0), `${what}: dx is overwritten either way`);
      // start + the overwritten result, within the rounding of one float32 addition of the two (plus the sum's own
      // rounding on the JS backend, which adds its float64 sum to the start before rounding once)
      const expectPlus = (got: Float64Array, start: Float32Array, sum: Float64Array, arg: string) =>
        expectElementwise(got, Array.from(sum, (v, j) => start[j]! + v),
          (j) => 2 * U32 * (Math.abs(start[j]!) + Math.abs(sum[j]!)), `${what}: ${arg}`);
      expectPlus(readOut(be, dg1), startGain, readOut(be, dg0), 'dgain');
      expectPlus(readOut(be, db1), startBias, readOut(be, db0), 'dbias');
    });
  });

  it.each(SHAPES)('backward M=%i N=%i: the one-pass formula on the saved xhat/invstd matches float64', (M, N) => {
    scoped(be, () => {
      const rng = new TestRng(M * 109 + N);
      const xhat = rng.normals(M * N), invstd = rng.floats(N, 0.2, 3), gain = rng.floats(N, -2, 2), dy = rng.floats(M * N);
      const dx = makeOut(be, M * N), dgain = makeOut(be, N), dbias = makeOut(be, N);
      be.batchNormBackward(dx.ptr, dgain.ptr, dbias.ptr, putF32(be, dy), putF32(be, xhat), putF32(be, invstd), putF32(be, gain), M, N, false);
      const sumDy = new Float64Array(N), sumDyXhat = new Float64Array(N), absDy = new Float64Array(N), absDyXhat = new Float64Array(N);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          const k = i * N + j;
          sumDy[j] += dy[k]!;
          sumDyXhat[j] += dy[k]! * xhat[k]!;
          absDy[j] += Math.abs(dy[k]!);
          absDyXhat[j] += Math.abs(dy[k]! * xhat[k]!);
        }
      }
      const dxRef = Float64Array.from(dy, (g, k) => {
        const j = k % N;
        return (gain[j]! * invstd[j]! / M) * (M * g - sumDy[j]! - xhat[k]! * sumDyXhat[j]!);
      });
      const gamma = (M + 4) * U32;
      expectElementwise(readOut(be, dbias), sumDy, (j) => gamma * absDy[j]!, `dbias ${M}×${N}`);
      expectElementwise(readOut(be, dgain), sumDyXhat, (j) => gamma * absDyXhat[j]!, `dgain ${M}×${N}`);
      expectElementwise(readOut(be, dx), dxRef, (k) => {
        const j = k % N;
        return gamma * Math.abs(gain[j]! * invstd[j]! / M) * (M * Math.abs(dy[k]!) + absDy[j]! + Math.abs(xhat[k]!) * absDyXhat[j]!);
      }, `dx ${M}×${N}`);
    });
  });

  it.each([[1, 7], [5, 27], [32, 200]] as [number, number][])('eval M=%i N=%i matches the float64 reference', (M, N) => {
    scoped(be, () => {
      const rng = new TestRng(M * 113 + N);
      const x = batch(rng, M, N);
      const gain = rng.floats(N, -2, 2), bias = rng.floats(N), rm = rng.floats(N, -3, 3), rv = rng.floats(N, 0.1, 10);
      const y = makeOut(be, M * N);
      be.batchNormEval(y.ptr, putF32(be, x), putF32(be, gain), putF32(be, bias), putF32(be, rm), putF32(be, rv), M, N, EPS);
      const ref = batchNormEvalRef(x, gain, bias, rm, rv, M, N, EPS);
      // y − bias = gain·(x − runMean)·invstd: a handful of roundings of terms as large as |x| + |runMean| scaled.
      expectElementwise(readOut(be, y), ref, (k) => {
        const j = k % N;
        return 8 * U32 * (Math.abs(gain[j]!) * (Math.abs(x[k]!) + Math.abs(rm[j]!)) / Math.sqrt(rv[j]! + EPS) + Math.abs(bias[j]!));
      }, `batchNormEval ${M}×${N}`);
    });
  });

  it('eval gives each row the same output whatever the other rows of the batch are', () => {
    scoped(be, () => {
      const [M, N] = [32, 30];
      const rng = new TestRng(8);
      const gain = rng.floats(N, -2, 2), bias = rng.floats(N), rm = rng.floats(N, -3, 3), rv = rng.floats(N, 0.1, 10);
      const params = [putF32(be, gain), putF32(be, bias), putF32(be, rm), putF32(be, rv)] as const;
      const run = (x: Float32Array, rows: number) => {
        const y = makeOut(be, rows * N);
        be.batchNormEval(y.ptr, putF32(be, x), ...params, rows, N, EPS);
        return readOut(be, y);
      };
      const x1 = batch(rng, M, N), x2 = batch(rng, M, N).map((v) => 100 * v); // very different companions
      const row = 13;
      x2.set(x1.subarray(row * N, row * N + N), row * N);
      const y1 = run(x1, M).subarray(row * N, row * N + N);
      const y2 = run(x2, M).subarray(row * N, row * N + N);
      const alone = run(x1.slice(row * N, row * N + N), 1);
      expectRelative(y2, y1, 2 * U32, 'row 13 with other companions');
      expectRelative(alone, y1, 2 * U32, 'row 13 alone (M = 1)');
      // A training-mode forward, in contrast, does depend on the other rows (the premise of the identity is not empty).
      const ones = new Float32Array(N).fill(1), zeros = new Float32Array(N);
      const t1 = train(be, x1, ones, zeros, zeros, ones, M, N, 0.1).y.subarray(row * N, row * N + N);
      const t2 = train(be, x2, ones, zeros, zeros, ones, M, N, 0.1).y.subarray(row * N, row * N + N);
      expect(Math.max(...t1.map((v, j) => Math.abs(v - t2[j]!)))).toBeGreaterThan(0.1);
    });
  });
});
