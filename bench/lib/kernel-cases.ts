/**
 * Kernel benchmark cases, shared by both entries:
 * - `kernelGroups` for `npm run bench`: the kernels a training step spends its time in, on our wasm and JS backends,
 *   and matmul also on TF.js (wasm and cpu backends) for the "why not TensorFlow.js?" question — the subset the
 *   README quotes;
 * - `contractKernelGroups` for `npm run bench:kernels`: every kernel of the contract (`KERNEL_NAMES`), one group per
 *   kernel and shape, wasm vs JS only.
 *
 * Our kernels are called raw (unchecked), as a training step calls them. Matmul shapes are M×K×N of
 * C[M×N] = op(A)·op(B); others are M×N, B×T×D (embeddings) or n (flat vectors).
 */
import type { Backend, Ptr } from '../../src/backend/index.ts';
import { KERNEL_NAMES, KERNEL_TABLE, type KernelName, type Sizes } from '../../src/backend/kernels.ts';
import type { MatmulForm } from '../tfjs/matmul.ts';
import { fillInts, fillNormal } from './data.ts';
import { MATMUL_SHAPES } from './matmul-shapes.ts';
import { tableSetup } from './table-setup.ts';
import type { GroupSpec } from './run.ts';
import type { Case } from './timing.ts';
import { transformerShapes } from './transformer-shapes.ts';

/** Our backends by impl label (one of them when `bench:kernels --impl=` picks one). */
export type OurBackends = ReadonlyMap<'wasm' | 'js', Backend>;

/** Allocates a kernel's inputs in a backend and returns one call of it. */
export type KernelSetup = (be: Backend) => () => unknown;

/** Random float32 inputs, N(0, scale²), in a backend's arena. */
function normal(be: Backend, n: number, seed: number, name: string, scale = 1): Ptr {
  const p = be.arena.allocF32(n, name);
  fillNormal(be.arena.f32(p, n), seed, scale);
  return p;
}

/** Random int32 indices in [0, range) in a backend's arena. */
function ints(be: Backend, n: number, range: number, seed: number, name: string): Ptr {
  const p = be.arena.allocI32(n, name);
  fillInts(be.arena.i32(p, n), range, seed);
  return p;
}

/** A case on one of our backends: the inputs are allocated now and the arena is released at dispose. */
function ours(be: Backend, base: Omit<Case, 'impl' | 'run'>, setup: KernelSetup): Case {
  const mark = be.arena.mark();
  const run = setup(be);
  return { ...base, impl: be.name, run, dispose: () => be.arena.release(mark) };
}

/** A group of our backends only. */
function oursGroup(bench: string, shape: string, backends: OurBackends, setup: KernelSetup, flops?: number): GroupSpec {
  const base: Omit<Case, 'impl' | 'run'> = flops === undefined ? { bench, shape } : { bench, shape, flops };
  return {
    bench,
    label: shape,
    async make() {
      return [...backends.values()].map((be) => ours(be, base, setup));
    },
  };
}

/** The matmul group of one form and shape: ours, and TF.js wasm and cpu when `withTf` (loaded only then). */
function matmulGroup(form: MatmulForm, M: number, K: number, N: number, backends: OurBackends, withTf: boolean): GroupSpec {
  const shape = `${M}x${K}x${N}`;
  const flops = 2 * M * K * N;
  const ourGroup = oursGroup(form, shape, backends, matmulSetup(form, M, K, N), flops);
  if (!withTf) return ourGroup;
  return {
    ...ourGroup,
    async make() {
      const { tfMatmul } = await import('../tfjs/matmul.ts');
      const cases = await ourGroup.make();
      for (const name of ['wasm', 'cpu'] as const) cases.push(await tfMatmul(name, form, M, K, N, { bench: form, shape, flops }));
      return cases;
    },
  };
}

// ---- the kernels' inputs and calls, one setup per kernel (or fused pair) ----

function matmulSetup(form: MatmulForm, M: number, K: number, N: number): KernelSetup {
  return (be) => {
    const a = normal(be, M * K, 1, 'A');
    const b = normal(be, K * N, 2, 'B');
    const c = be.arena.allocF32(M * N, 'C');
    const k = be.raw;
    return () => k[form](c, a, b, M, K, N, false);
  };
}

function tanhForwardSetup(n: number): KernelSetup {
  return (be) => {
    const x = normal(be, n, 9, 'x');
    const y = be.arena.allocF32(n, 'y');
    const k = be.raw;
    return () => k.tanhForward(y, x, n);
  };
}

function tanhBackwardSetup(n: number): KernelSetup {
  return (be) => {
    const y = normal(be, n, 10, 'y');
    const dy = normal(be, n, 11, 'dy');
    const dx = be.arena.allocF32(n, 'dx');
    const k = be.raw;
    return () => k.tanhBackward(dx, dy, y, n, false);
  };
}

/** The fused softmax + cross-entropy on [M×N] logits with targets. */
function softmaxCrossEntropySetup(M: number, N: number): KernelSetup {
  return (be) => {
    const x = normal(be, M * N, 3, 'logits');
    const y = be.arena.allocF32(M * N, 'out');
    const t = ints(be, M, N, 4, 'targets');
    const k = be.raw;
    return () => k.softmaxCrossEntropy(y, x, t, M, N);
  };
}

/**
 * One BatchNorm layer's forward (training mode) and backward over [M×N], as `npm run bench` reports it. One training
 * call with momentum 1 first makes the saved xhat/invstd and the running statistics those of the batch.
 */
function batchNormSetup(M: number, N: number): KernelSetup {
  return (be) => {
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
    k.batchNormTrain(y, xhat, invstd, x, gain, bias, runMean, runVar, M, N, 1, 1e-5);
    return () => {
      k.batchNormTrain(y, xhat, invstd, x, gain, bias, runMean, runVar, M, N, 0.001, 1e-5);
      k.batchNormBackward(dx, dgain, dbias, dy, xhat, invstd, gain, M, N, false);
    };
  };
}

function embeddingGatherSetup(B: number, T: number, D: number, rows: number): KernelSetup {
  return (be) => {
    const table = normal(be, rows * D, 12, 'table');
    const idx = ints(be, B * T, rows, 13, 'idx');
    const out = be.arena.allocF32(B * T * D, 'out');
    const k = be.raw;
    return () => k.embeddingGather(out, table, idx, B, T, D);
  };
}

/** The scatter-add after zeroing the table, as a training step does (`npm run bench` times the pair). */
function embeddingScatterAddSetup(B: number, T: number, D: number, rows: number): KernelSetup {
  return (be) => {
    const dtable = be.arena.allocF32(rows * D, 'dtable');
    const idx = ints(be, B * T, rows, 14, 'idx');
    const dout = normal(be, B * T * D, 15, 'dout');
    const k = be.raw;
    return () => {
      k.zero(dtable, rows * D);
      k.embeddingScatterAdd(dtable, dout, idx, B, T, D);
    };
  };
}

// ---- the two lists ----

/** makemore part 3's MLP: 27 characters, context 3, embedding 10, 200 hidden units, batch 32 (11,897 parameters). */
const PART3 = { B: 32, T: 3, D: 10, H: 200, V: 27, P: 11897 };

/**
 * The groups of `npm run bench`. makemore shapes come from the part-3 MLP (batch 32: block 3 × embed 10 = 30
 * inputs, 200 hidden, 27 outputs; and batch 256 with 100-wide layers) and from the full-batch bigram (228,146
 * examples × 27). BatchNorm is timed as forward + backward and the scatter-add with the zeroing before it.
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

  const { V } = PART3;
  for (const M of quick ? [32, 256] : [32, 256, 228146]) {
    g.push(oursGroup('softmaxCrossEntropy', `${M}x${V}`, backends, softmaxCrossEntropySetup(M, V)));
  }
  for (const [M, N] of [[32, 200], [256, 100]] as const) {
    g.push(oursGroup('batchNorm fwd+bwd', `${M}x${N}`, backends, batchNormSetup(M, N)));
  }
  for (const [M, N] of [[32, 200], [256, 100]] as const) {
    g.push(oursGroup('tanhForward', `${M}x${N}`, backends, tanhForwardSetup(M * N)));
    g.push(oursGroup('tanhBackward', `${M}x${N}`, backends, tanhBackwardSetup(M * N)));
  }
  const emb = (B: number, T: number, D: number, rows: number): void => {
    g.push(oursGroup('embeddingGather', `${B}x${T}x${D}`, backends, embeddingGatherSetup(B, T, D, rows)));
    g.push(oursGroup('embeddingScatterAdd', `${B}x${T}x${D}`, backends, embeddingScatterAddSetup(B, T, D, rows)));
  };
  emb(32, 3, 10, V);
  emb(256, 3, 10, V);
  if (!quick) emb(228146, 1, V, V); // the bigram's per-example path: one row of W per example
  return g;
}

/**
 * The groups of `npm run bench:kernels`: every kernel of the contract alone (every row of `KERNEL_TABLE`), wasm vs
 * JS, its inputs built from its row, at the part-3 shapes — by the sizes a kernel takes: M×K×N (the matmuls) at
 * 32×30×200 (h = emb·W1), 32×200×27 (logits = h·W2), 200×32×27 (dW2 = hᵀ·dlogits), and square 128³, 256³, 512³ for
 * the SIMD core's ceiling (`quick` drops 256³ and 512³), and each form at the shapes makemore's models call it with
 * (`MATMUL_SHAPES`; `quick`: the part-3 MLP's); M×N at 32×200 (BatchNorm, bias), the row kernels at 32×27
 * and softmax-CE also at 32×200; B×T×D at 32×3×10 (27-row tables); n over the part-3 net's 11,897 parameters, tanh
 * over the 32×200 hidden layer.
 */
export function contractKernelGroups(backends: OurBackends, quick: boolean): GroupSpec[] {
  const { B, T, D, H, V, P } = PART3;
  const rowKernels = new Set<KernelName>(['softmax', 'logSoftmax', 'crossEntropyLoss', 'softmaxCrossEntropy']);
  const matmulShapes: [number, number, number][] = [[32, 30, 200], [32, 200, 27], [200, 32, 27], [128, 128, 128]];
  // transformer (issue 15): makemore.py's Transformer at batch 32, T 16: c_attn, c_fc, mlp c_proj (B·T = 512 rows)
  matmulShapes.push([512, 64, 192], [512, 64, 256], [512, 256, 64]);
  if (!quick) matmulShapes.push([256, 256, 256], [512, 512, 512]);
  /** The shapes to time a kernel at, with their labels, from the sizes its row takes. */
  const shapesOf = (kernel: KernelName): [string, Partial<Sizes>][] => {
    const own = transformerShapes(kernel); // transformer (issue 15): makemore.py's sizes
    if (own) return own;
    const dims = KERNEL_TABLE[kernel].args.flatMap((x) => (x.kind === 'size' ? [x.name] : [])).join('');
    switch (dims) {
      case 'MKN':
        return matmulShapes.map(([M, K, N]) => [`${M}x${K}x${N}`, { M, K, N }]);
      case 'MN':
        if (!rowKernels.has(kernel)) return [[`${B}x${H}`, { M: B, N: H }]];
        return kernel === 'softmaxCrossEntropy' ? [[`${B}x${V}`, { M: B, N: V }], [`${B}x${H}`, { M: B, N: H }]] : [[`${B}x${V}`, { M: B, N: V }]];
      case 'BTD':
        return [[`${B}x${T}x${D}`, { B, T, D }]];
      case 'n':
        return kernel.startsWith('tanh') || kernel.startsWith('sigmoid') ? [[`${B}x${H}`, { n: B * H }]] : [[`${P}`, { n: P }]];
      case 'nN': // a histogram of one activation batch into the diagnostics' 50 bins
        return [[`${B}x${H}:50`, { n: B * H, N: 50 }]];
      case 'BD': // recurrent (issue 14): one time step of makemore.py's cells, 32 words × 64 hidden units
        return [['32x64', { B: 32, D: 64 }]];
      default:
        throw new Error(`bench:kernels: no shapes for a kernel taking sizes ${dims} (${kernel}): add them here`);
    }
  };
  const g: GroupSpec[] = [];
  const byShape = new Map<string, GroupSpec[]>();
  /** Each form also at every shape makemore's models call it with (bench/lib/matmul-shapes.ts); quick: part 3's. */
  const formShapes = (kernel: KernelName): [string, Partial<Sizes>][] => {
    const common = new Set(matmulShapes.map(([M, K, N]) => `${M}x${K}x${N}`));
    return MATMUL_SHAPES.filter((s) => s.form === kernel && (!quick || s.model === 'mlp b32'))
      .map((s): [string, Partial<Sizes>] => [`${s.M}x${s.K}x${s.N}`, { M: s.M, K: s.K, N: s.N }])
      .filter(([label]) => !common.has(label));
  };
  for (const kernel of KERNEL_NAMES) {
    const own = kernel === 'matmul' || kernel === 'matmulTN' || kernel === 'matmulNT' ? formShapes(kernel) : [];
    for (const [label, sizes] of [...shapesOf(kernel), ...own]) {
      const flops = KERNEL_TABLE[kernel].flops(sizes as Sizes); // the table's count; memory moves (0) get no GF/s
      const group = oursGroup(kernel, label, backends, tableSetup(kernel, sizes, V), flops > 0 ? flops : undefined);
      // the matmul forms of one shape next to each other, as before
      if (sizes.K !== undefined) byShape.set(label, [...(byShape.get(label) ?? []), group]);
      else g.push(group);
    }
  }
  return [...[...byShape.values()].flat(), ...g];
}
