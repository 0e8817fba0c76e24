/**
 * `makemore train --init/--output-scale/--hidden-scale/--allow-symmetric/--diagnostics-every/--log` and
 * `makemore plot --log --what ...`: the table agrees with the log, the log's lines, and the figures' SVG structure
 * (axes, one series per layer, legend entries), run in process on a small word list.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/command.ts';
import { runCli } from '../src/cli/main.ts';
import { defaultNames } from '../src/data/default-names.ts';
import type { Diagnostics } from '../src/nn/diagnostics.ts';
import { checkWellFormed } from './helpers/xml.ts';

let dir: string;
const words = defaultNames().filter((_, i) => i % 20 === 0);

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const context: CliContext = {
    stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, onInterrupt: () => () => {},
  };
  const code = await runCli(args, context);
  return { code, out, err };
}

const count = (s: string, needle: string) => s.split(needle).length - 1;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'makemore-diag-'));
  writeFileSync(join(dir, 'words.txt'), `${words.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('makemore train with diagnostics and a run log', { timeout: 60_000 }, () => {
  const base = () => ['train', '--data', join(dir, 'words.txt'), '--hidden', '16,16', '--steps', '40', '--eval-every', '20', '--samples', '0'];
  let log: { step: number; lr: number; trainLoss: number; devLoss?: number; diagnostics?: Diagnostics }[];
  let out: string;

  beforeAll(async () => {
    const r = await cli([...base(), '--diagnostics-every', '20', '--log', join(dir, 'run.jsonl'), '--init', 'kaiming', '--output-scale', '0.01']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    out = r.out;
    log = readFileSync(join(dir, 'run.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  });

  it('logs one line per evaluation step, with losses, and the diagnostics of that step', () => {
    expect(log.map((l) => l.step)).toEqual([20, 40]);
    for (const l of log) {
      expect(l.lr).toBeGreaterThan(0);
      expect(Number.isFinite(l.trainLoss) && Number.isFinite(l.devLoss!)).toBe(true);
      expect(l.diagnostics!.step).toBe(l.step);
      expect(l.diagnostics!.activations.map((a) => a.name)).toEqual(
        ['embedding', 'hidden.0', 'hidden.0.bn', 'hidden.0.tanh', 'hidden.1', 'hidden.1.bn', 'hidden.1.tanh'],
      );
    }
  });

  it('prints a table whose saturation and update:data are the logged ones', () => {
    expect(out).toContain('model: mlp, block 3, embed 10, hidden 16,16, BatchNorm, init kaiming, output ×0.01');
    expect(count(out, 'act mean  act std  sat %')).toBe(2);
    const d = log[1]!.diagnostics!;
    const table = out.slice(out.indexOf('diagnostics at step 40'));
    for (const name of ['hidden.0.tanh', 'hidden.1.tanh']) {
      const a = d.activations.find((x) => x.name === name)!;
      const row = table.split('\n').find((l) => l.trim().startsWith(`${name} `))!;
      expect(row).toContain((100 * a.saturation!).toFixed(2));
      expect(row).toContain(a.output.std.toFixed(4));
    }
    const w = d.parameters.find((p) => p.name === 'hidden.1.weight')!;
    const row = table.split('\n').find((l) => l.includes('hidden.1.weight [16×16]'))!;
    expect(row).toContain(w.updateToData!.toFixed(3));
  });

  it('plot --log draws the four figures: axes, one series and one legend entry per layer', async () => {
    const r = await cli(['plot', '--log', join(dir, 'run.jsonl'), '--out', join(dir, 'figs')]);
    expect(r.code).toBe(0);
    const svg = (name: string) => readFileSync(join(dir, 'figs', name), 'utf8');
    for (const name of ['activations.svg', 'gradients.svg', 'weights.svg', 'updates.svg']) {
      const s = svg(name);
      checkWellFormed(s);
      expect(s, name).toContain('class="axis x"');
      expect(s, name).toContain('class="axis y"');
    }
    const perLayer = { 'activations.svg': 2, 'gradients.svg': 2, 'weights.svg': 4, 'updates.svg': 4 } as const;
    for (const [name, n] of Object.entries(perLayer)) {
      expect(count(svg(name), 'class="series"'), name).toBe(n);
      expect(count(svg(name), 'class="legend-entry"'), name).toBe(n);
    }
    const legendTexts = (name: string, word: string) => (svg(name).match(new RegExp(`>[^<]*${word}[^<]*</text>`, 'g')) ?? []).length;
    expect(legendTexts('activations.svg', 'saturated: ')).toBe(2);
    expect(legendTexts('weights.svg', 'grad:data ')).toBe(4);
    expect(svg('updates.svg')).toContain('class="guide"');
    // update:data over the two diagnostics steps: two points per weight
    const polyline = /class="series" data-label="hidden.0.weight"[^>]*points="([^"]*)"/.exec(svg('updates.svg'))!;
    expect(polyline[1]!.trim().split(' ')).toHaveLength(2);
  });

  it('plot --what picks one figure; --step picks the diagnostics step, naming the steps there are', async () => {
    const r = await cli(['plot', '--log', join(dir, 'run.jsonl'), '--what', 'activations', '--step', '20', '--out', join(dir, 'one')]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'one', 'activations.svg'), 'utf8')).toContain('at step 20');
    expect(existsSync(join(dir, 'one', 'updates.svg'))).toBe(false);
    const bad = await cli(['plot', '--log', join(dir, 'run.jsonl'), '--step', '7', '--out', join(dir, 'one')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('no diagnostics at step 7 (it has 20, 40)');
  });

  it('a log without diagnostics is refused with the flags to use', async () => {
    expect((await cli([...base(), '--log', join(dir, 'plain.jsonl')])).code).toBe(0);
    const lines = readFileSync(join(dir, 'plain.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const r = await cli(['plot', '--log', join(dir, 'plain.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--diagnostics-every N --log FILE');
  });
});

describe('makemore train initialization flags', { timeout: 60_000 }, () => {
  const base = () => ['train', '--data', join(dir, 'words.txt'), '--hidden', '8', '--steps', '5', '--samples', '0', '--split', '1,0,0'];

  it('an unknown scheme is a usage error listing the schemes', async () => {
    const r = await cli([...base(), '--init', 'he']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--init');
    expect(r.err).toContain('lecture, kaiming, xavier, naive');
  });

  it('a zero hidden layer is refused, explaining symmetry; --allow-symmetric trains it', async () => {
    const r = await cli([...base(), '--hidden-scale', '0']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/stay identical.*--allow-symmetric/);
    expect((await cli([...base(), '--hidden-scale', '0', '--output-scale', '0', '--allow-symmetric'])).code).toBe(0);
  });

  it('--diagnostics-every applies to the models built of layers, --init to the mlp', async () => {
    const r = await cli(['train', '--model', 'bigram', '--data', join(dir, 'words.txt'), '--diagnostics-every', '5']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--diagnostics-every: applies to --model mlp, wavenet, rnn, gru or lstm');
    expect((await cli(['train', '--model', 'bigram', '--data', join(dir, 'words.txt'), '--init', 'naive'])).err).toContain('--init: applies to --model mlp');
  });
});
