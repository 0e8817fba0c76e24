/**
 * The demo trains makemore.py's Transformer (issue 15) in its worker in a real Chromium: 200 steps at the default
 * sizes (4 blocks, 4 heads, 64 channels, AdamW), every minibatch loss, the dev loss and the samples bit-identical
 * to the library in Node. The steps/s of both are written to the artifacts (speed is reported, not tested).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { defaultNames } from '../../src/data/default-names.ts';
import { Transformer, Vocabulary, readWords, sequenceLength, splitWords, train } from '../../src/index.ts';
import { ARTIFACTS, useDemo } from './setup.ts';

const demo = useDemo();

const RUN = { seed: 5, layers: 4, heads: 4, embed: 64, steps: 200, batchSize: 32, lr: 5e-4, weightDecay: 0.01, evalEvery: 100 };

describe('demo page: Transformer', () => {
  it('trains 200 steps in the worker with exactly the losses and samples of Node', async () => {
    await demo.page.selectOption('#kind', 'transformer');
    // the kind's defaults arrived in the form
    expect(await demo.page.inputValue('#lr')).toBe('0.0005');
    expect(await demo.page.inputValue('#weightDecay')).toBe('0.01');
    await demo.fill({
      seed: RUN.seed, layers: RUN.layers, heads: RUN.heads, embed: RUN.embed, steps: RUN.steps, batchSize: RUN.batchSize,
      evalEvery: RUN.evalEvery,
    });
    const state = await demo.train(280_000);
    await demo.page.screenshot({ path: join(ARTIFACTS, 'demo-transformer.png'), fullPage: true });
    expect(state.error).toBe('');
    expect(demo.pageErrors).toEqual([]);
    expect(state.losses).toHaveLength(RUN.steps);
    expect(state.stepsPerSecond).toBeGreaterThan(0);
    expect(await demo.page.locator('#fig-speed').textContent()).not.toBe('–');

    const words = readWords(defaultNames().join('\n'));
    const splits = splitWords(words, { seed: RUN.seed });
    const vocab = Vocabulary.fromWords(words);
    const model = await Transformer.create({
      vocab, blockSize: sequenceLength(words), layers: RUN.layers, heads: RUN.heads, embed: RUN.embed, seed: RUN.seed, backend: 'wasm',
    });
    const nodeLosses: number[] = [];
    const result = await train(model, {
      data: { train: splits.train, dev: splits.dev }, steps: RUN.steps, batchSize: RUN.batchSize, lr: RUN.lr,
      weightDecay: RUN.weightDecay, evalEvery: RUN.evalEvery, progressEvery: 1, seed: RUN.seed,
      onProgress: (p) => nodeLosses.push(p.trainLoss),
    });
    expect(state.losses).toStrictEqual(nodeLosses);
    expect(state.devLoss).toBe(result.history.at(-1)!.devLoss);
    expect(state.samples).toStrictEqual(model.sample({ count: 20, seed: RUN.seed, temperature: 1 }));
    // it learned something in 200 steps
    expect(nodeLosses.slice(-20).reduce((a, b) => a + b) / 20).toBeLessThan(nodeLosses.slice(0, 20).reduce((a, b) => a + b) / 20 - 0.3);
    const speed = { chromium: state.stepsPerSecond, node: RUN.steps / result.seconds };
    writeFileSync(join(ARTIFACTS, 'demo-transformer-speed.json'), `${JSON.stringify(speed)}\n`);
    console.log(`Transformer steps/s: Chromium ${speed.chromium.toFixed(1)}, Node ${speed.node.toFixed(1)}`);
  }, 300_000);
});
