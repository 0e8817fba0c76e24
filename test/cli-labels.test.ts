/**
 * Honest labels: the neural bigram's training curve (progress lines, --json, the model file's history that `plot`
 * draws under "mean NLL") is its NLL, not NLL + λ·mean(W²). Checked against an independent float64 NLL of a replay.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultNames } from '../src/data/default-names.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { splitWords } from '../src/data/words.ts';
import { loadModelFile } from '../src/io/model-file-node.ts';
import { NeuralBigram } from '../src/models/bigram.ts';

const BIN = fileURLToPath(new URL('../bin/makemore.js', import.meta.url));
const words = defaultNames().filter((_, i) => i % 10 === 0);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'makemore-labels-'));
  writeFileSync(join(dir, 'words.txt'), `${words.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the neural bigram curve is its NLL', () => {
  it('progress --json, and the history in the model file, equal the NLL of a replay, not the regularized loss', async () => {
    const lambda = 0.5;
    const steps = 6;
    const child = spawn(process.execPath, [
      BIN, 'train', '--data', 'words.txt', '--model', 'bigram', '--steps', String(steps), '--lr', '10', '--weight-decay', String(lambda),
      '--split', '1,0,0', '--backend', 'js', '--samples', '0', '--json', '--out', 'b.json',
    ], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += String(d)));
    const [code] = (await once(child, 'close')) as [number];
    expect(code).toBe(0);
    const progress = stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; step: number; loss: number })
      .filter((e) => e.event === 'progress');
    expect(progress.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);

    // the same run, replayed: the float64 NLL (model.nll) of W before each step, and the regularized loss it minimizes
    const train = splitWords(words, { seed: 42, fractions: [1, 0, 0] }).train;
    const replay = await NeuralBigram.create({ vocab: Vocabulary.fromWords(words), seed: 42, regularization: lambda, backend: 'js' });
    replay.setData(train);
    const nll: number[] = [];
    const regularized: number[] = [];
    for (let s = 0; s < steps; s++) {
      nll.push(replay.nll(train));
      regularized.push(replay.step(10));
    }
    const history = loadModelFile(join(dir, 'b.json')).training.history!;
    for (let s = 0; s < steps; s++) {
      expect(regularized[s]! - nll[s]!).toBeGreaterThan(0.05); // the penalty is visible at this λ
      expect(progress[s]!.loss).toBeCloseTo(nll[s]!, 5);
      expect(history[s]!.train).toBeCloseTo(nll[s]!, 5);
    }
  }, 60_000);
});
