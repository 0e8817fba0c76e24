/**
 * `makemore train --model rnn|gru|lstm` through the CLI (in-process, the code bin/makemore.js runs): makemore.py's
 * defaults recorded in the model file, sample with --top-k, eval equal to the library's NLL, plot, --resume bit for
 * bit, and bad input (a word too long for the saved model, --top-k 0, --hidden 0) refused with nothing written.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHere } from './helpers/cli-run.ts';
import { defaultNames } from '../src/data/default-names.ts';
import { loadModelFile } from '../src/io/model-file-node.ts';
import { modelFromJSON } from '../src/io/load-model.ts';

let dir: string;
let data: string;

const cli = runHere;

const words = defaultNames().filter((_, i) => i % 25 === 0);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'makemore-recurrent-'));
  data = join(dir, 'names.txt');
  writeFileSync(data, words.join('\n'));
  writeFileSync(join(dir, 'long.txt'), `${'a'.repeat(40)}\nann\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const small = ['--embed', '8', '--hidden', '12', '--samples', '0', '--eval-every', '5', '--backend', 'wasm'];

describe.each(['rnn', 'gru', 'lstm'])('makemore train --model %s', (kind) => {
  it('trains with makemore.py\'s optimizer defaults; sample --top-k, eval and plot work on the file', async () => {
    const out = join(dir, `${kind}.json`);
    const r = await cli(['train', '--data', data, '--model', kind, '--steps', '12', ...small, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`model: ${kind}, T \\d+, embed 8, hidden 12; \\d+ parameters`));
    const file = loadModelFile(out);
    expect(file.model.kind).toBe(kind);
    expect(file.model.optimizer!.spec).toEqual({ kind: 'adamw', beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01 });
    const settings = file.training.settings as { lr: number; batchSize: number; lrDecayAt: number | null };
    expect(settings).toMatchObject({ lr: 5e-4, batchSize: 32, lrDecayAt: null });

    const s = await cli(['sample', '--model', out, '--count', '6', '--seed', '3', '--top-k', '4']);
    expect(s.code, s.stderr).toBe(0);
    const model = await modelFromJSON(file.model);
    expect(s.stdout).toBe(model.sample({ count: 6, seed: 3, topK: 4 }).map((w) => `${w}\n`).join(''));

    const e = await cli(['eval', '--model', out, '--data', data, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout.trim()).nll).toBe(model.nll(words));

    const p = await cli(['plot', '--model', out, '--out', join(dir, `plot-${kind}`)]);
    expect(p.code, p.stderr).toBe(0);
    expect(existsSync(join(dir, `plot-${kind}`, 'loss.svg'))).toBe(true);
  }, 60_000);

  it('--resume: 6 + 6 steps equal 12 in one go, bit for bit', async () => {
    const a = join(dir, `${kind}-a.json`), b = join(dir, `${kind}-b.json`), c = join(dir, `${kind}-c.json`);
    expect((await cli(['train', '--data', data, '--model', kind, '--steps', '6', ...small, '--out', a])).code).toBe(0);
    const resumed = await cli(['train', '--resume', a, '--steps', '6', '--samples', '0', '--out', b]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await cli(['train', '--data', data, '--model', kind, '--steps', '12', ...small, '--out', c])).code).toBe(0);
    expect(loadModelFile(b).model.tensors).toEqual(loadModelFile(c).model.tensors);
    expect(loadModelFile(b).model.optimizer).toEqual(loadModelFile(c).model.optimizer);
  }, 60_000);
});

describe('makemore recurrent bad input: exit 2, the value named, nothing written', () => {
  it('--top-k 0, --hidden 0, two hidden sizes, and a word too long for the saved model at eval', async () => {
    const never = join(dir, 'never.json');
    const cases: [string[], RegExp][] = [
      [['train', '--data', data, '--model', 'gru', '--hidden', '0', '--out', never], /--hidden: expected .*>= 1.*got '0'/],
      [['train', '--data', data, '--model', 'gru', '--top-k', '0', '--out', never], /--top-k: expected an integer >= 1, got '0'/],
      [['sample', '--model', join(dir, 'rnn.json'), '--top-k', '0'], /--top-k: expected an integer >= 1, got '0'/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    const two = await cli(['train', '--data', data, '--model', 'lstm', '--hidden', '8,8', '--steps', '1', '--out', never]);
    expect(two.code).not.toBe(0);
    expect(two.stderr).toMatch(/hidden takes one size \(one recurrent layer\), got 8,8/);
    const long = await cli(['eval', '--model', join(dir, 'rnn.json'), '--data', join(dir, 'long.txt')]);
    expect(long.code).not.toBe(0);
    expect(long.stderr).toMatch(/word "a{40}" has 40 characters; rows of length \d+ hold at most \d+/);
    expect(existsSync(never)).toBe(false);
  }, 60_000);
});
