/**
 * Item 7 of issue 11: the library refuses arguments that used to be silently accepted — a schedule's non-positive or
 * non-finite rate, a negative rate, a momentum that is not a number in [0, 1], seeds outside 0…2³²−1, two train()
 * calls at once on one model, and NaN written into a tensor.
 */
import { describe, expect, it } from 'vitest';
import { defaultNames } from '../src/data/default-names.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { splitWords } from '../src/data/words.ts';
import { NeuralBigram } from '../src/models/bigram.ts';
import { MLP } from '../src/models/mlp.ts';
import { NGramModel } from '../src/models/ngram.ts';
import { train } from '../src/train.ts';

const words = defaultNames().filter((_, i) => i % 40 === 0);
const vocab = Vocabulary.fromWords(words);
const small = { vocab, embedDim: 4, hidden: [8], backend: 'js' as const };

describe('learning rates', () => {
  it.each([-0.1, 0, Number.NaN, Number.POSITIVE_INFINITY])('a schedule returning %s at step 3 is an error at that step', async (bad) => {
    const mlp = await MLP.create(small);
    const seen: number[] = [];
    const run = train(mlp, {
      data: { train: words }, steps: 10, batchSize: 8, evalEvery: 1,
      lr: (i) => (i === 3 ? bad : 0.1),
      onProgress: (p) => seen.push(p.step),
    });
    await expect(run).rejects.toThrow(`the learning rate schedule returned ${bad} for step index 3; a rate must be a finite number > 0`);
    expect(seen).toEqual([1, 2, 3]); // the steps before it ran
  });

  it('trainStep and the bigram step refuse a negative rate (0 is allowed: no update)', async () => {
    const mlp = await MLP.create(small);
    const X = new Int32Array(2 * 3);
    const Y = Int32Array.from([1, 2]);
    expect(() => mlp.trainStep(X, Y, -0.1)).toThrow(/lr must be >= 0 \(a negative rate climbs the loss\), got -0\.1/);
    const before = mlp.tensor('output.weight');
    mlp.trainStep(X, Y, 0); // (BatchNorm's running statistics still move: they are not parameters)
    expect(mlp.tensor('output.weight')).toEqual(before);
    const bigram = await NeuralBigram.create({ vocab, backend: 'js' });
    bigram.setData(words);
    expect(() => bigram.step(-1)).toThrow(/lr must be >= 0 \(a negative rate climbs the loss\), got -1/);
  });
});

describe('MLP momentum', () => {
  it.each([null, [], ' ', '0.5', Number.NaN, -0.1, 1.5, Number.POSITIVE_INFINITY])('refuses momentum %j', async (momentum) => {
    await expect(MLP.create({ ...small, momentum: momentum as number })).rejects.toThrow(/momentum must be in \[0, 1\]/);
  });

  it('accepts 0 and 1, and a file whose momentum is not a number does not load', async () => {
    for (const momentum of [0, 1]) expect((await MLP.create({ ...small, momentum })).config.momentum).toBe(momentum);
    const state = (await MLP.create(small)).toJSON();
    await expect(MLP.fromJSON({ ...state, config: { ...state.config, momentum: null } }, { backend: 'js' })).rejects.toThrow(/momentum/);
  });
});

describe('seeds', () => {
  const bad = [-1, 2 ** 32, 2 ** 53, 1.5, Number.NaN];
  it.each(bad)('seed %s is refused everywhere a seed is taken', async (seed) => {
    const message = /seed must be an integer from 0 to 2\^32 − 1/;
    await expect(MLP.create({ ...small, seed })).rejects.toThrow(message);
    await expect(NeuralBigram.create({ vocab, seed, backend: 'js' })).rejects.toThrow(message);
    const mlp = await MLP.create(small);
    await expect(train(mlp, { data: { train: words }, steps: 1, batchSize: 8, seed })).rejects.toThrow(message);
    expect(() => mlp.sample({ seed })).toThrow(message);
    expect(() => NGramModel.fit(words).sample({ seed })).toThrow(message);
    expect(() => splitWords(words, { seed })).toThrow(message);
  });

  it('0 and 2^32 − 1 are accepted and give different runs (they were the same as 2^32 and −1 before)', async () => {
    const a = await MLP.create({ ...small, seed: 0 });
    const b = await MLP.create({ ...small, seed: 2 ** 32 - 1 });
    expect(a.stateVector()).not.toEqual(b.stateVector());
    expect(splitWords(words, { seed: 0 })).not.toEqual(splitWords(words, { seed: 2 ** 32 - 1 }));
  });
});

describe('one model, one train() at a time', () => {
  it('a second concurrent train() is refused, and the model trains again once the first is done', async () => {
    const mlp = await MLP.create(small);
    const first = train(mlp, { data: { train: words }, steps: 200, batchSize: 8, yieldEveryMs: 0 });
    await expect(train(mlp, { data: { train: words }, steps: 5, batchSize: 16 })).rejects.toThrow(/already being trained by another train\(\) call/);
    await first;
    await expect(train(mlp, { data: { train: words }, steps: 5, batchSize: 16 })).resolves.toMatchObject({ steps: 5 });
  });

  it('a train() that threw releases the model', async () => {
    const mlp = await MLP.create(small);
    await expect(train(mlp, { data: { train: words }, steps: 5, batchSize: 8, lr: () => -1 })).rejects.toThrow();
    await expect(train(mlp, { data: { train: words }, steps: 2, batchSize: 8 })).resolves.toMatchObject({ steps: 2 });
  });
});

describe('setTensor', () => {
  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('refuses %s and leaves the tensor as it was', async (bad) => {
    const mlp = await MLP.create(small);
    const before = mlp.tensor('output.bias');
    const values = Array.from(before);
    values[5] = bad;
    expect(() => mlp.setTensor('output.bias', values)).toThrow(`'output.bias'[5] is ${bad}; tensors must hold finite numbers`);
    expect(mlp.tensor('output.bias')).toEqual(before);
    const bigram = await NeuralBigram.create({ vocab, backend: 'js' });
    const W = bigram.weights();
    W[0] = bad;
    expect(() => bigram.setWeights(W)).toThrow(/finite numbers/);
  });
});
