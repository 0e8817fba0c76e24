/**
 * The recurrent language models (issue 14): makemore.py's parameter counts, the whole model through the gradient
 * checker, O(T) sampling equal to the full-forward sampling, top-k, save/load, training on whole words, and the bad
 * inputs each named in the error.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/index.ts';
import { createBackend } from '../src/backend/index.ts';
import {
  RecurrentLM, SequenceModel, Vocabulary, buildSequences, defaultNames, modelFromJSON, sequenceLength, train, RECURRENT_KINDS,
} from '../src/index.ts';
import { resolveSampleOptions, sampleWords } from '../src/models/sampling.ts';
import { checkGradients, fillBatch } from './helpers/gradcheck.ts';

const names = defaultNames().filter((_, i) => i % 40 === 0);
const vocab = Vocabulary.fromWords(names);
const T = sequenceLength(names);

describe.each(RECURRENT_KINDS)('%s model', (cell) => {
  it('the whole model passes the gradient checker, padding positions (target −1) masked', async () => {
    const build = async (backend: Backend) => {
      const model = await RecurrentLM.create({ cell, vocab, blockSize: 6, embedDim: 5, hidden: 6, seed: 3, backend });
      const ws = model.net.workspace(3, true);
      fillBatch(model.net, ws, vocab.size, 9, (i) => i % 6 >= 2 + Math.floor(i / 6)); // rows end after 2, 3, 4 targets
      return { net: model.net, ws };
    };
    expect(await checkGradients(build, { perTensor: 8 })).toBeGreaterThan(30);
  }, 120_000);

  it('incremental sampling (state carried, O(T)) draws what the full forward draws, with temperature, prefix and top-k', async () => {
    const model = await RecurrentLM.create({ cell, vocab, blockSize: T, embedDim: 8, hidden: 12, seed: 5, backend: 'wasm' });
    await train(model, { data: { train: names }, steps: 30, batchSize: 8, lr: 1e-2, optimizer: 'adamw' });
    const full = (SequenceModel.prototype as unknown as { nextScores: (c: Int32Array, B: number, o: Float64Array) => void }).nextScores;
    for (const options of [{ count: 40, seed: 1 }, { count: 25, seed: 2, temperature: 0.7, prefix: 'ma' }, { count: 30, seed: 3, topK: 3 }]) {
      const opts = resolveSampleOptions(vocab, options);
      const slow = sampleWords(vocab, T - 1, { ...opts, maxLength: Math.min(opts.maxLength, T - 1) }, (c, B, o) => full.call(model, c, B, o));
      expect(model.sample(options)).toEqual(slow);
    }
  }, 60_000);

  it('sampling runs one cell step per character position, not the whole prefix again', async () => {
    const model = await RecurrentLM.create({ cell, vocab, blockSize: T, embedDim: 4, hidden: 4, seed: 5, backend: 'js' });
    const raw = model.backend.raw as unknown as Record<string, (...a: unknown[]) => unknown>;
    let steps = 0;
    const stepKernel = { rnn: 'tanhForward', gru: 'gruOutputForward', lstm: 'lstmCellForward' }[cell];
    const original = raw[stepKernel]!;
    raw[stepKernel] = (...a: unknown[]) => (steps++, original(...a));
    const words = model.sample({ count: 20, seed: 4, prefix: 'a' });
    raw[stepKernel] = original;
    const longest = Math.max(...words.map((w) => w.length));
    // one step for '.', one for the prefix, then one per generated position (the last draw needs no further step)
    expect(steps).toBeLessThanOrEqual(longest + 1);
    expect(steps).toBeGreaterThanOrEqual(longest);
  });

  it('top-k 1 is greedy: every word is the argmax continuation, the same for every seed', async () => {
    const model = await RecurrentLM.create({ cell, vocab, blockSize: T, embedDim: 6, hidden: 6, seed: 8, backend: 'wasm' });
    const a = model.sample({ count: 3, seed: 1, topK: 1 });
    expect(new Set(a).size).toBe(1);
    expect(model.sample({ count: 3, seed: 99, topK: 1 })).toEqual(a);
  });

  it('saves and loads: same logits, same samples, on either backend', async () => {
    const model = await RecurrentLM.create({ cell, vocab, blockSize: T, embedDim: 6, hidden: 7, seed: 2, backend: 'wasm' });
    await train(model, { data: { train: names }, steps: 5, batchSize: 4, lr: 1e-2, optimizer: 'adamw' });
    const state = JSON.parse(JSON.stringify(model.toJSON()));
    const again = await modelFromJSON(state, { backend: 'wasm' });
    expect(again.kind).toBe(cell);
    const X = buildSequences(names.slice(0, 5), vocab, T).X;
    expect(Array.from((again as RecurrentLM).logits(X))).toEqual(Array.from(model.logits(X)));
    expect(again.sample({ count: 5, seed: 3 })).toEqual(model.sample({ count: 5, seed: 3 }));
  });
});

describe('recurrent models: sizes and errors', () => {
  it('has makemore.py\'s parameter counts for V = 27, n_embd = n_embd2 = 64', async () => {
    const v27 = Vocabulary.fromWords(['abcdefghijklmnopqrstuvwxyz']);
    const count = async (cell: 'rnn' | 'gru' | 'lstm') =>
      (await RecurrentLM.create({ cell, vocab: v27, blockSize: 16, backend: 'js' })).parameterCount;
    // makemore.py: wte 27·64, start 64, lm_head 64·27 + 27; RNN one Linear(128, 64), GRU three
    expect(await count('rnn')).toBe(27 * 64 + 64 + (128 * 64 + 64) + 64 * 27 + 27);
    expect(await count('rnn')).toBe(11803);
    expect(await count('gru')).toBe(28315);
    // the LSTM: four gates of Linear(128, 64) and a learned c_0 too
    expect(await count('lstm')).toBe(27 * 64 + 2 * 64 + 4 * (128 * 64 + 64) + 64 * 27 + 27);
  });

  it('trains on whole words: the loss falls, and JS and wasm agree on the first steps', async () => {
    const losses: number[][] = [];
    for (const backend of ['js', 'wasm'] as const) {
      const model = await RecurrentLM.create({ cell: 'gru', vocab, blockSize: T, embedDim: 8, hidden: 16, seed: 1, backend });
      const before = model.nll(names);
      const r = await train(model, { data: { train: names }, steps: 60, batchSize: 16, lr: 1e-2, optimizer: 'adamw' });
      expect(model.nll(names)).toBeLessThan(before - 0.3);
      losses.push(r.history.slice(0, 5).map((h) => h.trainLoss));
    }
    for (let i = 0; i < 5; i++) expect(Math.abs(losses[0]![i]! - losses[1]![i]!)).toBeLessThan(1e-4);
  });

  it('bad input names the value: long word, unknown character, topK 0, hidden 0, unknown cell', async () => {
    const model = await RecurrentLM.create({ cell: 'rnn', vocab, blockSize: 5, embedDim: 4, hidden: 4, backend: 'js' });
    const long = names.find((w) => w.length > 4)!;
    await expect(train(model, { data: { train: [long, 'ab'] }, steps: 1, batchSize: 1, lr: 0.1 }))
      .rejects.toThrow(new RegExp(`word "${long}" has ${long.length} characters; rows of length 5 hold at most 4`));
    expect(() => model.nll(['ab1'])).toThrow(/"1"|'1'/);
    expect(() => model.sample({ topK: 0 })).toThrow(/topK must be an integer >= 1, got 0/);
    await expect(RecurrentLM.create({ cell: 'gru', vocab, blockSize: 5, hidden: 0, backend: 'js' }))
      .rejects.toThrow(/hidden must be an integer >= 1, got 0/);
    await expect(RecurrentLM.create({ cell: 'cnn' as 'rnn', vocab, blockSize: 5, backend: 'js' }))
      .rejects.toThrow(/cell must be one of 'rnn', 'gru', 'lstm', got "cnn"/);
    const samples = model.sample({ count: 20, seed: 1, maxLength: 50 });
    expect(samples.every((w) => w.length <= 4)).toBe(true);
  });
});
