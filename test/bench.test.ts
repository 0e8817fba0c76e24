/**
 * Keeps the benchmarks honest and alive, without timing anything:
 * - the TF.js models compute the same losses and updates as ours from the same weights, so the end-to-end
 *   comparison times the same work;
 * - `npm run bench -- --quick` runs every group and prints JSON lines of the documented shape, with each model
 *   step's floor (`simd-roof`) doing the FLOPs its profile counts;
 * - `npm run bench:kernels -- --quick` times every kernel of the contract on both backends, in the same format.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TfBigram, type BigramPath } from '../bench/tfjs/bigram.ts';
import { TfMlp, type EmbeddingMode } from '../bench/tfjs/mlp.ts';
import { TfWaveNet } from '../bench/tfjs/wavenet.ts';
import { initTf, useTf, type TfBackendName } from '../bench/tfjs/setup.ts';
import { summary } from '../bench/index.ts';
import { parseKernelArgs } from '../bench/kernels.ts';
import { ratioToReference } from '../bench/lib/report.ts';
import { KERNEL_NAMES, KERNEL_TABLE } from '../src/backend/kernels.ts';
import { buildContexts } from '../src/data/contexts.ts';
import { defaultNames } from '../src/data/default-names.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { NeuralBigram } from '../src/models/bigram.ts';
import { MLP } from '../src/models/mlp.ts';
import { WaveNet } from '../src/models/wavenet.ts';
import { Rng } from '../src/rng.ts';

/** The kernels that only move memory: no FLOPs, so no GFLOP/s in bench:kernels. */
const MEMORY_KERNELS = new Set<string>(KERNEL_NAMES.filter((k) => KERNEL_TABLE[k].flops({ M: 4, K: 4, N: 4, n: 4, B: 4, T: 4, D: 4 }) === 0));

/** A profile line's body, as much as the test reads. */
interface Profile {
  flops: number;
  outside_kernels_share: number;
  families: Record<string, { share: number }>;
}

const words = defaultNames().slice(0, 300);
const vocab = Vocabulary.fromWords(words);

/** |a − b| ≤ atol + rtol·|b| elementwise, reporting the first offender. */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  expect(a.length, `${what}: length`).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= atol + rtol * Math.abs(b[i]!))) {
      expect.fail(`${what}[${i}]: ${a[i]} vs ${b[i]} (difference ${d})`);
    }
  }
}

const setups: [TfBackendName, EmbeddingMode][] = [['cpu', 'gather'], ['wasm', 'onehot']];

/** A TF.js model of the benchmark (its tensors by our names, one SGD step on a batch at lr 0.2). */
interface TfStepModel {
  tensors: Map<string, { dataSync(): ArrayLike<number> }>;
  setTensor(name: string, values: Float32Array): void;
  trainStep(X: Int32Array, Y: Int32Array): number;
}

/**
 * Gives the TF.js model our initial tensors, runs three SGD steps of the same minibatches on both, and expects the
 * same losses (1e-4 relative) and the same final tensors (1e-3).
 */
function expectSameSteps(ours: MLP | WaveNet, theirs: TfStepModel, T: number): void {
  const names = ours.tensorNames().map((t) => t.name);
  expect([...theirs.tensors.keys()].sort()).toEqual([...names].sort());
  for (const name of names) theirs.setTensor(name, ours.tensor(name));
  const ctx = buildContexts(words, vocab, T);
  const rng = new Rng(5);
  for (let step = 0; step < 3; step++) {
    const B = 8;
    const X = new Int32Array(B * T);
    const Y = new Int32Array(B);
    for (let i = 0; i < B; i++) {
      const e = rng.int(ctx.count);
      X.set(ctx.X.subarray(e * T, e * T + T), i * T);
      Y[i] = ctx.Y[e]!;
    }
    const a = ours.trainStep(X, Y, 0.2);
    const b = theirs.trainStep(X, Y);
    expect(Math.abs(a - b), `loss at step ${step}: ${a} vs ${b}`).toBeLessThan(1e-4 * Math.abs(a));
  }
  for (const name of names) {
    expectClose(theirs.tensors.get(name)!.dataSync(), ours.tensor(name), 1e-3, 1e-5, name);
  }
}


describe('the TF.js MLP of the benchmark', () => {
  it.each(setups)('on tfjs-%s (%s embedding) takes the same SGD steps as the library MLP', async (backend, mode) => {
    await initTf();
    await useTf(backend);
    const hidden = [16, 12];
    const T = 3;
    const momentum = 0.1;
    const ours = await MLP.create({ vocab, blockSize: T, embedDim: 5, hidden, batchNorm: true, momentum, seed: 3, backend: 'js' });
    const theirs = new TfMlp({ vocabSize: vocab.size, blockSize: T, embedDim: 5, hidden, batchNorm: true, momentum, seed: 9 }, mode, 0.2);
    try {
      expectSameSteps(ours, theirs, T);
    } finally {
      theirs.dispose();
    }
  });
});

describe('the TF.js WaveNet of the benchmark', () => {
  it.each(setups)('on tfjs-%s (%s embedding) takes the same SGD steps as the library WaveNet', async (backend, mode) => {
    await initTf();
    await useTf(backend);
    const T = 8;
    const shape = { blockSize: T, embedDim: 4, flatten: 2, momentum: 0.1 };
    const ours = await WaveNet.create({ vocab, ...shape, hidden: [10, 8, 6], seed: 3, backend: 'js' });
    const theirs = new TfWaveNet({ vocabSize: vocab.size, ...shape, hidden: [10, 8, 6], seed: 9 }, mode, 0.2);
    try {
      expectSameSteps(ours, theirs, T);
    } finally {
      theirs.dispose();
    }
  });
});

describe('the TF.js neural bigram of the benchmark', () => {
  const cases: [TfBackendName, BigramPath][] = [['cpu', 'per-example'], ['cpu', 'count'], ['wasm', 'per-example'], ['wasm', 'count']];
  it.each(cases)('on tfjs-%s (%s path) takes the same full-batch steps as the library bigram', async (backend, path) => {
    await initTf();
    await useTf(backend);
    const lambda = 0.01;
    const V = vocab.size;
    const ctx = buildContexts(words, vocab, 1);
    const ours = await NeuralBigram.create({ vocab, seed: 4, regularization: lambda, backend: 'js' });
    ours.setData(ctx);
    const theirs = new TfBigram(ctx.X, ctx.Y, V, path, 10, (2 * lambda) / (V * V), 8);
    try {
      theirs.setWeights(ours.weights());
      for (let step = 0; step < 3; step++) {
        const a = ours.step(10, { path: path === 'count' ? 'counts' : 'examples' });
        const b = theirs.trainStep();
        expect(Math.abs(a - b), `loss at step ${step}: ${a} vs ${b}`).toBeLessThan(1e-4 * Math.abs(a));
      }
      expectClose(theirs.weights(), ours.weights(), 1e-3, 1e-4, 'W');
    } finally {
      theirs.dispose();
    }
  });
});

describe('npm run bench -- --quick', () => {
  it('prints one JSON line per implementation of every benchmark group', { timeout: 120_000 }, async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/index.ts', '--quick'], {
      cwd: root,
      maxBuffer: 1 << 24,
    });
    const all = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const lines = all.filter((l) => !('profile' in l));
    for (const l of lines) {
      expect(typeof l.bench).toBe('string');
      expect(typeof l.impl).toBe('string');
      expect(typeof (l.shape ?? l.config)).toBe('string');
      expect(l.median_us).toBeGreaterThan(0);
      expect(Number.isFinite(l.median_us)).toBe(true);
      expect(Number.isInteger(l.runs) && (l.runs as number) >= 1).toBe(true);
      if (String(l.bench).startsWith('matmul')) expect(l.gflops).toBeGreaterThan(0);
    }
    const has = (bench: string, impl: string): boolean => lines.some((l) => l.bench === bench && l.impl === impl);
    for (const bench of ['matmul', 'matmulTN', 'matmulNT', 'mlp-step', 'wavenet-step', 'bigram-step']) {
      for (const impl of ['wasm', 'js', 'tfjs-wasm', 'tfjs-cpu']) expect(has(bench, impl), `${bench} ${impl}`).toBe(true);
    }
    for (const bench of ['softmaxCrossEntropy', 'batchNorm fwd+bwd', 'tanhForward', 'tanhBackward', 'embeddingGather', 'embeddingScatterAdd']) {
      for (const impl of ['wasm', 'js']) expect(has(bench, impl), `${bench} ${impl}`).toBe(true);
    }
    // every model step of ours is profiled (test/bench-profile.test.ts checks the accounting itself)
    const profiles = all.filter((l) => 'profile' in l) as { bench: string; impl: string; config: string; profile: Profile }[];
    for (const bench of ['mlp-step', 'wavenet-step', 'bigram-step', 'rnn-step', 'gru-step', 'lstm-step', 'transformer-step']) {
      for (const impl of ['wasm', 'js']) {
        const p = profiles.find((l) => l.bench === bench && l.impl === impl);
        expect(p, `profile of ${bench} ${impl}`).toBeDefined();
        expect(lines.some((l) => l.bench === bench && l.impl === impl && l.config === p!.config)).toBe(true);
        const shares = Object.values(p!.profile.families).reduce((a, f) => a + f.share, 0) + p!.profile.outside_kernels_share;
        expect(Math.abs(shares - 1), `${bench} ${impl} shares`).toBeLessThan(2e-3); // each rounded to 1e-4
        expect(p!.profile.flops).toBeGreaterThan(0);
      }
    }
    expect(profiles.every((p) => p.impl === 'wasm' || p.impl === 'js')).toBe(true);
    // each model step's floor: its FLOPs, as the profile counted them, at the SIMD128 roof, timed in the same group
    for (const bench of ['mlp-step', 'wavenet-step', 'rnn-step', 'gru-step', 'lstm-step', 'transformer-step']) {
      const roof = lines.find((l) => l.bench === bench && l.impl === 'simd-roof');
      expect(roof, `simd-roof of ${bench}`).toBeDefined();
      const p = profiles.find((l) => l.bench === bench && l.impl === 'wasm' && l.config === roof!.config);
      const roofFlops = (roof!.gflops as number) * (roof!.median_us as number) * 1e3;
      expect(Math.abs(roofFlops / p!.profile.flops - 1), `${bench}: roof FLOPs ${roofFlops} vs ${p!.profile.flops}`).toBeLessThan(0.01);
    }
    const bigram = lines.filter((l) => l.bench === 'bigram-step').map((l) => String(l.config));
    expect(bigram.some((c) => c.startsWith('per-example'))).toBe(true);
    expect(bigram.some((c) => c.startsWith('count'))).toBe(true);
    // the table and the target lines come at the end of stderr
    expect(stderr).toContain('| bench | shape / config |');
    expect(stderr).toContain('MLP step, part-3 config, vs TF.js wasm');
    expect(stderr).toContain('WaveNet step, part-5 config, vs our JS backend');
    expect(stderr).toMatch(/MLP step, part-3 config: .* µs \(target ≤ 50 µs, issue 16\) (NOT )?met\. Its .* its floor/);
    expect(stderr).toContain('| bench | config | impl | step | FLOP/step | GF/s |');
  });

  it('summarizes results into a table with ratios against ours', () => {
    const text = summary([
      { bench: 'matmul', impl: 'wasm', shape: '512x512x512', median_us: 10, runs: 3, calls: 1 },
      { bench: 'matmul', impl: 'tfjs-wasm', shape: '512x512x512', median_us: 15, runs: 3, calls: 1 },
    ]);
    expect(text).toContain('1.50×');
    expect(text).toMatch(/matmul 512³ vs TF\.js wasm: 1\.50× \(target ≥ 1\.25×\) met/);
  });
});


describe('npm run bench:kernels -- --quick', () => {
  it('prints one JSON line per backend for every kernel of the contract, with the JS/wasm ratio', { timeout: 120_000 }, async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/kernels.ts', '--quick'], {
      cwd: root,
      maxBuffer: 1 << 24,
    });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) {
      expect(Object.keys(l).slice(0, 4), JSON.stringify(l)).toEqual(['bench', 'impl', 'shape', 'median_us']);
      expect(['wasm', 'js']).toContain(l.impl);
      expect(typeof l.shape).toBe('string');
      expect(Number.isFinite(l.median_us) && (l.median_us as number) > 0, JSON.stringify(l)).toBe(true);
      expect(Number.isInteger(l.runs) && (l.runs as number) >= 1).toBe(true);
      // flops are counted for every kernel that computes (KERNEL_TABLE's flops), not for memory moves
      if (MEMORY_KERNELS.has(String(l.bench))) expect(l.gflops, String(l.bench)).toBeUndefined();
      else expect(l.gflops, String(l.bench)).toBeGreaterThan(0);
    }
    const find = (bench: string, shape: string, impl: string) =>
      lines.find((l) => l.bench === bench && l.shape === shape && l.impl === impl);
    for (const kernel of KERNEL_NAMES) {
      for (const impl of ['wasm', 'js']) expect(lines.some((l) => l.bench === kernel && l.impl === impl), `${kernel} ${impl}`).toBe(true);
    }
    // the shapes of issue 2 that a quick run keeps (512³ only in full runs)
    for (const form of ['matmul', 'matmulTN', 'matmulNT']) {
      for (const shape of ['32x30x200', '32x200x27', '200x32x27', '128x128x128']) {
        expect(find(form, shape, 'wasm'), `${form} ${shape}`).toBeDefined();
      }
    }
    // and each form at the part-3 MLP's own calls (bench/lib/matmul-shapes.ts)
    for (const [form, shape] of [['matmulTN', '30x32x200'], ['matmulNT', '32x27x200'], ['matmulNT', '32x200x30']]) {
      expect(find(form!, shape!, 'wasm'), `${form} ${shape}`).toBeDefined();
    }
    for (const [bench, shape] of [['softmaxCrossEntropy', '32x200'], ['batchNormTrain', '32x200'], ['batchNormBackward', '32x200'], ['tanhForward', '32x200']]) {
      expect(find(bench!, shape!, 'wasm'), `${bench} ${shape}`).toBeDefined();
    }
    // every JS line carries its median over the wasm median of the same kernel and shape (both rounded to 0.01)
    for (const l of lines) {
      const wasm = find(String(l.bench), String(l.shape), 'wasm')!;
      if (l.impl === 'wasm') {
        expect(l.vs_wasm).toBeUndefined();
        continue;
      }
      const ratio = (l.median_us as number) / (wasm.median_us as number);
      const slack = 0.01 + ratio * (0.006 / (wasm.median_us as number) + 0.006 / (l.median_us as number));
      expect(Math.abs((l.vs_wasm as number) - ratio), `${l.bench} ${l.shape}: vs_wasm ${l.vs_wasm}, medians ratio ${ratio}`).toBeLessThanOrEqual(slack);
    }
    expect(stderr).toContain('| bench | shape / config | wasm | js | js ÷ wasm |');
  });

  it('refuses unknown flags, naming them', () => {
    expect(parseKernelArgs(['--quick', '--filter=matmul', '--impl=js'])).toEqual({ quick: true, table: false, filter: 'matmul', impl: 'js' });
    expect(() => parseKernelArgs(['--impl=tfjs'])).toThrow(/'--impl=tfjs'/);
  });

  it('takes ratios against wasm within a comparison group only', () => {
    const group = [
      { bench: 'zero', impl: 'wasm', shape: '8', median_us: 2, runs: 3, calls: 1 },
      { bench: 'zero', impl: 'js', shape: '8', median_us: 7, runs: 3, calls: 1 },
    ];
    expect(ratioToReference(group[1]!, group)).toBe(3.5);
    expect(ratioToReference(group[0]!, group)).toBeUndefined();
    expect(ratioToReference(group[1]!, group.slice(1))).toBeUndefined();
  });
});
