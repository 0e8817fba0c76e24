/**
 * `makemore train --resume`: a run of N steps resumed for N more is the run of 2N steps, bit for bit (parameters,
 * running statistics, optimizer state, loss history); flags that would change the run and damaged or unsuitable files
 * are refused with exit 2, leaving every file as it was.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHere } from './helpers/cli-run.ts';
import { defaultNames } from '../src/data/default-names.ts';
import { loadModelFile } from '../src/io/model-file-node.ts';

let dir: string;
let data: string;

const cli = runHere;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'makemore-resume-'));
  data = join(dir, 'names.txt');
  writeFileSync(data, defaultNames().slice(0, 500).join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const common = ['--data', '', '--hidden', '24', '--embed', '4', '--batch-size', '16', '--samples', '0', '--eval-every', '10', '--lr-decay-at', '45'];
const withData = (args: string[]): string[] => args.map((a, i) => (i === 1 && a === '' ? data : a));

describe('makemore train --resume', () => {
  it.each([
    ['sgd', []], ['adamw', ['--optimizer', 'adamw', '--lr', '0.003', '--beta2', '0.99']],
    ['wavenet', ['--model', 'wavenet', '--block-size', '4']],
  ])(
    '%s: 30 steps then --resume 30 more equals one run of 60 steps, bit for bit',
    async (_, extra) => {
      const a = join(dir, `a-${_}.json`), b = join(dir, `b-${_}.json`), c = join(dir, `c-${_}.json`);
      expect((await cli(['train', ...withData(common), ...extra, '--steps', '30', '--out', a])).code).toBe(0);
      const resumed = await cli(['train', '--resume', a, '--steps', '30', '--out', b]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(/resuming '.*' at step 30/);
      expect((await cli(['train', ...withData(common), ...extra, '--steps', '60', '--out', c])).code).toBe(0);
      const [fb, fc] = [loadModelFile(b), loadModelFile(c)];
      expect(fb.model.tensors).toEqual(fc.model.tensors);
      expect(fb.model.optimizer).toEqual(fc.model.optimizer);
      expect(fb.model.optimizer!.step).toBe(60);
      expect(fb.training.resume).toEqual(fc.training.resume);
      expect(fb.training.steps).toBe(60);
      expect(fb.training.history!.map((p) => p.step)).toEqual(fc.training.history!.map((p) => p.step));
      expect(fb.training.history).toEqual(fc.training.history);
    },
    60_000,
  );

  it('refuses flags that contradict the saved run, and damaged or unsuitable files, with exit 2 and no change', async () => {
    const a = join(dir, 'base.json');
    expect((await cli(['train', ...withData(common), '--steps', '10', '--out', a])).code).toBe(0);
    const before = readFileSync(a, 'utf8');
    const out = join(dir, 'never.json');
    const cases: [string[], RegExp][] = [
      [['--lr', '0.5'], /--lr: 0\.5 contradicts the run saved in '.*base\.json' \(0\.1\)/],
      [['--hidden', '30'], /--hidden: 30 contradicts the run saved in .* \(24\)/],
      [['--model', 'bigram'], /--model: bigram contradicts the run saved in .* \(mlp\)/],
      [['--optimizer', 'adamw'], /--optimizer: adamw contradicts the run saved in .* \(sgd\)/],
    ];
    for (const [flags, message] of cases) {
      const r = await cli(['train', '--resume', a, '--steps', '5', '--out', out, ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    const damaged = join(dir, 'damaged.json');
    writeFileSync(damaged, before.replace(/"data": "([A-Za-z])/, (_m, ch: string) => `"data": "${ch === 'A' ? 'B' : 'A'}`));
    const d = await cli(['train', '--resume', damaged, '--steps', '5', '--out', out]);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--resume: model file '.*damaged\.json': is corrupt: checksum mismatch/);
    const ngram = join(dir, 'ngram.json');
    expect((await cli(['train', '--data', data, '--model', 'ngram', '--out', ngram, '--samples', '0'])).code).toBe(0);
    const n = await cli(['train', '--resume', ngram, '--out', out]);
    expect(n.code).toBe(2);
    expect(n.stderr).toMatch(/holds a ngram model, which is fit by counting/);
    expect(readFileSync(a, 'utf8')).toBe(before);
    expect(() => readFileSync(out)).toThrow();
  }, 60_000);
});
