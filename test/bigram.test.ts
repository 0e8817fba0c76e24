import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createJsBackend } from '../src/backend/index.ts';
import { buildContexts } from '../src/data/contexts.ts';
import { defaultNames } from '../src/data/default-names.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { NeuralBigram } from '../src/models/bigram.ts';
import { NGramModel } from '../src/models/ngram.ts';
import { Rng } from '../src/rng.ts';

const hasWasm = existsSync(new URL('../build/kernels.wasm', import.meta.url));
const backends = hasWasm ? (['js', 'wasm'] as const) : (['js'] as const);

/** A deterministic subset of the embedded names. */
function names(count: number, seed = 1): string[] {
  return new Rng(seed).shuffle(defaultNames()).slice(0, count);
}

/** Loss and gradient of the bigram in float64, straight from the definition, one example at a time. */
function naiveLossAndGradient(W: Float32Array, words: string[], vocab: Vocabulary, lambda: number): { loss: number; grad: Float64Array } {
  const V = vocab.size;
  const grad = new Float64Array(V * V);
  let loss = 0;
  let M = 0;
  const pairs: Array<[number, number]> = [];
  for (const w of words) {
    const ids = [0, ...vocab.encode(w), 0];
    for (let i = 0; i + 1 < ids.length; i++) pairs.push([ids[i]!, ids[i + 1]!]);
  }
  M = pairs.length;
  for (const [x, y] of pairs) {
    let max = -Infinity;
    for (let j = 0; j < V; j++) max = Math.max(max, W[x * V + j]!);
    let sum = 0;
    for (let j = 0; j < V; j++) sum += Math.exp(W[x * V + j]! - max);
    loss -= W[x * V + y]! - max - Math.log(sum);
    for (let j = 0; j < V; j++) grad[x * V + j]! += (Math.exp(W[x * V + j]! - max) / sum - (j === y ? 1 : 0)) / M;
  }
  loss /= M;
  let sq = 0;
  for (let k = 0; k < V * V; k++) {
    sq += W[k]! * W[k]!;
    grad[k]! += (2 * lambda * W[k]!) / (V * V);
  }
  return { loss: loss + (lambda * sq) / (V * V), grad };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe.each(backends)('NeuralBigram on the %s backend', (backend) => {
  const words = names(300);
  const vocab = Vocabulary.fromWords(words);

  it('gives the same loss and gradient on the count path, the per-example path and a float64 reference', async () => {
    for (const lambda of [0, 0.01, 0.5]) {
      const model = await NeuralBigram.create({ vocab, backend, regularization: lambda, seed: 3 });
      model.setData(words);
      const ref = naiveLossAndGradient(model.weights(), words, vocab, lambda);
      const lossCounts = model.lossAndGradient('counts');
      const gCounts = model.gradient();
      const lossExamples = model.lossAndGradient('examples');
      const gExamples = model.gradient();
      const scale = Math.max(...ref.grad.map(Math.abs));
      expect(Math.abs(lossCounts - ref.loss)).toBeLessThan(1e-5);
      expect(Math.abs(lossExamples - ref.loss)).toBeLessThan(1e-5);
      expect(maxAbsDiff(gCounts, ref.grad)).toBeLessThan(1e-5 * scale);
      expect(maxAbsDiff(gExamples, ref.grad)).toBeLessThan(1e-5 * scale);
      expect(maxAbsDiff(gCounts, gExamples)).toBeLessThan(1e-5 * scale);
    }
  });

  it('steps identically on both paths and converges toward the count model', async () => {
    const a = await NeuralBigram.create({ vocab, backend, regularization: 0, seed: 7 });
    const b = await NeuralBigram.create({ vocab, backend, regularization: 0, seed: 7 });
    const la = a.trainFullBatch(words, { steps: 20, lr: 50, path: 'counts' });
    const lb = b.trainFullBatch(words, { steps: 20, lr: 50, path: 'examples' });
    for (let i = 0; i < 20; i++) expect(Math.abs(la[i]! - lb[i]!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(a.weights(), b.weights())).toBeLessThan(1e-3);

    const counted = NGramModel.fit(words, { vocab, smoothing: 0 }).nll(words); // the optimum without a penalty
    const losses = a.trainFullBatch(words, { steps: 600, lr: 50 });
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThanOrEqual(losses[i - 1]! + 1e-6);
    expect(a.nll(words)).toBeGreaterThan(counted - 1e-6);
    expect(a.nll(words) - counted).toBeLessThan(0.03);
  });

  it('is deterministic in its seed and round-trips through JSON', async () => {
    const a = await NeuralBigram.create({ vocab, backend, seed: 5 });
    const b = await NeuralBigram.create({ vocab, backend, seed: 5 });
    const c = await NeuralBigram.create({ vocab, backend, seed: 6 });
    expect(a.weights()).toEqual(b.weights());
    expect(a.weights()).not.toEqual(c.weights());
    a.trainFullBatch(words, { steps: 30 });
    const back = await NeuralBigram.fromJSON(JSON.parse(JSON.stringify(a.toJSON())), { backend: 'js' });
    expect(back.weights()).toEqual(a.weights());
    expect(back.regularization).toBe(a.regularization);
    expect(back.nll(words)).toBe(a.nll(words));
    expect(back.sample({ count: 8, seed: 2 })).toEqual(a.sample({ count: 8, seed: 2 }));
  });
});

describe('NeuralBigram', () => {
  const words = names(200, 2);
  const vocab = Vocabulary.fromWords(words);

  it('accepts bigram contexts instead of words', async () => {
    const a = await NeuralBigram.create({ vocab, backend: 'js' });
    const b = await NeuralBigram.create({ vocab, backend: 'js' });
    a.setData(words);
    b.setData(buildContexts(words, vocab, 1));
    expect(b.lossAndGradient()).toBe(a.lossAndGradient());
    expect(b.gradient()).toEqual(a.gradient());
  });

  it('keeps its last finite weights when a step diverges', async () => {
    const model = await NeuralBigram.create({ vocab, backend: 'js' });
    model.setData(words);
    let loss = 0;
    const starts: Float32Array[] = []; // the weights at the start of each step
    for (let i = 0; i < 10 && Number.isFinite(loss); i++) {
      starts.push(model.weights());
      loss = model.step(1e38);
    }
    expect(Number.isFinite(loss)).toBe(false);
    expect(starts.length).toBeGreaterThan(1);
    const w = model.weights();
    expect(w.every(Number.isFinite)).toBe(true);
    // Either the last step's loss was not finite: back to the weights before the update that broke them (those at the
    // start of the step before); or its update would have overflowed float32 and was refused: the weights are still
    // those at the start of the last step. Never anything else.
    const last = starts[starts.length - 1]!, before = starts[starts.length - 2]!;
    expect([last, before].some((s) => s.every((v, i) => Object.is(v, w[i]!)))).toBe(true);
    expect(() => model.trainFullBatch(words, { steps: 3, lr: 1e38 })).toThrow(/loss became .* at step \d+; try a lower learning rate/);
  });

  it('throws clear errors on bad input', async () => {
    await expect(NeuralBigram.create({ vocab, backend: 'gpu' as never })).rejects.toThrow(/unknown backend "gpu"/);
    await expect(NeuralBigram.create({ vocab, backend: 'js', regularization: -1 })).rejects.toThrow(/regularization .* got -1/);
    const model = await NeuralBigram.create({ vocab, backend: 'js' });
    expect(() => model.lossAndGradient()).toThrow(/no data; call setData/);
    expect(() => model.setData([])).toThrow(/empty list/);
    expect(() => model.setData(['ab1'])).toThrow(/character "1".*word "ab1"/);
    expect(() => model.setData(buildContexts(words, vocab, 2))).toThrow(/blockSize 1, got 2/);
    expect(() => model.nll(['zz9'])).toThrow(/character "9"/);
    model.setData(words);
    expect(() => model.lossAndGradient('fast' as never)).toThrow(/path must be 'counts' or 'examples', got "fast"/);
  });

  it('uses a shared backend when given one', async () => {
    const be = createJsBackend();
    const a = await NeuralBigram.create({ vocab, backend: be });
    const b = await NeuralBigram.create({ vocab, backend: be, seed: 1 });
    expect(a.backend).toBe(be);
    a.setData(words);
    b.setData(words);
    a.setData(words.slice(0, 50)); // cannot free its old data (b allocated after it), must still work
    expect(Math.abs(a.lossAndGradient() - naiveLossAndGradient(a.weights(), words.slice(0, 50), vocab, 0.01).loss)).toBeLessThan(1e-5);
  });
});
