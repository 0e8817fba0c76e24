/**
 * Kernel benchmarks for `npm run bench`: the kernels a training step spends its time in, on our wasm and JS
 * backends, and matmul also on TF.js (wasm and cpu backends) for the "why not TensorFlow.js?" question.
 * (`npm run bench:kernels` is the exhaustive per-kernel wasm-vs-JS run; this is the subset the README quotes.)
 *
 * Our kernels are called raw (unchecked), as a training step calls them. TF.js matmul gets a fresh B tensor for
 * every call, as in training where the weights change each step: XNNPACK caches its packed copy of B per tensor, so
 * re-using one B would time a case training never hits (2.4× faster at 32×30×200, 1.15× at 512³, measured).
 */
import type { Backend, Ptr } from '../../src/backend/index.ts';
import { tf, tfImpl, useTf, type TfBackendName } from '../tfjs/setup.ts';
import { fillInts, fillNormal } from './data.ts';
import type { Case } from './timing.ts';

/** One comparison group: every implementation of one kernel at one shape, measured interleaved. */
export interface GroupSpec {
  bench: string;
  /** The shape (kernels) or configuration (end to end) label. */
  label: string;
  /** Build the cases (allocating their inputs); they free themselves through `Case.dispose`. */
  make(): Promise<Case[]>;
}

/** Our backends by impl label. */
export type OurBackends = ReadonlyMap<'wasm' | 'js', Backend>;

type MatmulForm = 'matmul' | 'matmulTN' | 'matmulNT';

/** Random float32 inputs in a backend's arena. */
function normal(be: Backend, n: number, seed: number, name: string): Ptr {
  const p = be.arena.allocF32(n, name);
  fillNormal(be.arena.f32(p, n), seed);
  return p;
}

/** Random int32 indices in [0, range) in a backend's arena. */
function ints(be: Backend, n: number, range: number, seed: number, name: string): Ptr {
  const p = be.arena.allocI32(n, name);
  fillInts(be.arena.i32(p, n), range, seed);
  return p;
}

/** A case on one of our backends: `setup` allocates and returns the call; the arena is released afterwards. */
function ours(be: Backend, base: Omit<Case, 'impl' | 'run'>, setup: (be: Backend) => () => unknown): Case {
  const mark = be.arena.mark();
  const run = setup(be);
  return { ...base, impl: be.name, run, dispose: () => be.arena.release(mark) };
}

/** A TF.js matmul case: A fixed, a fresh B for every call (made before the timed loop, disposed after). */
async function tfMatmul(name: TfBackendName, form: MatmulForm, M: number, K: number, N: number, base: Omit<Case, 'impl' | 'run'>): Promise<Case> {
  await useTf(name);
  const aShape: [number, number] = form === 'matmulTN' ? [K, M] : [M, K];
  const bShape: [number, number] = form === 'matmulNT' ? [N, K] : [K, N];
  const a = tf.tensor2d(fillNormal(new Float32Array(M * K), 1), aShape);
  const bData = fillNormal(new Float32Array(K * N), 2);
  const tA = form === 'matmulTN';
  const tB = form === 'matmulNT';
  let bs: tf.Tensor2D[] = [];
  let outs: tf.Tensor[] = [];
  let next = 0;
  return {
    ...base,
    impl: tfImpl(name),
    before: () => useTf(name),
    prepare(calls) {
      bs = [];
      for (let i = 0; i < calls; i++) bs.push(tf.tensor2d(bData, bShape));
      outs = [];
      next = 0;
    },
    run() {
      outs.push(tf.matMul(a, bs[next++]!, tA, tB));
    },
    after() {
      tf.dispose(bs);
      tf.dispose(outs);
      bs = [];
      outs = [];
    },
    dispose: () => a.dispose(),
  };
}

/** The matmul comparison group of one form and shape: wasm, JS, TF.js wasm, TF.js cpu. */
function matmulGroup(form: MatmulForm, M: number, K: number, N: number, backends: OurBackends, withTf: boolean): GroupSpec {
  const shape = `${M}x${K}x${N}`;
  return {
    bench: form,
    label: shape,
    async make() {
      const base = { bench: form, shape, flops: 2 * M * K * N };
      const cases: Case[] = [];
      for (const be of backends.values()) {
        cases.push(ours(be, base, (b) => {
          const aN = M * K;
          const a = normal(b, aN, 1, 'A');
          const bb = normal(b, K * N, 2, 'B');
          const c = b.arena.allocF32(M * N, 'C');
          const k = b.raw;
          return () => k[form](c, a, bb, M, K, N, false);
        }));
      }
      if (withTf) for (const name of ['wasm', 'cpu'] as const) cases.push(await tfMatmul(name, form, M, K, N, base));
      return cases;
    },
  };
}

/** A group of our two backends only, for kernels TF.js is not compared on. */
function oursGroup(bench: string, shape: string, backends: OurBackends, setup: (be: Backend) => () => unknown): GroupSpec {
  return {
    bench,
    label: shape,
    async make() {
      return [...backends.values()].map((be) => ours(be, { bench, shape }, setup));
    },
  };
}

/**
 * The kernel groups. makemore shapes come from the part-3 MLP (batch 32: block 3 × embed 10 = 30 inputs, 200
 * hidden, 27 outputs; and batch 256 with 100-wide layers) and from the full-batch bigram (228,146 examples × 27).
 * Matmul shapes are M×K×N of C[M×N] = op(A)·op(B).
 */
export function kernelGroups(backends: OurBackends, quick: boolean): GroupSpec[] {
  const g: GroupSpec[] = [];
  const mm = (form: MatmulForm, M: number, K: number, N: number): void => {
    g.push(matmulGroup(form, M, K, N, backends, true));
  };
  // forward Linear layers, the weight gradients (TN) and the input gradients (NT) of the part-3 net
  mm('matmul', 32, 30, 200);
  mm('matmul', 32, 200, 27);
  mm('matmulTN', 30, 32, 200);
  mm('matmulTN', 200, 32, 27);
  mm('matmulNT', 32, 27, 200);
  mm('matmulNT', 32, 200, 30);
  if (!quick) {
    mm('matmul', 256, 100, 100);
    mm('matmul', 256, 100, 27);
    mm('matmulTN', 100, 256, 100);
    mm('matmulNT', 256, 100, 100);
  }
  mm('matmul', 128, 128, 128);
  if (!quick) {
    mm('matmul', 256, 256, 256);
    mm('matmul', 512, 512, 512);
    mm('matmulTN', 512, 512, 512);
    mm('matmulNT', 512, 512, 512);
  }

  const V = 27;
  const sce = (M: number): void => {
    g.push(oursGroup('softmaxCrossEntropy', `${M}x${V}`, backends, (be) => {
      const x = normal(be, M * V, 3, 'logits');
      const d = be.arena.allocF32(M * V, 'dlogits');
      const t = ints(be, M, V, 4, 'targets');
      const k = be.raw;
      return () => k.softmaxCrossEntropy(d, x, t, M, V);
    }));
  };
  sce(32);
  sce(256);
  if (!quick) sce(228146);

  const bn = (M: number, N: number): void => {
    g.push(oursGroup('batchNorm fwd+bwd', `${M}x${N}`, backends, (be) => {
      const n = M * N;
      const x = normal(be, n, 5, 'x');
      const y = be.arena.allocF32(n, 'y');
      const xhat = be.arena.allocF32(n, 'xhat');
      const invstd = be.arena.allocF32(N, 'invstd');
      const gain = normal(be, N, 6, 'gain');
      const bias = normal(be, N, 7, 'bias');
      const runMean = be.arena.allocF32(N, 'runMean');
      const runVar = be.arena.allocF32(N, 'runVar');
      const dy = normal(be, n, 8, 'dy');
      const dx = be.arena.allocF32(n, 'dx');
      const dgain = be.arena.allocF32(N, 'dgain');
      const dbias = be.arena.allocF32(N, 'dbias');
      const k = be.raw;
      return () => {
        k.batchNormTrain(y, xhat, invstd, x, gain, bias, runMean, runVar, M, N, 0.001, 1e-5);
        k.batchNormBackward(dx, dgain, dbias, dy, xhat, invstd, gain, M, N);
      };
    }));
  };
  bn(32, 200);
  bn(256, 100);

  const tanh = (M: number, N: number): void => {
    const n = M * N;
    g.push(oursGroup('tanhForward', `${M}x${N}`, backends, (be) => {
      const x = normal(be, n, 9, 'x');
      const y = be.arena.allocF32(n, 'y');
      const k = be.raw;
      return () => k.tanhForward(y, x, n);
    }));
    g.push(oursGroup('tanhBackward', `${M}x${N}`, backends, (be) => {
      const y = normal(be, n, 10, 'y');
      const dy = normal(be, n, 11, 'dy');
      const dx = be.arena.allocF32(n, 'dx');
      const k = be.raw;
      return () => k.tanhBackward(dx, dy, y, n, false);
    }));
  };
  tanh(32, 200);
  tanh(256, 100);

  const emb = (B: number, T: number, D: number, rows: number): void => {
    g.push(oursGroup('embeddingGather', `${B}x${T}x${D}`, backends, (be) => {
      const table = normal(be, rows * D, 12, 'table');
      const idx = ints(be, B * T, rows, 13, 'idx');
      const out = be.arena.allocF32(B * T * D, 'out');
      const k = be.raw;
      return () => k.embeddingGather(out, table, idx, B, T, D);
    }));
    g.push(oursGroup('embeddingScatterAdd', `${B}x${T}x${D}`, backends, (be) => {
      const dtable = be.arena.allocF32(rows * D, 'dtable');
      const idx = ints(be, B * T, rows, 14, 'idx');
      const dout = normal(be, B * T * D, 15, 'dout');
      const k = be.raw;
      return () => {
        k.zero(dtable, rows * D);
        k.embeddingScatterAdd(dtable, dout, idx, B, T, D);
      };
    }));
  };
  emb(32, 3, 10, V);
  emb(256, 3, 10, V);
  if (!quick) emb(228146, 1, V, V); // the bigram's per-example path: one row of W per example
  return g;
}
