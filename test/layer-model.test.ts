/**
 * The README's "a model of your own" example, at a small size: a LayerModel over an extra Linear + tanh block trains
 * with train(), its first loss is near ln V, it learns, and its saved state loads into the same layers.
 */
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d, defaultNames, Embedding, FlattenConsecutive, LayerModel, Linear, Sequential, splitWords, Tanh, train, Vocabulary,
} from '../src/index.ts';

const words = defaultNames().slice(0, 800);
const vocab = Vocabulary.fromWords(words);
const { train: tr, dev } = splitWords(words, { seed: 42 });

const layers = (): Sequential => new Sequential([
  ['', new Embedding(vocab.size, 10, { name: 'embedding' })],
  ['', new FlattenConsecutive(3)],
  ['hidden', new Linear(64, { bias: false, gain: 5 / 3 })],
  ['hidden.bn', new BatchNorm1d(0.001)],
  ['hidden.tanh', new Tanh()],
  ['extra', new Linear(32, { gain: 5 / 3 })],
  ['extra.tanh', new Tanh()],
  ['output', new Linear(vocab.size, { gain: 0.1 })],
]);

describe('LayerModel (a model of your own)', () => {
  it('trains with train(), learns, and reloads into the same layers', async () => {
    const model = await LayerModel.create({ vocab, blockSize: 3, seed: 42, layers: layers(), backend: 'js' });
    const before = model.nll(dev);
    expect(Math.abs(before - Math.log(vocab.size))).toBeLessThan(0.2);
    const result = await train(model, { data: { train: tr, dev }, steps: 400, lr: 0.1, optimizer: 'sgd', evalEvery: 400 });
    expect(result.history.at(-1)!.devLoss!).toBeLessThan(before - 0.3);
    expect(model.tensorNames().map((t) => t.name)).toContain('extra.weight');
    const copy = await LayerModel.create({ vocab, blockSize: 3, seed: 1, layers: layers(), backend: 'js' });
    copy.load(JSON.parse(JSON.stringify(model.toJSON())));
    expect(copy.stateVector()).toEqual(model.stateVector());
    expect(copy.sample({ count: 5, seed: 3 })).toEqual(model.sample({ count: 5, seed: 3 }));
  });
});
