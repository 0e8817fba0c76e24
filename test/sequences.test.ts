/**
 * Whole-word data and the SequenceModel base: makemore.py's row layout, masked targets, the mean over real targets
 * against a float64 reference, training through train(), sampling bounded by T, and errors naming the word.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/index.ts';
import { buildSequences, sequenceLength, SequenceModel, train, Vocabulary, type SequenceConfig } from '../src/index.ts';
import { Embedding, Linear, Sequential } from '../src/nn/index.ts';
import { createBackend } from '../src/backend/index.ts';

const vocab = Vocabulary.fromWords(['abc', 'cab', 'b']);
const id = (ch: string): number => vocab.indexOf(ch);

/** A sequence model registered nowhere: each position predicts the next character from its own (a bigram in rows). */
class RowBigram extends SequenceModel<SequenceConfig> {
  readonly kind = 'row-bigram';
  constructor(backend: Backend, T: number) {
    super('RowBigram', vocab, { blockSize: T, seed: 3 }, backend, new Sequential([
      ['emb', new Embedding(vocab.size, 5)], ['out', new Linear(vocab.size)],
    ]));
  }
}

describe('buildSequences', () => {
  it('lays out X = [0, c1..cn, 0...] and Y = [c1..cn, 0, -1...] with T = longest + 1', () => {
    const s = buildSequences(['abc', 'b'], vocab);
    expect(sequenceLength(['abc', 'b'])).toBe(4);
    expect(s.length).toBe(4);
    expect(Array.from(s.X)).toEqual([0, id('a'), id('b'), id('c'), 0, id('b'), 0, 0]);
    expect(Array.from(s.Y)).toEqual([id('a'), id('b'), id('c'), 0, id('b'), 0, -1, -1]);
    expect(s.targets).toBe(4 + 2);
    expect(() => buildSequences(['abc'], vocab, 3)).toThrow(/word "abc" has 3 characters; rows of length 3 hold at most 2/);
  });
});

describe('SequenceModel', () => {
  it('nll is the mean over real targets of −log softmax (float64 reference from the logits)', async () => {
    const model = new RowBigram(await createBackend('js'), 5);
    const words = ['abc', 'cab', 'b', 'ba'];
    const s = buildSequences(words, vocab, 5);
    const logits = model.logits(s.X);
    const V = vocab.size;
    let sum = 0, n = 0;
    for (let i = 0; i < s.Y.length; i++) {
      const y = s.Y[i]!;
      if (y < 0) continue;
      const row = Array.from(logits.subarray(i * V, (i + 1) * V));
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((a, x) => a + Math.exp(x - max), 0));
      sum += lse - row[y]!;
      n++;
    }
    expect(n).toBe(s.targets);
    expect(model.nll(words)).toBeCloseTo(sum / n, 5);
    expect(() => model.nll(['abcabc'])).toThrow(/RowBigram.nll: word "abcabc" has 6 characters; rows of length 5 hold at most 4/);
  });

  it('trains with train() on whole words, both backends agree, and samples at most T − 1 characters', async () => {
    const words = ['abc', 'cab', 'b', 'ba', 'ab', 'cb'];
    const losses: number[][] = [];
    for (const name of ['js', 'wasm'] as const) {
      const model = new RowBigram(await createBackend(name), 5);
      const before = model.nll(words);
      const result = await train(model, { data: { train: words }, steps: 60, batchSize: 4, lr: 0.5, evalEvery: 60 });
      expect(model.nll(words)).toBeLessThan(before - 0.3);
      losses.push(result.history.map((h) => h.trainLoss));
      const samples = model.sample({ count: 30, seed: 1, maxLength: 50 });
      expect(samples.every((w) => [...w].length <= 4)).toBe(true);
      expect(model.sample({ count: 30, seed: 1 })).toEqual(samples);
    }
    expect(Math.abs(losses[0]![0]! - losses[1]![0]!)).toBeLessThan(1e-4);
  });
});
