/**
 * Prefix-stable sampling: word i of a sampling call comes from its own PRNG stream seeded by (seed, i), so the first
 * k words of `count: n` are the words of `count: k`, for every model kind on both backends. A word-at-a-time reference
 * (one Rng per word, the n-gram's own probabilities) checks the batched generator draws exactly that.
 */
import { describe, expect, it } from 'vitest';
import { defaultNames } from '../src/data/default-names.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { MLP } from '../src/models/mlp.ts';
import { NeuralBigram } from '../src/models/bigram.ts';
import { NGramModel } from '../src/models/ngram.ts';
import type { LanguageModel } from '../src/models/model.ts';
import { sampleStreamSeed } from '../src/models/sampling.ts';
import { Rng } from '../src/rng.ts';
import { train } from '../src/train.ts';
import { BACKEND_NAMES, openBackend } from './helpers/backends.ts';

const words = defaultNames().filter((_, i) => i % 10 === 0);
const vocab = Vocabulary.fromWords(words);

/** The first k of a larger call equal a call of k, for several k, seeds, temperatures and a prefix. */
function expectPrefixStable(model: LanguageModel): void {
  for (const seed of [0, 7, 123456]) {
    const ten = model.sample({ count: 10, seed });
    expect(ten).toHaveLength(10);
    for (const k of [0, 1, 5, 9]) expect(model.sample({ count: k, seed })).toEqual(ten.slice(0, k));
    const hot = model.sample({ count: 12, seed, temperature: 1.7, prefix: 'ma', maxLength: 9 });
    expect(model.sample({ count: 4, seed, temperature: 1.7, prefix: 'ma', maxLength: 9 })).toEqual(hot.slice(0, 4));
  }
  // the streams really differ from word to word and from seed to seed (not one word repeated)
  expect(new Set(model.sample({ count: 30, seed: 1 })).size).toBeGreaterThan(10);
  expect(model.sample({ count: 30, seed: 1 })).not.toEqual(model.sample({ count: 30, seed: 2 }));
}

describe('prefix-stable sampling', () => {
  it('stream seeds are a deterministic hash of (seed, index) without collisions on a grid', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 64; seed++) for (let i = 0; i < 64; i++) seen.add(sampleStreamSeed(seed, i));
    expect(seen.size).toBe(64 * 64);
    expect(sampleStreamSeed(3, 5)).not.toBe(sampleStreamSeed(5, 3));
    // taken modulo 2^32 like Rng's own seed
    expect(sampleStreamSeed(2 ** 32 + 3, 1)).toBe(sampleStreamSeed(3, 1));
    expect(() => sampleStreamSeed(1.5, 0)).toThrow(/seed must be an integer, got 1.5/);
    expect(() => sampleStreamSeed(1, -1)).toThrow(/index must be an integer >= 0, got -1/);
  });

  it('n-gram: the batched generator draws word i from Rng(sampleStreamSeed(seed, i)), as a one-word-at-a-time reference', () => {
    for (const n of [1, 2, 3]) {
      const model = NGramModel.fit(words, { n, smoothing: 0.5, vocab });
      const seed = 11;
      const got = model.sample({ count: 15, seed, temperature: 0.8 });
      const reference = Array.from({ length: 15 }, (_, i) => {
        const rng = new Rng(sampleStreamSeed(seed, i));
        const ids: number[] = [];
        while (ids.length < 50) {
          const p = model.probabilities(ids);
          // temperature 0.8 on log-probabilities: weights p^(1/T), normalized by the max as the generator does
          const max = Math.max(...p);
          const id = rng.choice(Array.from(p, (x) => Math.exp((Math.log(x) - Math.log(max)) / 0.8)));
          if (id === 0) break;
          ids.push(id);
        }
        return vocab.decode(ids);
      });
      expect(got).toEqual(reference);
      expectPrefixStable(model);
    }
  });

  for (const backendName of BACKEND_NAMES) {
    it(`neural bigram (${backendName})`, async () => {
      const backend = await openBackend(backendName);
      const model = await NeuralBigram.create({ vocab, seed: 3, backend });
      model.trainFullBatch(words, { steps: 20, lr: 50 });
      expectPrefixStable(model);
    });

    it(`MLP with BatchNorm (${backendName})`, async () => {
      const backend = await openBackend(backendName);
      const model = await MLP.create({ vocab, blockSize: 3, embedDim: 6, hidden: [32], batchNorm: true, seed: 3, backend });
      await train(model, { data: { train: words }, steps: 200, batchSize: 32, lr: 0.1, seed: 3 });
      expectPrefixStable(model);
    });
  }
});
