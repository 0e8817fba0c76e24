/**
 * Item 8 of issue 11: models created and dropped on one shared backend give their arena space back with dispose(),
 * so a long-lived page or process can make models over and over without the 4 GB wasm limit coming closer.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, type BackendName } from '../src/backend/index.ts';
import { defaultNames } from '../src/data/default-names.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { NeuralBigram } from '../src/models/bigram.ts';
import { MLP } from '../src/models/mlp.ts';
import { NGramModel } from '../src/models/ngram.ts';
import { train } from '../src/train.ts';
import { HAS_WASM } from './helpers/cli-run.ts';

const words = defaultNames().filter((_, i) => i % 40 === 0);
const vocab = Vocabulary.fromWords(words);
const backends: BackendName[] = HAS_WASM ? ['js', 'wasm'] : ['js'];

describe.each(backends)('dispose on a shared %s backend', (name) => {
  it('1,000 MLPs created, trained a step, evaluated and disposed keep the arena under 2× one model', async () => {
    const backend = await createBackend(name);
    const arena = backend.arena;
    const base = arena.bytesUsed;
    const make = async (i: number): Promise<MLP> => {
      const mlp = await MLP.create({ vocab, embedDim: 8, hidden: [64], seed: i, backend });
      await train(mlp, { data: { train: words }, steps: 1, batchSize: 16 });
      mlp.nll(words.slice(0, 5));
      return mlp;
    };
    const first = await make(0);
    const oneModel = arena.bytesUsed - base; // parameters, gradients, optimizer, rollback copy and both workspaces
    first.dispose();
    let peak = 0;
    for (let i = 1; i <= 1000; i++) {
      const mlp = await make(i);
      peak = Math.max(peak, arena.bytesUsed - base);
      mlp.dispose();
    }
    expect(oneModel).toBeGreaterThan(0);
    expect(peak).toBeLessThan(2 * oneModel);
    expect(arena.bytesUsed - base).toBeLessThan(oneModel); // nothing of the 1,000 is left
    expect(backend.arena.memory.buffer.byteLength).toBeLessThan(base + 2 * oneModel + (1 << 20) * 4);
  }, 120_000);

  it('1,000 neural bigrams with data, stepped and disposed, do the same', async () => {
    const backend = await createBackend(name);
    const arena = backend.arena;
    const base = arena.bytesUsed;
    const make = async (i: number): Promise<NeuralBigram> => {
      const bigram = await NeuralBigram.create({ vocab, seed: i, backend });
      bigram.setData(words);
      bigram.step(10);
      bigram.step(10, { path: 'examples' });
      return bigram;
    };
    const first = await make(0);
    const oneModel = arena.bytesUsed - base;
    first.dispose();
    let peak = 0;
    for (let i = 1; i <= 1000; i++) {
      const bigram = await make(i);
      peak = Math.max(peak, arena.bytesUsed - base);
      bigram.dispose();
    }
    expect(peak).toBeLessThan(2 * oneModel);
    expect(arena.bytesUsed - base).toBeLessThan(oneModel);
  }, 120_000);

  it('a disposed model refuses to be used, and a second dispose is harmless', async () => {
    const backend = await createBackend(name);
    const mlp = await MLP.create({ vocab, embedDim: 4, hidden: [8], backend });
    mlp.dispose();
    mlp.dispose();
    expect(() => mlp.nll(words)).toThrow(/disposed/);
    expect(() => mlp.toJSON()).toThrow(/disposed/);
    const bigram = await NeuralBigram.create({ vocab, backend });
    bigram.dispose();
    expect(() => bigram.dispose()).not.toThrow();
    expect(() => bigram.toJSON()).toThrow(/disposed/);
  });
});

it('an n-gram model has nothing in an arena, and dispose() is there for uniform code', () => {
  const model = NGramModel.fit(words, { n: 2 });
  expect(() => model.dispose()).not.toThrow();
});
