/**
 * The demo offers the recurrent models (issue 14): a GRU trained in the page's worker has every minibatch loss, the
 * dev loss and the samples of the same run in Node (wasm backend, makemore.py's AdamW settings), bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { defaultNames } from '../../src/data/default-names.ts';
import { RecurrentLM, Vocabulary, readWords, sequenceLength, splitWords, train } from '../../src/index.ts';
import { useDemo } from './setup.ts';

const demo = useDemo();

const RUN = { seed: 5, embedDim: 8, hidden: 12, steps: 40, batchSize: 16, lr: 0.01, weightDecay: 0.01, evalEvery: 20 };

describe('demo page, recurrent models', () => {
  it('trains a GRU in the worker with exactly the losses, dev loss and samples of Node', async () => {
    await demo.page.selectOption('#kind', 'gru');
    expect(await demo.page.isVisible('#rnnHidden')).toBe(true);
    expect(await demo.page.isVisible('#blockSize')).toBe(false);
    await demo.fill({
      seed: RUN.seed, rnnEmbed: RUN.embedDim, rnnHidden: RUN.hidden, steps: RUN.steps, batchSize: RUN.batchSize,
      lr: RUN.lr, decayStep: '', weightDecay: RUN.weightDecay, evalEvery: RUN.evalEvery,
    });
    const state = await demo.train(90_000);
    expect(state.error).toBe('');
    expect(state.status).toBe('done');
    expect(demo.pageErrors).toEqual([]);

    const words = readWords(defaultNames().join('\n'));
    const splits = splitWords(words, { seed: RUN.seed });
    const vocab = Vocabulary.fromWords(words);
    const model = await RecurrentLM.create({
      cell: 'gru', vocab, blockSize: sequenceLength(words), embedDim: RUN.embedDim, hidden: RUN.hidden, seed: RUN.seed, backend: 'wasm',
    });
    const losses: number[] = [];
    const result = await train(model, {
      data: { train: splits.train, dev: splits.dev }, steps: RUN.steps, batchSize: RUN.batchSize, lr: RUN.lr,
      optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: RUN.weightDecay },
      evalEvery: RUN.evalEvery, progressEvery: 1, seed: RUN.seed, onProgress: (p) => losses.push(p.trainLoss),
    });
    expect(state.losses).toStrictEqual(losses);
    expect(state.devLoss).toBe(result.history.at(-1)!.devLoss);
    expect(state.samples).toStrictEqual(model.sample({ count: 20, seed: RUN.seed, temperature: 1 }));
  }, 180_000);
});
