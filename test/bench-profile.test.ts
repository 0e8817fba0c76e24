/**
 * The FLOP accounting and the profile mode of `npm run bench` (bench/lib/profile.ts), without timing anything: every
 * kernel of the table has a family and a FLOP count; a profiled step computes exactly what the plain step does and
 * counts the FLOPs a hand formula gives for a tiny MLP; the shares of a profile sum to 1 whatever the plain time.
 */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../bench/index.ts';
import { KernelProfiler, profiledBackend, stepProfile } from '../bench/lib/profile.ts';
import { profileLine, profileTable } from '../bench/lib/profile-report.ts';
import { compare, parseAbArgs, type Row } from '../scripts/ab-bench.ts';
import { createBackend, type BackendName } from '../src/backend/index.ts';
import { KERNEL_NAMES, KERNEL_TABLE, type KernelFamily, type Sizes } from '../src/backend/kernels.ts';
import { buildContexts } from '../src/data/contexts.ts';
import { defaultNames } from '../src/data/default-names.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { MLP } from '../src/models/mlp.ts';

const FAMILIES: readonly KernelFamily[] = [
  'matmul', 'bias', 'activation', 'norm', 'softmax-loss', 'embedding', 'optimizer', 'memory', 'elementwise', 'reduce',
  'recurrent', 'attention',
];
/** Sizes every kernel accepts (D divisible by the N heads, n ≤ T for attentionStep). */
const SIZES: Sizes = { M: 4, K: 3, N: 2, n: 3, B: 2, T: 3, D: 8 };

describe('the kernel table accounts for every kernel', () => {
  it.each(KERNEL_NAMES)('%s has a family and a finite FLOP count', (name) => {
    const spec = KERNEL_TABLE[name];
    expect(FAMILIES).toContain(spec.family);
    const flops = spec.flops(SIZES);
    expect(Number.isFinite(flops) && flops >= 0, `${name}: ${flops}`).toBe(true);
    // only pure memory movement is free
    expect(flops === 0).toBe(['embeddingGather', 'copy', 'zero', 'transposeBT'].includes(name));
  });

  it('counts a matmul of every form as 2·M·K·N', () => {
    for (const form of ['matmul', 'matmulTN', 'matmulNT'] as const) expect(KERNEL_TABLE[form].flops(SIZES)).toBe(2 * 4 * 3 * 2);
  });
});

const words = defaultNames().slice(0, 200);
const vocab = Vocabulary.fromWords(words);
const T = 3, E = 4, B = 8;
const HIDDEN = [8, 12];

function batch(): { X: Int32Array; Y: Int32Array } {
  const ctx = buildContexts(words, vocab, T);
  return { X: ctx.X.slice(0, B * T), Y: ctx.Y.slice(0, B) };
}

const tinyMlp = (backend: Parameters<typeof MLP.create>[0]['backend']) =>
  MLP.create({ vocab, blockSize: T, embedDim: E, hidden: HIDDEN, batchNorm: true, momentum: 0.1, seed: 7, backend });

/**
 * One SGD step of the part-3 MLP, by hand, with the table's conventions: per hidden layer in → out (no bias before
 * BatchNorm) the three matmuls 3·2·B·in·out, BatchNorm 7 and 8 per element, tanh 1 and 3; the output Linear's three
 * matmuls, its bias 1 + 1 per element, softmax-CE 6; the embedding's scatter-add 1 per element; SGD 4 per parameter
 * float — the update sweeps the padded parameter block (every tensor rounded up to 4 floats).
 */
function mlpStepFlops(V: number): number {
  const pad4 = (n: number) => Math.ceil(n / 4) * 4;
  let flops = 0;
  let params = pad4(V * E);
  let fanIn = T * E;
  for (const h of HIDDEN) {
    flops += 3 * 2 * B * fanIn * h + (7 + 8) * B * h + (1 + 3) * B * h;
    params += pad4(fanIn * h) + 2 * pad4(h);
    fanIn = h;
  }
  flops += 3 * 2 * B * fanIn * V + (1 + 1) * B * V + 6 * B * V;
  params += pad4(fanIn * V) + pad4(V);
  flops += B * T * E;
  return flops + 4 * params;
}

describe('a profiled step', () => {
  it.each(['wasm', 'js'] as BackendName[])('on %s computes the same losses as the plain step and counts the hand formula', async (name) => {
    const be = await createBackend(name);
    const profiler = new KernelProfiler(be.raw, { insideMs: 0, outsideMs: 0 });
    const plain = await tinyMlp(be);
    const counted = await tinyMlp(profiledBackend(be, profiler));
    plain.setBatchSize(B);
    counted.setBatchSize(B);
    const { X, Y } = batch();
    for (let s = 0; s < 3; s++) expect(counted.trainStep(X, Y, 0.1)).toBe(plain.trainStep(X, Y, 0.1));
    expect(counted.tensor('output.weight')).toEqual(plain.tensor('output.weight'));

    const tallies = profiler.tallies();
    const total = [...tallies.values()].reduce((a, t) => a + t.flops, 0);
    expect(total / 3).toBe(mlpStepFlops(vocab.size));
    // six matmuls per Linear and step: forward, dW, dX
    const matmuls = ['matmul', 'matmulTN', 'matmulNT'].reduce((a, k) => a + (tallies.get(k as 'matmul')?.calls ?? 0), 0);
    expect(matmuls).toBe(3 * 3 * (HIDDEN.length + 1));
    profiler.reset();
    expect(profiler.tallies().size).toBe(0);
  });
});

describe('a step profile', () => {
  it('has family and outside shares that sum to 1, whether the kernels take less or more than the plain step', async () => {
    const be = await createBackend('wasm');
    const profiler = new KernelProfiler(be.raw);
    const model = await tinyMlp(profiledBackend(be, profiler));
    model.setBatchSize(B);
    const { X, Y } = batch();
    const steps = 5;
    for (let s = 0; s < steps; s++) model.trainStep(X, Y, 0.1);
    const kernelMs = [...profiler.tallies().values()].reduce((a, t) => a + t.ms, 0);
    const id = { bench: 'mlp-step', impl: 'wasm', config: 'tiny' };
    const stepUs = 123;
    // the profiled steps' wall time well above the kernels' (time outside them), and below it (calibration error)
    for (const wallMs of [kernelMs * 3 + 1, kernelMs / 2]) {
      const p = stepProfile(id, profiler, steps, stepUs, wallMs);
      const shares = Object.values(p.families).reduce((a, f) => a + f.share, 0) + p.outside_kernels_share;
      expect(shares).toBeCloseTo(1, 9);
      expect(p.outside_kernels_share >= 0 && p.outside_kernels_share < 1).toBe(true);
      expect(p.flops).toBe(mlpStepFlops(vocab.size));
      expect(p.gflops).toBeCloseTo(p.flops / (stepUs * 1e3), 9);
      expect(Object.values(p.families).reduce((a, f) => a + f.flops, 0)).toBe(p.flops);
      expect(Object.keys(p.families)).toEqual(expect.arrayContaining(['matmul', 'norm', 'activation', 'softmax-loss', 'optimizer']));
      expect(p.families.matmul!.calls).toBe(3 * 3);
      const line = JSON.parse(profileLine(p)) as { bench: string; profile: { families: Record<string, unknown> } };
      expect(line.bench).toBe('mlp-step');
      expect(Object.keys(line.profile.families)).toEqual(Object.keys(p.families));
    }
    const table = profileTable([stepProfile(id, profiler, steps, stepUs, kernelMs * 2)]);
    expect(table).toMatch(/^\| bench \| config \| impl \| step \| FLOP\/step \| GF\/s \| /);
    expect(table).toContain('| mlp-step | tiny | wasm |');
  });
});

describe('the profile flags of npm run bench', () => {
  it('parses --profile and --impl, refusing what it does not know', () => {
    expect(parseArgs(['--profile', '--impl=wasm,js'])).toMatchObject({ profile: true, impls: ['wasm', 'js'] });
    expect(() => parseArgs(['--impl=wasm,tfjs'])).toThrow(/'tfjs'/);
    expect(() => parseArgs(['--profile', '--only=kernels'])).toThrow(/--profile/);
  });
});

describe('scripts/ab-bench.ts', () => {
  it('pairs the rows of both sides round by round, the ratio being the median of the rounds\' ratios', () => {
    const row = (config: string, us: number): Row => ({ bench: 'mlp-step', impl: 'wasm', config, median_us: us });
    const rows = compare([
      { base: [row('a', 100), row('old', 5)], current: [row('a', 80), row('new', 7)] },
      { base: [row('a', 200), row('old', 5)], current: [row('a', 100), row('new', 7)] },
      { base: [row('a', 100), row('old', 5)], current: [row('a', 90), row('new', 7)] },
    ]);
    const a = rows.find((r) => r.config === 'a')!;
    expect(a).toMatchObject({ base_us: 100, current_us: 90, ratio: 0.8, rounds: 3, round_ratios: [0.8, 0.5, 0.9] });
    expect(rows.find((r) => r.config === 'old')).toMatchObject({ base_us: 5, current_us: null, ratio: null, rounds: 0 });
    expect(rows.find((r) => r.config === 'new')).toMatchObject({ base_us: null, current_us: 7, ratio: null });
  });

  it('needs --base and refuses unknown flags', () => {
    expect(parseAbArgs(['--base', '../b', '--rounds', '3', '--impl=wasm,js'])).toMatchObject({ base: '../b', rounds: 3, impls: ['wasm', 'js'] });
    expect(() => parseAbArgs([])).toThrow(/--base/);
    expect(() => parseAbArgs(['--base', 'x', '--fast'])).toThrow(/'--fast'/);
  });
});
