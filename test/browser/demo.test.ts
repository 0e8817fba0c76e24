/**
 * The demo page in a real Chromium: it trains a small MLP in its worker, the loss falls, samples appear — and every
 * minibatch loss, the dev loss and the samples are bit-identical to what the library computes here in Node for the
 * same seed, data and hyper-parameters on the wasm backend.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { defaultNames } from '../../src/data/default-names.ts';
import { MLP, NGramModel, Vocabulary, WaveNet, readWords, splitWords, train } from '../../src/index.ts';
import { ARTIFACTS, useDemo } from './setup.ts';

const demo = useDemo();
/** The MLP the first test trained in Node, for the sampling test. */
let nodeModel: MLP | undefined;


/** The run the test asks of the page, and replays in Node. */
const RUN = { seed: 7, blockSize: 3, embedDim: 8, hidden: [48], steps: 300, batchSize: 32, lr: 0.1, decayStep: 200, evalEvery: 100 };

describe('demo page', () => {
  it('trains an MLP in a worker with exactly the losses and samples of Node', async () => {
    await demo.page.selectOption('#kind', 'mlp');
    await demo.page.setChecked('#batchNorm', true);
    await demo.fill({
      seed: RUN.seed, blockSize: RUN.blockSize, embedDim: RUN.embedDim, hidden: RUN.hidden.join(','), steps: RUN.steps,
      batchSize: RUN.batchSize, lr: RUN.lr, decayStep: RUN.decayStep, weightDecay: 0, evalEvery: RUN.evalEvery,
    });
    const state = await demo.train(90_000);
    await demo.page.screenshot({ path: join(ARTIFACTS, 'demo-mlp.png'), fullPage: true });
    expect(state.error).toBe('');
    expect(state.status).toBe('done');
    expect(demo.pageErrors).toEqual([]);

    // it learned: the last 50 minibatch losses are clearly below the first 50, the dev loss below ln(27)
    const losses = state.losses;
    expect(losses).toHaveLength(RUN.steps);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-50))).toBeLessThan(mean(losses.slice(0, 50)) - 0.2);
    expect(state.devLoss).toBeLessThan(Math.log(27) - 0.3);
    // samples appeared, in the list and on the page
    expect(state.samples).toHaveLength(20);
    expect(await demo.page.locator('#samples li').count()).toBe(20);
    expect(await demo.page.locator('#heatmap svg').count()).toBe(1);
    expect(await demo.page.locator('#loss-chart svg path.dev').count()).toBe(1);

    // the same run in Node, from the library's source, on the wasm backend
    const words = readWords(defaultNames().join('\n'));
    const splits = splitWords(words, { seed: RUN.seed });
    const vocab = Vocabulary.fromWords(words);
    const model = await MLP.create({
      vocab, seed: RUN.seed, blockSize: RUN.blockSize, embedDim: RUN.embedDim, hidden: RUN.hidden, batchNorm: true,
      backend: 'wasm',
    });
    const nodeLosses: number[] = [];
    const result = await train(model, {
      data: { train: splits.train, dev: splits.dev }, steps: RUN.steps, batchSize: RUN.batchSize,
      lr: (i) => (i < RUN.decayStep ? RUN.lr : RUN.lr / 10),
      weightDecay: 0, evalEvery: RUN.evalEvery, progressEvery: 1, seed: RUN.seed,
      onProgress: (p) => nodeLosses.push(p.trainLoss),
    });
    // exactly: every float64 bit of every step's loss, the dev loss and the sampled words
    expect(losses).toStrictEqual(nodeLosses);
    expect(state.trainLoss).toBe(nodeLosses[RUN.steps - 1]);
    expect(state.devLoss).toBe(result.history[result.history.length - 1]!.devLoss);
    expect(state.samples).toStrictEqual(model.sample({ count: 20, seed: RUN.seed, temperature: 1 }));
    nodeModel = model;
    // and the page shows the exact value too
    expect(await demo.page.getAttribute('#fig-dev', 'data-exact')).toBe(String(result.history.at(-1)!.devLoss));
  }, 180_000);

  it('samples again with the temperature of the slider', async () => {
    await demo.page.locator('#temperature').fill('0.5');
    await demo.page.click('#sample');
    await demo.page.waitForFunction(() => window.makemoreDemo.temperature === 0.5 && window.makemoreDemo.sampleSeed === 8);
    const state = await demo.state();
    expect(state.samples).toHaveLength(20);
    expect(nodeModel).toBeDefined();
    expect(state.samples).toStrictEqual(nodeModel!.sample({ count: 20, seed: 8, temperature: 0.5 }));
  }, 60_000);

  it('fits bigram counts with the numbers of NGramModel', async () => {
    await demo.page.selectOption('#kind', 'ngram');
    await demo.fill({ seed: 3, smoothing: 1 });
    const state = await demo.train();
    expect(state.error).toBe('');
    const words = readWords(defaultNames().join('\n'));
    const splits = splitWords(words, { seed: 3 });
    const model = NGramModel.fit(splits.train, { n: 2, smoothing: 1, vocab: Vocabulary.fromWords(words) });
    expect(state.devLoss).toBe(model.nll(splits.dev));
    expect(state.samples).toStrictEqual(model.sample({ count: 20, seed: 3, temperature: Number(await demo.page.inputValue('#temperature')) }));
  }, 60_000);

  it('stops and resumes a run', async () => {
    await demo.page.selectOption('#kind', 'mlp');
    await demo.page.fill('#hidden', '32');
    await demo.page.fill('#steps', '100000');
    await demo.page.fill('#evalEvery', '1000');
    await demo.page.click('#train');
    await demo.page.waitForFunction(() => window.makemoreDemo.step >= 200, undefined, { timeout: 30_000 });
    await demo.page.click('#stop');
    await demo.page.waitForSelector('body[data-status=stopped]', { timeout: 30_000 });
    const stopped = (await demo.state()).step;
    expect(stopped).toBeGreaterThanOrEqual(200);
    expect(stopped).toBeLessThan(100_000);
    await demo.page.click('#resume');
    await demo.page.waitForFunction((s) => window.makemoreDemo.step >= s + 200, stopped, { timeout: 30_000 });
    await demo.page.click('#stop');
    await demo.page.waitForSelector('body[data-status=stopped]', { timeout: 30_000 });
    const state = await demo.state();
    // one loss per step, no gap and no repeat across the resume
    expect(state.losses).toHaveLength(state.step);
    expect(state.losses.every(Number.isFinite)).toBe(true);
  }, 120_000);

  it('trains a WaveNet with exactly the losses and samples of Node', async () => {
    const run = { seed: 5, blockSize: 8, embedDim: 6, hidden: 24, flatten: 2, steps: 200, batchSize: 32, lr: 0.1, decayStep: 150, evalEvery: 100 };
    await demo.page.selectOption('#kind', 'wavenet');
    // switching kind puts the lecture's sizes in the fields
    expect(await demo.page.inputValue('#blockSize')).toBe('8');
    expect(await demo.page.inputValue('#hidden')).toBe('128');
    expect(await demo.page.locator('#flatten').isVisible()).toBe(true);
    expect(await demo.page.locator('#batchNorm').isVisible()).toBe(false);
    await demo.fill({
      seed: run.seed, embedDim: run.embedDim, hidden: run.hidden, flatten: run.flatten, steps: run.steps,
      batchSize: run.batchSize, lr: run.lr, decayStep: run.decayStep, weightDecay: 0, evalEvery: run.evalEvery,
    });
    const state = await demo.train(90_000);
    expect(state.error).toBe('');
    expect(state.losses).toHaveLength(run.steps);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(state.losses.slice(-50))).toBeLessThan(mean(state.losses.slice(0, 50)) - 0.1);

    const words = readWords(defaultNames().join('\n'));
    const splits = splitWords(words, { seed: run.seed });
    const model = await WaveNet.create({
      vocab: Vocabulary.fromWords(words), seed: run.seed, blockSize: run.blockSize, embedDim: run.embedDim, hidden: run.hidden,
      flatten: run.flatten, backend: 'wasm',
    });
    const nodeLosses: number[] = [];
    const result = await train(model, {
      data: { train: splits.train, dev: splits.dev }, steps: run.steps, batchSize: run.batchSize,
      lr: (i) => (i < run.decayStep ? run.lr : run.lr / 10),
      weightDecay: 0, evalEvery: run.evalEvery, progressEvery: 1, seed: run.seed,
      onProgress: (p) => nodeLosses.push(p.trainLoss),
    });
    expect(state.losses).toStrictEqual(nodeLosses);
    expect(state.devLoss).toBe(result.history[result.history.length - 1]!.devLoss);
    expect(state.samples).toStrictEqual(model.sample({ count: 20, seed: run.seed, temperature: state.temperature }));
    await demo.page.selectOption('#kind', 'mlp');
    expect(await demo.page.inputValue('#blockSize')).toBe('3');
    expect(demo.pageErrors).toEqual([]);
  }, 180_000);

  it('explains bad input: an empty list, too few words, a huge file', async () => {
    await demo.page.check('input[name=source][value=custom]');
    await demo.page.fill('#words', '   \n\n');
    await demo.page.click('#train');
    await expect.poll(() => demo.page.textContent('#data-status')).toMatch(/empty/);
    expect(await demo.page.getAttribute('#data-status', 'class')).toContain('error');

    await demo.page.fill('#words', 'ann\nbob');
    await demo.page.click('#train');
    await expect.poll(() => demo.page.textContent('#data-status')).toMatch(/only 2 words/);

    // a file on disk: Chromium reads it by path (a 6 MB buffer through the DevTools protocol takes seconds)
    const huge = join(demo.fx.dist, 'huge.txt');
    writeFileSync(huge, Buffer.alloc(6 * 1024 * 1024, 'a\n'));
    await demo.page.setInputFiles('#file', huge);
    await expect.poll(() => demo.page.textContent('#data-status')).toMatch(/huge\.txt.*6\.0 MB.*up to 5 MB/);

    // a '.' in a word: said in the Words panel, in plain words (no library message), the earlier error gone
    await demo.page.fill('#words', 'anna\nbo.b\n' + 'x\n'.repeat(20));
    await demo.page.click('#train');
    await expect.poll(() => demo.page.textContent('#data-status')).toMatch(/^Line 2, "bo\.b", contains a '\.'/);
    expect(await demo.page.textContent('#data-status')).not.toMatch(/only 2 words|Vocabulary/);
    expect(await demo.page.textContent('#train-status')).toBe('');
    expect(demo.pageErrors).toEqual([]);
  }, 60_000);
});
