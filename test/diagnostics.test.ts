/**
 * Net diagnostics: every statistic against a float64 reference computed here from the same activations, gradients
 * and parameters (read from the arena after the step), on both backends; the probes point at the right layers.
 */
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Embedding, FlattenConsecutive, Linear, Net, Sequential, Tanh, sizeOf } from '../src/nn/index.ts';
import type { Diagnostics, Histogram } from '../src/nn/index.ts';
import { BACKEND_NAMES, openBackend } from './helpers/backends.ts';
import { expectScalar } from './helpers/compare.ts';
import { fillBatch } from './helpers/gradcheck.ts';

const V = 7, B = 24, BINS = 16;

function layers(batchNorm: boolean): Sequential {
  return new Sequential([
    ['', new Embedding(V, 4, { name: 'embedding' })],
    ['', new FlattenConsecutive(3)],
    ['hidden.0', new Linear(12, { bias: !batchNorm, gain: 5 / 3 })],
    ...(batchNorm ? [['hidden.0.bn', new BatchNorm1d(0.1)] as const] : []),
    ['hidden.0.tanh', new Tanh()],
    ['block', new Sequential([['lin', new Linear(9, { gain: 3 })], ['tanh', new Tanh()]])], // nested: names are paths
    ['output', new Linear(V, { gain: 0.5 })],
  ]);
}

/** Float64 references, from the definitions. */
const mean = (x: ArrayLike<number>) => Array.from(x).reduce((s, v) => s + v, 0) / x.length;
const std = (x: ArrayLike<number>) => {
  const m = mean(x);
  return Math.sqrt(Array.from(x).reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
};
function histogramRef(x: ArrayLike<number>, lo: number, hi: number, bins: number): number[] {
  const c = new Array<number>(bins).fill(0);
  for (const v of Array.from(x)) c[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]++;
  return c;
}
function expectHistogram(h: Histogram, x: ArrayLike<number>, range: [number, number] | null, what: string): void {
  const m = Array.from(x).reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  const [lo, hi] = range ?? [-m, m];
  expect([h.lo, h.hi], `${what} range`).toEqual([lo, hi]);
  expect(h.counts.reduce((s, c) => s + c, 0), `${what}: counts sum to the elements`).toBe(x.length);
  // a value exactly on a bin edge may land on either side depending on rounding: allow one count to move
  const ref = histogramRef(x, lo, hi, h.counts.length);
  const moved = h.counts.reduce((s, c, i) => s + Math.abs(c - ref[i]!), 0);
  expect(moved, `${what}: counts ${h.counts} vs ${ref}`).toBeLessThanOrEqual(2);
}

describe.each(BACKEND_NAMES)('%s backend: Net.diagnostics', (name) => {
  it.each([[true, 'sgd'], [false, 'sgd'], [true, 'adamw']] as const)('BatchNorm %s, %s: every statistic matches float64', async (bn, opt) => {
    const be = await openBackend(name);
    const net = new Net(be, layers(bn), { input: [3], classes: V, seed: 5, optimizer: opt });
    try {
      const ws = net.workspace(B, true);
      fillBatch(net, ws, V, 9);
      const lr = 0.05;
      net.trainStep(ws, lr);
      fillBatch(net, ws, V, 10);
      const params = net.tensors.filter((t) => t.grad !== null);
      const before = params.map((t) => be.arena.f32(t.ptr, sizeOf(t.shape)).slice());
      net.trainStep(ws, lr);
      const d: Diagnostics = net.diagnostics(ws, { bins: BINS });
      expect(d.step).toBe(2);

      const probes = net.root.probes(ws.root, B, '');
      const names = ['embedding', 'hidden.0', ...(bn ? ['hidden.0.bn'] : []), 'hidden.0.tanh', 'block', 'block.lin'];
      expect(d.activations.map((a) => a.name)).toEqual(names);
      const read = (p: number, n: number) => be.arena.f32(p, n).slice();
      // the probes point at the layers' outputs: tanh's output is tanh of the layer before it
      const pre = read(probes[names.indexOf('hidden.0.tanh') - 1]!.y, B * 12), post = read(probes[names.indexOf('hidden.0.tanh')]!.y, B * 12);
      pre.forEach((v, i) => expect(Math.abs(Math.tanh(v) - post[i]!)).toBeLessThan(1e-6));
      expect(probes.find((p) => p.name === 'block')!.n).toBe(B * 9);

      d.activations.forEach((a, i) => {
        const y = read(probes[i]!.y, a.count), dy = read(probes[i]!.dy, a.count);
        const tanh = a.layer === 'Tanh';
        expectScalar(a.output.mean, mean(y), 1e-9, `${a.name} mean`, 1e-6);
        expectScalar(a.output.std, std(y), 1e-9, `${a.name} std`, 1e-6);
        expectScalar(a.grad.mean, mean(dy), 1e-9, `${a.name} grad mean`, 1e-12);
        expectScalar(a.grad.std, std(dy), 1e-9, `${a.name} grad std`, 1e-12);
        expect(a.saturation).toBe(tanh ? Array.from(y).filter((v) => Math.abs(v) > Math.fround(0.97)).length / y.length : null);
        expectHistogram(a.output.histogram, y, tanh ? [-1, 1] : null, `${a.name} output`);
        expectHistogram(a.grad.histogram, dy, null, `${a.name} grad`);
      });

      expect(d.parameters.map((p) => p.name)).toEqual(params.map((t) => t.name));
      d.parameters.forEach((p, i) => {
        const t = params[i]!;
        const data = read(t.ptr, sizeOf(t.shape)), grad = read(t.grad!, sizeOf(t.shape));
        expectScalar(p.data.std, std(data), 1e-9, `${p.name} data std`, 1e-9);
        expectScalar(p.grad.std, std(grad), 1e-9, `${p.name} grad std`, 1e-12);
        expectHistogram(p.grad.histogram, grad, null, `${p.name} grad`);
        if (std(data) === 0) {
          expect(p.gradToData).toBeNull();
          return;
        }
        expectScalar(p.gradToData!, std(grad) / std(data), 1e-9, `${p.name} grad:data`, 0);
        const update = data.map((v, j) => v - before[i]![j]!);
        expectScalar(p.updateToData!, Math.log10(std(update) / std(data)), 1e-6, `${p.name} update:data`);
        if (opt === 'sgd') {
          // plain SGD's update is −lr·grad, up to float32 rounding of p − lr·g
          expect(Math.abs(p.updateToData! - Math.log10((lr * std(grad)) / std(data)))).toBeLessThan(1e-3);
        }
      });
    } finally {
      net.dispose();
    }
  });

  it('no update to measure before the first step; an eval workspace is refused', async () => {
    const be = await openBackend(name);
    const net = new Net(be, layers(false), { input: [3], classes: V, seed: 5 });
    try {
      const ws = net.workspace(4, true);
      fillBatch(net, ws, V, 9);
      net.lossAndGradients(ws);
      expect(net.diagnostics(ws).parameters.every((p) => p.updateToData === null)).toBe(true);
      expect(() => net.diagnostics(net.workspace(4, false))).toThrow(/training workspace/);
      expect(() => net.diagnostics(ws, { bins: 0 })).toThrow(/bins must be an integer in \[1, 10000\], got 0/);
    } finally {
      net.dispose();
    }
  });
});

describe('train({ diagnosticsEvery, onDiagnostics })', () => {
  it('reports at every multiple of diagnosticsEvery (counted from startStep), before that step’s progress', async () => {
    const { MLP, NeuralBigram, Vocabulary, train } = await import('../src/index.ts');
    const words = ['emma', 'olivia', 'ava', 'isabella', 'sophia', 'mia', 'amelia', 'harper'];
    const vocab = Vocabulary.fromWords(words);
    const model = await MLP.create({ vocab, hidden: [8], backend: 'js' });
    const events: string[] = [];
    await train(model, {
      data: { train: words }, steps: 25, startStep: 5, evalEvery: 10, diagnosticsEvery: 10,
      onDiagnostics: (r) => events.push(`d${r.step}:${r.diagnostics.step}`), onProgress: (p) => events.push(`p${p.step}`),
    });
    // steps 6..30 of the run; the model's own update count is 25 at the end
    expect(events.filter((e) => e.startsWith('d'))).toEqual(['d10:5', 'd20:15', 'd30:25']);
    expect(events.indexOf('d20:15')).toBe(events.indexOf('p20') - 1);
    await expect(train(model, { data: { train: words }, steps: 2, diagnosticsEvery: -1 })).rejects.toThrow(/diagnosticsEvery must be an integer >= 0.*got -1/);
    const bigram = await NeuralBigram.create({ vocab, backend: 'js' });
    await expect(train(bigram, { data: { train: words }, steps: 2, diagnosticsEvery: 1 })).rejects.toThrow(/a bigram model has no layers to diagnose/);
    await expect(Promise.resolve().then(() => model.train().diagnostics({ bins: 2.5 }))).rejects.toThrow(/bins must be an integer/);
  });

  it('model.diagnostics() before any step is refused', async () => {
    const { MLP, Vocabulary } = await import('../src/index.ts');
    const model = await MLP.create({ vocab: Vocabulary.fromWords(['ab', 'ba']), hidden: [4], backend: 'js' });
    expect(() => model.diagnostics()).toThrow(/no training step yet/);
  });
});

describe('diagnostics are generic over models built of layers', () => {
  it('a sequence model of its own ([T] ids → [T, V] logits) reports its per-position activations with no code of its own', async () => {
    const { SequenceModel } = await import('../src/models/sequence-model.ts');
    const { Vocabulary, createBackend, train } = await import('../src/index.ts');
    const words = ['emma', 'olivia', 'ava', 'mia', 'amelia', 'harper', 'evelyn', 'abigail'];
    const vocab = Vocabulary.fromWords(words);
    class TinySeq extends SequenceModel<{ blockSize: number; seed: number }> {
      readonly kind = 'tiny-seq' as never;
      constructor(backend: Awaited<ReturnType<typeof createBackend>>) {
        super('TinySeq', vocab, { blockSize: 8, seed: 1 }, backend, new Sequential([
          ['emb', new Embedding(vocab.size, 6)], ['h', new Linear(10)], ['h.tanh', new Tanh()], ['out', new Linear(vocab.size)],
        ]));
      }
    }
    const model = new TinySeq(await createBackend('js'));
    let d: Diagnostics | null = null;
    await train(model, { data: { train: words }, steps: 4, batchSize: 3, diagnosticsEvery: 4, onDiagnostics: (r) => (d = r.diagnostics) });
    expect(d!.activations.map((a) => [a.name, a.count])).toEqual([['emb', 3 * 8 * 6], ['h', 3 * 8 * 10], ['h.tanh', 3 * 8 * 10]]);
    expect(d!.activations[2]!.saturation).not.toBeNull();
    expect(d!.parameters.map((p) => p.name)).toEqual(['emb.weight', 'h.weight', 'h.bias', 'out.weight', 'out.bias']);
  });
});
