/**
 * The demo page's rough edges, in Chromium: stale messages, a 50 MB paste, long samples in their columns, the n-gram
 * result, the neural bigram's NLL curve, and the learning-rate rule it shares with the CLI.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { defaultNames } from '../../src/data/default-names.ts';
import { NeuralBigram, NGramModel, Vocabulary, readWords, splitWords } from '../../src/index.ts';
import { LR_DECAY_RULE } from '../../src/lr-schedule.ts';
import { commandHelp } from '../../src/cli/main.ts';
import { trainCommand } from '../../src/cli/train.ts';
import { ARTIFACTS, useDemo } from './setup.ts';

const demo = useDemo();

const text = async (selector: string): Promise<string> => (await demo.page.textContent(selector)) ?? '';

describe('demo messages', () => {
  it('checks the list as the user types, and a new attempt never leaves an old error standing', async () => {
    await demo.page.check('input[name=source][value=custom]');
    // typing alone (no Train press) brings the message, after the debounce
    await demo.page.fill('#words', 'ann\nbob');
    await expect.poll(() => text('#data-status'), { timeout: 2_000 }).toMatch(/^The list has only 2 words/);
    // a bad setting: its error is under Train
    await demo.page.selectOption('#kind', 'mlp');
    await demo.page.fill('#words', Array.from({ length: 12 }, (_, i) => `name${'abcdefghijkl'[i]}`).join('\n'));
    await demo.page.fill('#steps', '0');
    await demo.page.click('#train');
    await expect.poll(() => text('#train-status')).toMatch(/^Steps must be an integer from 1/);
    // the next attempt has a list problem: the Train error goes, the list error shows in the Words panel
    await demo.page.fill('#steps', '100');
    await demo.page.fill('#words', 'anna\nbo.b\n' + 'x\n'.repeat(20));
    await demo.page.click('#train');
    await expect.poll(() => text('#data-status')).toMatch(/^Line 2, "bo\.b", contains a '\.'/);
    expect(await text('#train-status')).toBe('');
    // fixed: the list error goes too
    await demo.page.fill('#words', 'anna\nbob\n' + 'x\n'.repeat(20));
    await expect.poll(() => text('#data-status'), { timeout: 2_000 }).toBe('22 words.');
    expect(demo.pageErrors).toEqual([]);
  }, 60_000);

  it('refuses a 50 MB paste within a second, keeps the page responsive and small', async () => {
    await demo.page.check('input[name=source][value=custom]');
    await demo.page.fill('#words', 'anna\nbob');
    const outcome = await demo.page.evaluate(() => {
      const big = 'abcdefgh\n'.repeat(Math.ceil((50 * 1024 * 1024) / 9));
      const area = document.getElementById('words') as HTMLTextAreaElement;
      const data = new DataTransfer();
      data.setData('text/plain', big);
      const t0 = performance.now();
      const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
      area.dispatchEvent(event);
      const status = document.getElementById('data-status')!.textContent;
      return { ms: performance.now() - t0, refused: event.defaultPrevented, status, length: area.value.length, pasted: big.length };
    });
    expect(outcome.pasted).toBeGreaterThan(50 * 1024 * 1024);
    expect(outcome.refused).toBe(true);
    expect(outcome.ms).toBeLessThan(1_000);
    expect(outcome.status).toMatch(/^The list with this paste is 50\.0 MB; the demo takes word lists up to 5 MB/);
    expect(outcome.length).toBe('anna\nbob'.length);
    // still responsive: a click handler runs at once (the default-names radio refills the list and its status)
    const t0 = Date.now();
    await demo.page.click('input[name=source][value=default]', { timeout: 1_000 });
    await expect.poll(() => text('#data-status'), { timeout: 1_000 }).toMatch(/English first names/);
    expect(Date.now() - t0).toBeLessThan(1_000);
    const heap = await demo.page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
    expect(heap).toBeLessThan(1024 ** 3);
    // the page states the limit where the list is entered
    expect(await text('#limits')).toMatch(/up to 250,000 words .* 5 MB in all/);
    // a single huge line (under the size limit) is refused as such
    await demo.page.check('input[name=source][value=custom]');
    await demo.page.evaluate(() => {
      const area = document.getElementById('words') as HTMLTextAreaElement;
      area.value = `${'x\n'.repeat(12)}${'y'.repeat(3_000_000)}`;
      area.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await expect.poll(() => text('#data-status'), { timeout: 2_000 }).toBe(
      'Line 13 is 3,000,000 characters long; a word can have up to 200. Put one word per line.',
    );
    expect(demo.pageErrors).toEqual([]);
  }, 60_000);

  it('long samples wrap inside their column: no sample box or text line crosses into the next column', async () => {
    await demo.page.check('input[name=source][value=custom]');
    // every word is the alphabet twice: with add-0 counts every sample runs to the 50-character cap
    await demo.page.fill('#words', Array(12).fill('abcdefghijklmnopqrstuvwxyz'.repeat(2)).join('\n'));
    await demo.page.selectOption('#kind', 'ngram');
    await demo.page.fill('#smoothing', '0');
    const state = await demo.train();
    expect(state.error).toBe('');
    expect(Math.max(...state.samples.map((w) => w.length))).toBe(50);
    await demo.page.screenshot({ path: join(ARTIFACTS, 'demo-long-samples.png'), fullPage: true });
    const boxes = await demo.page.$$eval('#samples li', (items) =>
      items.map((li) => {
        const range = document.createRange();
        range.selectNodeContents(li);
        const r = li.getBoundingClientRect();
        const lines = Array.from(range.getClientRects()).map((l) => ({ left: l.left, right: l.right }));
        // the number (the list marker) is drawn inside the item's box, so the box test covers it too
        const marker = getComputedStyle(li).listStylePosition;
        return { left: r.left, right: r.right, lines, title: (li as HTMLElement).title, text: li.textContent, marker };
      }),
    );
    expect(boxes).toHaveLength(20);
    const lefts = [...new Set(boxes.map((b) => Math.round(b.left)))].sort((a, b) => a - b);
    expect(lefts).toHaveLength(2); // two columns
    const first = boxes.filter((b) => Math.round(b.left) === lefts[0]);
    const second = boxes.filter((b) => Math.round(b.left) === lefts[1]);
    const firstRight = Math.max(...first.flatMap((b) => [b.right, ...b.lines.map((l) => l.right)]));
    const secondLeft = Math.min(...second.flatMap((b) => [b.left, ...b.lines.map((l) => l.left)]));
    expect(firstRight).toBeLessThanOrEqual(secondLeft);
    for (const b of boxes) {
      for (const l of b.lines) expect(l.right).toBeLessThanOrEqual(b.right + 0.5);
      expect(b.title).toBe(b.text);
      expect(b.marker).toBe('inside');
    }
  }, 60_000);

  it('the n-gram model shows its NLL per split and no empty training chart or "0 steps"', async () => {
    await demo.page.click('input[name=source][value=default]');
    await demo.page.selectOption('#kind', 'ngram');
    await demo.page.fill('#seed', '5');
    await demo.page.fill('#order', '3');
    await demo.page.fill('#smoothing', '0.5');
    const state = await demo.train();
    expect(state.error).toBe('');
    const words = readWords(defaultNames().join('\n'));
    const splits = splitWords(words, { seed: 5 });
    const model = NGramModel.fit(splits.train, { n: 3, smoothing: 0.5, vocab: Vocabulary.fromWords(words) });
    const nll = [model.nll(splits.train), model.nll(splits.dev), model.nll(splits.test)];
    // the NLL of each split, as Node computes it (to 1e-12: a sum of thousands of Math.log, whose last bit V8
    // versions may round differently; the digits the page shows must agree exactly)
    [state.trainLoss, state.devLoss, state.testLoss].forEach((v, i) => expect(v).toBeCloseTo(nll[i]!, 12));
    expect([await text('#nll-train'), await text('#nll-dev'), await text('#nll-test')]).toEqual(nll.map((v) => v.toFixed(4)));
    expect(await demo.page.isVisible('#ngram-figures')).toBe(true);
    expect(await demo.page.isVisible('#loss-chart')).toBe(false);
    expect(await demo.page.isVisible('#figures')).toBe(false);
    expect(await demo.page.locator('#heatmap svg').count()).toBe(1);
    const status = await text('#train-status');
    expect(status).toBe(`Counted the training words: mean NLL train ${nll[0]!.toFixed(4)}, dev ${nll[1]!.toFixed(4)}, test ${nll[2]!.toFixed(4)}.`);
    expect(status).not.toMatch(/0 steps/);
  }, 60_000);

  it('the neural bigram curve is its NLL (no λ·mean(W²)), bit-identical to the NLL Node computes', async () => {
    await demo.page.selectOption('#kind', 'bigram');
    await demo.fill({ seed: 5, regularization: 0.5, steps: 8, lr: 20, decayStep: '', evalEvery: 4 });
    const state = await demo.train();
    expect(state.error).toBe('');
    expect(await demo.page.isVisible('#loss-chart')).toBe(true);
    const words = readWords(defaultNames().join('\n'));
    const splits = splitWords(words, { seed: 5 });
    const model = await NeuralBigram.create({ vocab: Vocabulary.fromWords(words), seed: 5, regularization: 0.5, backend: 'wasm' });
    model.setData(splits.train);
    const nll: number[] = [];
    const regularized: number[] = [];
    for (let s = 0; s < 8; s++) {
      regularized.push(model.step(20));
      nll.push(model.lastNll);
    }
    expect(state.losses).toStrictEqual(nll);
    for (let s = 0; s < 8; s++) expect(regularized[s]! - nll[s]!).toBeGreaterThan(0.05);
  }, 60_000);

  it('a diverging run stops with the message of the CLI (a non-finite dev loss is divergence too)', async () => {
    await demo.page.selectOption('#kind', 'bigram');
    await demo.fill({ regularization: 0.01, steps: 300, lr: 1000000, decayStep: '', evalEvery: 10 });
    const state = await demo.train();
    expect(state.status).toBe('error');
    expect(await text('#train-status')).toMatch(
      /^The dev loss became Infinity at step 10 \(learning rate 1000000\): training diverged — try a lower learning rate\.$/,
    );
    // with no dev evaluation before it, the training loss itself stops being finite: the same words (no 'train:'
    // prefix of the library's message)
    await demo.page.fill('#evalEvery', '1000');
    const late = await demo.train();
    expect(late.status).toBe('error');
    expect(await text('#train-status')).toMatch(
      /^The loss became NaN at step \d+ \(learning rate 1000000\): training diverged — try a lower learning rate\.$/,
    );
    expect(state.step).toBe(10);
    expect(state.losses.slice(0, 10).every(Number.isFinite)).toBe(true);
    expect(await text('#data-status')).not.toMatch(/error|Line/);
  }, 60_000);

  it('states the learning-rate rule of the CLI', async () => {
    expect(await text('#lr-rule')).toBe(`Learning rate: ${LR_DECAY_RULE}.`);
    expect(commandHelp(trainCommand).replace(/\s+/g, ' ')).toContain(LR_DECAY_RULE);
    expect(demo.pageErrors).toEqual([]);
  });
});
