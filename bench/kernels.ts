/**
 * Kernel benchmark: every kernel of the contract on the wasm and the JS backend, at the shapes makemore uses
 * (plus square matmuls to show the SIMD core's ceiling).
 *
 *   npm run bench:kernels                 full run (about a minute)
 *   npm run bench:kernels -- --quick      small shapes, few short samples: seconds, rough figures
 *   npm run bench:kernels -- --table      also a readable table on stderr
 *   npm run bench:kernels -- --filter=matmul --impl=wasm
 *
 * stdout gets one JSON line per kernel, shape and backend:
 *   {"bench":"kernel","kernel":"matmul","shape":"32x30x200","impl":"wasm","median_us":…,"gflops":…,"runs":…}
 * (gflops for matmuls only; matmul shapes are M×K×N, others M×N or B×T×D or n), then one line per kernel and
 * shape with the speed-up of wasm over JS:
 *   {"bench":"kernel-ratio","kernel":"matmul","shape":"32x30x200","js_over_wasm":…}
 *
 * The machine may be shared and noisy, so the two backends are measured interleaved (one sample of each per
 * round, the first backend alternating) after a warm-up, and each figure is the median over the samples. A sample
 * repeats the call until it lasts about `sampleMs`, so microsecond kernels are not lost in timer resolution.
 * The raw (unchecked) kernels are timed: that is what a training step calls.
 */
import os from 'node:os';
import { createBackend, type Backend } from '../src/backend/index.ts';
import type { Kernels, Ptr } from '../src/backend/kernels.ts';
import { Rng } from '../src/rng.ts';

type Impl = 'wasm' | 'js';

/** One benchmark: a kernel at a shape. `setup` allocates its inputs in a backend and returns the call to time. */
interface Bench {
  kernel: keyof Kernels;
  shape: string;
  /** Floating-point operations per call, for GFLOP/s (matmuls). */
  flops?: number;
  /** Only in full runs (too slow for --quick). */
  large?: boolean;
  setup(be: Backend, rng: Rng): () => void;
}

/** How long and how often to sample. */
interface Timing {
  sampleMs: number;
  runs: number;
  minRuns: number;
  caseBudgetMs: number;
  warmupMs: number;
}

const FULL: Timing = { sampleMs: 15, runs: 15, minRuns: 5, caseBudgetMs: 3000, warmupMs: 100 };
const QUICK: Timing = { sampleMs: 2, runs: 3, minRuns: 3, caseBudgetMs: 50, warmupMs: 30 };

/** A float32 buffer of n uniform values in [lo, hi). */
function uniform(be: Backend, rng: Rng, n: number, lo = -1, hi = 1, name = 'x'): Ptr {
  const p = be.arena.allocF32(n, name);
  const v = be.arena.f32(p, n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * rng.next();
  return p;
}

/** An int32 buffer of n uniform indices in [0, range). */
function indices(be: Backend, rng: Rng, n: number, range: number): Ptr {
  const p = be.arena.allocI32(n, 'idx');
  const v = be.arena.i32(p, n);
  for (let i = 0; i < n; i++) v[i] = rng.int(range);
  return p;
}

function matmulBench(kernel: 'matmul' | 'matmulTN' | 'matmulNT', M: number, K: number, N: number): Bench {
  return {
    kernel,
    shape: `${M}x${K}x${N}`,
    flops: 2 * M * K * N,
    large: M * K * N > 200 * 200 * 200,
    setup(be, rng) {
      const a = uniform(be, rng, M * K, -1, 1, 'A');
      const b = uniform(be, rng, K * N, -1, 1, 'B');
      const c = be.arena.allocF32(M * N, 'C');
      const f = be.raw[kernel];
      return () => f(c, a, b, M, K, N, false);
    },
  };
}

/** makemore part 3's MLP: 27 characters, context 3, embedding 10, 200 hidden units, batch 32 (11,897 parameters). */
const MM = { B: 32, T: 3, D: 10, H: 200, V: 27, P: 11897 };

function benches(): Bench[] {
  const list: Bench[] = [];
  const matmulShapes: [number, number, number][] = [
    [32, 30, 200], // forward: h = emb · W1
    [32, 200, 27], // forward: logits = h · W2
    [200, 32, 27], // backward: dW2 = hᵀ · dlogits
    [128, 128, 128],
    [256, 256, 256],
    [512, 512, 512],
  ];
  for (const [M, K, N] of matmulShapes) {
    for (const k of ['matmul', 'matmulTN', 'matmulNT'] as const) list.push(matmulBench(k, M, K, N));
  }
  const { B, T, D, H, V, P } = MM;
  for (const [M, N] of [[B, V], [B, H]] as const) {
    list.push({
      kernel: 'softmaxCrossEntropy', shape: `${M}x${N}`,
      setup(be, rng) {
        const x = uniform(be, rng, M * N, -3, 3), d = be.arena.allocF32(M * N), t = indices(be, rng, M, N);
        const k = be.raw;
        return () => k.softmaxCrossEntropy(d, x, t, M, N);
      },
    });
  }
  list.push(
    {
      kernel: 'crossEntropyLoss', shape: `${B}x${V}`,
      setup(be, rng) {
        const x = uniform(be, rng, B * V, -3, 3), t = indices(be, rng, B, V);
        const k = be.raw;
        return () => k.crossEntropyLoss(x, t, B, V);
      },
    },
    {
      kernel: 'softmax', shape: `${B}x${V}`,
      setup(be, rng) {
        const x = uniform(be, rng, B * V, -3, 3), y = be.arena.allocF32(B * V);
        const k = be.raw;
        return () => k.softmax(y, x, B, V);
      },
    },
    {
      kernel: 'logSoftmax', shape: `${B}x${V}`,
      setup(be, rng) {
        const x = uniform(be, rng, B * V, -3, 3), y = be.arena.allocF32(B * V);
        const k = be.raw;
        return () => k.logSoftmax(y, x, B, V);
      },
    },
  );
  const bn = (be: Backend, rng: Rng) => {
    const n = B * H;
    const x = uniform(be, rng, n, -2, 2), y = be.arena.allocF32(n), xhat = be.arena.allocF32(n);
    const invstd = be.arena.allocF32(H), gain = uniform(be, rng, H, 0.5, 1.5), bias = uniform(be, rng, H);
    const runMean = be.arena.allocF32(H), runVar = uniform(be, rng, H, 0.5, 1.5);
    const dy = uniform(be, rng, n), dx = be.arena.allocF32(n), dgain = be.arena.allocF32(H), dbias = be.arena.allocF32(H);
    be.raw.batchNormTrain(y, xhat, invstd, x, gain, bias, runMean, runVar, B, H, 0.001, 1e-5);
    return { x, y, xhat, invstd, gain, bias, runMean, runVar, dy, dx, dgain, dbias };
  };
  list.push(
    {
      kernel: 'batchNormTrain', shape: `${B}x${H}`,
      setup(be, rng) {
        const s = bn(be, rng);
        const k = be.raw;
        return () => k.batchNormTrain(s.y, s.xhat, s.invstd, s.x, s.gain, s.bias, s.runMean, s.runVar, B, H, 0.001, 1e-5);
      },
    },
    {
      kernel: 'batchNormBackward', shape: `${B}x${H}`,
      setup(be, rng) {
        const s = bn(be, rng);
        const k = be.raw;
        return () => k.batchNormBackward(s.dx, s.dgain, s.dbias, s.dy, s.xhat, s.invstd, s.gain, B, H);
      },
    },
    {
      kernel: 'batchNormEval', shape: `${B}x${H}`,
      setup(be, rng) {
        const s = bn(be, rng);
        const k = be.raw;
        return () => k.batchNormEval(s.y, s.x, s.gain, s.bias, s.runMean, s.runVar, B, H, 1e-5);
      },
    },
    {
      kernel: 'tanhForward', shape: `${B}x${H}`,
      setup(be, rng) {
        const x = uniform(be, rng, B * H, -3, 3), y = be.arena.allocF32(B * H);
        const k = be.raw;
        return () => k.tanhForward(y, x, B * H);
      },
    },
    {
      kernel: 'tanhBackward', shape: `${B}x${H}`,
      setup(be, rng) {
        const y = uniform(be, rng, B * H), dy = uniform(be, rng, B * H), dx = be.arena.allocF32(B * H);
        const k = be.raw;
        return () => k.tanhBackward(dx, dy, y, B * H, false);
      },
    },
    {
      kernel: 'addBias', shape: `${B}x${H}`,
      setup(be, rng) {
        const y = uniform(be, rng, B * H), b = uniform(be, rng, H, -1e-3, 1e-3);
        const k = be.raw;
        return () => k.addBias(y, b, B, H);
      },
    },
    {
      kernel: 'biasBackward', shape: `${B}x${H}`,
      setup(be, rng) {
        const dy = uniform(be, rng, B * H), db = be.arena.allocF32(H);
        const k = be.raw;
        return () => k.biasBackward(db, dy, B, H, false);
      },
    },
    {
      kernel: 'embeddingGather', shape: `${B}x${T}x${D}`,
      setup(be, rng) {
        const table = uniform(be, rng, V * D), idx = indices(be, rng, B * T, V), out = be.arena.allocF32(B * T * D);
        const k = be.raw;
        return () => k.embeddingGather(out, table, idx, B, T, D);
      },
    },
    {
      kernel: 'embeddingScatterAdd', shape: `${B}x${T}x${D}`,
      setup(be, rng) {
        const dtable = be.arena.allocF32(V * D), idx = indices(be, rng, B * T, V), dout = uniform(be, rng, B * T * D, -1e-3, 1e-3);
        const k = be.raw;
        return () => k.embeddingScatterAdd(dtable, dout, idx, B, T, D);
      },
    },
    {
      kernel: 'sgdUpdate', shape: `${P}`,
      setup(be, rng) {
        const p = uniform(be, rng, P), g = uniform(be, rng, P);
        const k = be.raw;
        return () => k.sgdUpdate(p, g, P, 1e-6, 1e-4);
      },
    },
    {
      kernel: 'zero', shape: `${P}`,
      setup(be) {
        const p = be.arena.allocF32(P);
        const k = be.raw;
        return () => k.zero(p, P);
      },
    },
    {
      kernel: 'sumSquares', shape: `${P}`,
      setup(be, rng) {
        const p = uniform(be, rng, P);
        const k = be.raw;
        return () => k.sumSquares(p, P);
      },
    },
  );
  return list;
}

/** Milliseconds per call over `calls` calls. */
function sample(run: () => void, calls: number): number {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) run();
  return (performance.now() - t0) / calls;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >>> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Result {
  kernel: string;
  shape: string;
  impl: Impl;
  median_us: number;
  gflops?: number;
  runs: number;
}

/** Warm up and calibrate each implementation, then sample them round-robin; medians per implementation. */
function measure(bench: Bench, runs: { impl: Impl; run: () => void }[], t: Timing): Result[] {
  const calls: number[] = [];
  const want: number[] = [];
  for (const { run } of runs) {
    let n = 1;
    let spent = 0;
    let perCall = 0;
    for (;;) {
      perCall = sample(run, n);
      spent += perCall * n;
      if (spent >= t.warmupMs) break;
      n *= 2;
    }
    const per = Math.max(perCall, 1e-6);
    const k = Math.max(1, Math.round(t.sampleMs / per));
    calls.push(k);
    want.push(Math.max(t.minRuns, Math.min(t.runs, Math.floor(t.caseBudgetMs / (k * per)))));
  }
  const samples: number[][] = runs.map(() => []);
  const rounds = Math.max(...want);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < runs.length; j++) {
      const i = (r + j) % runs.length;
      if (samples[i]!.length < want[i]!) samples[i]!.push(sample(runs[i]!.run, calls[i]!));
    }
  }
  return runs.map(({ impl }, i) => {
    const ms = median(samples[i]!);
    const res: Result = { kernel: bench.kernel, shape: bench.shape, impl, median_us: ms * 1000, runs: samples[i]!.length };
    if (bench.flops !== undefined) res.gflops = bench.flops / (ms * 1e6);
    return res;
  });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function formatUs(us: number): string {
  if (us < 10) return `${us.toFixed(2)} µs`;
  if (us < 1000) return `${us.toFixed(1)} µs`;
  return `${(us / 1000).toFixed(2)} ms`;
}

function printTable(results: Result[]): void {
  const head = ['kernel', 'shape', 'wasm', 'js', 'js ÷ wasm'];
  const rows: string[][] = [];
  const keys = [...new Set(results.map((r) => `${r.kernel} ${r.shape}`))];
  for (const key of keys) {
    const group = results.filter((r) => `${r.kernel} ${r.shape}` === key);
    const cell = (impl: Impl): string => {
      const r = group.find((g) => g.impl === impl);
      if (!r) return '—';
      return formatUs(r.median_us) + (r.gflops !== undefined ? ` (${r.gflops.toFixed(1)} GF/s)` : '');
    };
    const w = group.find((g) => g.impl === 'wasm');
    const j = group.find((g) => g.impl === 'js');
    rows.push([group[0]!.kernel, group[0]!.shape, cell('wasm'), cell('js'), w && j ? `${(j.median_us / w.median_us).toFixed(1)}×` : '—']);
  }
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]): string =>
    cells.map((s, c) => (c < 2 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join('  ');
  process.stderr.write([line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const showTable = args.includes('--table');
  const filter = args.find((a) => a.startsWith('--filter='))?.slice('--filter='.length);
  const only = args.find((a) => a.startsWith('--impl='))?.slice('--impl='.length) as Impl | undefined;
  const unknown = args.filter((a) => !/^--(quick|table|filter=.*|impl=(wasm|js))$/.test(a));
  if (unknown.length) throw new Error(`bench:kernels: unknown argument ${unknown[0]} (use --quick, --table, --filter=NAME, --impl=wasm|js)`);
  const timing = quick ? QUICK : FULL;
  const impls: Impl[] = only ? [only] : ['wasm', 'js'];
  const backends = new Map<Impl, Backend>();
  for (const impl of impls) backends.set(impl, await createBackend(impl));

  console.log(JSON.stringify({
    bench: 'kernel-env', node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length,
    mode: quick ? 'quick' : 'full',
  }));
  const results: Result[] = [];
  for (const bench of benches()) {
    if (quick && bench.large) continue;
    if (filter && !`${bench.kernel} ${bench.shape}`.includes(filter)) continue;
    const runs = impls.map((impl) => {
      const be = backends.get(impl)!;
      const mark = be.arena.mark();
      const run = bench.setup(be, new Rng(1));
      return { impl, run, release: () => be.arena.release(mark) };
    });
    const measured = measure(bench, runs, timing);
    for (const r of runs) r.release();
    for (const r of measured) {
      const line: Record<string, unknown> = { bench: 'kernel', kernel: r.kernel, shape: r.shape, impl: r.impl, median_us: round(r.median_us, 3) };
      if (r.gflops !== undefined) line.gflops = round(r.gflops, 2);
      line.runs = r.runs;
      console.log(JSON.stringify(line));
    }
    results.push(...measured);
  }
  if (impls.length === 2) {
    for (let i = 0; i + 1 < results.length; i += 2) {
      const w = results[i]!, j = results[i + 1]!;
      console.log(JSON.stringify({ bench: 'kernel-ratio', kernel: w.kernel, shape: w.shape, js_over_wasm: round(j.median_us / w.median_us, 2) }));
    }
  }
  if (showTable) printTable(results);
}

await main();
