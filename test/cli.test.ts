/**
 * The `makemore` command line, driven as a subprocess through bin/makemore.js (tsx), on small data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultNames } from '../src/data/default-names.ts';
import { splitWords } from '../src/data/words.ts';
import { loadModelFile } from '../src/io/model-file-node.ts';
import type { CliContext } from '../src/cli/command.ts';
import { runCli } from '../src/cli/main.ts';
import {
  createReporter,
  formatDuration,
  JsonReporter,
  PlainReporter,
  TtyReporter,
  type OutputStream,
  type ProgressInfo,
} from '../src/cli/progress.ts';
import { modelFromJSON } from '../src/io/load-model.ts';
import { checkWellFormed } from './helpers/xml.ts';

const BIN = fileURLToPath(new URL('../bin/makemore.js', import.meta.url));
const HAS_WASM = existsSync(fileURLToPath(new URL('../build/kernels.wasm', import.meta.url)));
const BACKEND = HAS_WASM ? 'wasm' : 'js';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let dir: string;

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function run(args: string[]): Promise<Run> {
  const child = start(args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout, stderr };
}

/** A CliContext that records what a command writes. */
function captureContext(): { context: CliContext; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    context: {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      onInterrupt: () => () => {},
    },
    stdout: () => out,
    stderr: () => err,
  };
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split('\n').filter((l) => l !== '');
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

// every 20th embedded name: ~420 words, enough to train a little, quick to evaluate
const words = defaultNames().filter((_, i) => i % 20 === 0);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'makemore-cli-'));
  writeFileSync(join(dir, 'words.txt'), `${words.join('\n')}\n`);
  writeFileSync(join(dir, 'empty.txt'), '\n\n');
  writeFileSync(join(dir, 'dots.txt'), 'ann\nst.john\n');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('makemore train → sample → eval → plot', { timeout: 60000 }, () => {
  let summary: Record<string, unknown>;

  it('trains an MLP, prints only JSON lines with --json, and writes a model file that loads', async () => {
    const r = await run([
      'train', '--data', 'words.txt', '--model', 'mlp', '--steps', '40', '--embed', '4', '--hidden', '16',
      '--batch-size', '16', '--split', '1,0,0', '--backend', BACKEND, '--out', 'm.json', '--json', '--samples', '3',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = jsonLines(r.stdout); // throws if any line is not JSON
    expect(events[0].event).toBe('start');
    expect(events.some((e) => e.event === 'progress')).toBe(true);
    summary = events[events.length - 1];
    expect(summary.event).toBe('summary');
    expect(summary.steps).toBe(40);
    expect(typeof summary.seconds).toBe('number');
    expect(typeof summary.train_loss).toBe('number');
    // --split 1,0,0: everything is training data, nothing to report for dev and test
    expect(summary.dev_loss).toBeNull();
    expect(summary.test_loss).toBeNull();
    const samples = events.find((e) => e.event === 'samples' && e.step === null) as { samples: { word: string; in: string }[] };
    expect(samples.samples.length).toBe(3);
    for (const s of samples.samples) expect(s.in).toBe(words.includes(s.word) ? 'train' : 'new');

    const file = loadModelFile(join(dir, 'm.json'));
    expect(file.model.kind).toBe('mlp');
    expect(file.model.config).toMatchObject({ blockSize: 3, embedDim: 4, hidden: [16], batchNorm: true });
    expect(file.training.steps).toBe(40);
    expect(file.training.history!.length).toBeGreaterThan(0);
    expect(file.training.history![file.training.history!.length - 1].step).toBe(40);
  });

  it('sample is deterministic for a seed and matches the library', async () => {
    const args = ['sample', '--model', 'm.json', '--seed', '5', '--count', '8', '--backend', BACKEND];
    const [a, b, other] = await Promise.all([run(args), run(args), run([...args.slice(0, 3), '--seed', '6', '--count', '8'])]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(other.stdout);
    const model = await modelFromJSON(loadModelFile(join(dir, 'm.json')).model, { backend: BACKEND });
    expect(a.stdout).toBe(model.sample({ count: 8, seed: 5 }).map((w) => `${w}\n`).join(''));
  });

  it('sample --prefix starts every word with the prefix', async () => {
    const r = await run(['sample', '--model', 'm.json', '--prefix', 'ma', '--count', '5']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(5);
    for (const line of lines) expect(line.startsWith('ma')).toBe(true);
  });

  it("eval prints the library's mean NLL and the number of predicted characters", async () => {
    const r = await run(['eval', '--model', 'm.json', '--data', 'words.txt', '--json', '--backend', BACKEND]);
    expect(r.code).toBe(0);
    const [result] = jsonLines(r.stdout);
    const model = await modelFromJSON(loadModelFile(join(dir, 'm.json')).model, { backend: BACKEND });
    expect(result.nll).toBe(model.nll(words));
    expect(result.count).toBe(words.reduce((s, w) => s + w.length + 1, 0));
    expect(result.words).toBe(words.length);
    // trained with --split 1,0,0, the reported train loss is over the same words (in shuffled order)
    expect(result.nll as number).toBeCloseTo(summary.train_loss as number, 10);
    const text = await run(['eval', '--model', 'm.json', '--data', 'words.txt', '--backend', BACKEND]);
    expect(text.stdout).toContain(`mean NLL ${(result.nll as number).toFixed(4)} over ${result.count} characters`);
  });

  it('plot writes a loss curve and an embedding scatter that are well-formed SVG', async () => {
    const r = await run(['plot', '--model', 'm.json', '--out', 'plots']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join('plots', 'loss.svg'));
    for (const name of ['loss.svg', 'embedding.svg']) checkWellFormed(readFileSync(join(dir, 'plots', name), 'utf8'));
    expect(existsSync(join(dir, 'plots', 'bigram.svg'))).toBe(false);
  });

  it('an n-gram model plots its bigram counts, counted independently here', async () => {
    const t = await run(['train', '--data', 'words.txt', '--model', 'ngram', '--split', '1,0,0', '--out', 'ng.json']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/loss \(mean NLL\): train \d\.\d{4}  dev -  test -/);
    const r = await run(['plot', '--model', 'ng.json', '--out', 'ngplots']);
    expect(r.code).toBe(0);
    const svg = readFileSync(join(dir, 'ngplots', 'bigram.svg'), 'utf8');
    checkWellFormed(svg);
    const count = (a: string, b: string): number =>
      words.reduce((n, w) => n + [...`.${w}.`].filter((c, i, s) => c === a && s[i + 1] === b).length, 0);
    for (const [a, b] of [['.', 'a'], ['a', 'n'], ['e', '.'], ['q', 'z']]) {
      expect(svg).toContain(`<title>${a}${b}: ${count(a, b)}</title>`);
    }
  });

  it('a neural bigram trains full batch and plots its probabilities', async () => {
    const t = await run(['train', '--data', 'words.txt', '--model', 'bigram', '--steps', '5', '--backend', BACKEND, '--out', 'bg.json']);
    expect(t.code).toBe(0);
    const r = await run(['plot', '--model', 'bg.json', '--out', 'bgplots']);
    expect(r.code).toBe(0);
    checkWellFormed(readFileSync(join(dir, 'bgplots', 'bigram.svg'), 'utf8'));
    expect(readFileSync(join(dir, 'bgplots', 'bigram.svg'), 'utf8')).toContain('Bigram probabilities');
  });

  it('a WaveNet trains with its own defaults (lr ÷10 at three quarters of the steps) and its flags, and plots', async () => {
    const t = await run([
      'train', '--data', 'words.txt', '--model', 'wavenet', '--block-size', '4', '--embed', '5', '--hidden', '12,10',
      '--steps', '40', '--batch-size', '8', '--backend', BACKEND, '--out', 'wn.json', '--samples', '2',
    ]);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/model: wavenet, block 4, embed 5, hidden 12,10, flatten 2 \(2 levels\); \d+ parameters/);
    expect(t.stdout).toMatch(/lr 0\.1 → 0\.01 at step 30/);
    const file = loadModelFile(join(dir, 'wn.json'));
    expect(file.model.kind).toBe('wavenet');
    expect(file.model.config).toMatchObject({ blockSize: 4, embedDim: 5, hidden: [12, 10], flatten: 2, momentum: 0.1 });
    expect(file.training.settings).toMatchObject({ lrDecayAt: 30, steps: 40 });
    const e = await run(['eval', '--model', 'wn.json', '--data', 'words.txt', '--json', '--backend', BACKEND]);
    const model = await modelFromJSON(file.model, { backend: BACKEND });
    expect(jsonLines(e.stdout)[0]!.nll).toBe(model.nll(words));
    const p = await run(['plot', '--model', 'wn.json', '--out', 'wnplots']);
    expect(p.code).toBe(0);
    for (const name of ['loss.svg', 'embedding.svg']) checkWellFormed(readFileSync(join(dir, 'wnplots', name), 'utf8'));
  });

  it('a damaged model file is refused with a message naming the file and the problem (exit 2)', async () => {
    const good = readFileSync(join(dir, 'm.json'), 'utf8');
    const doc = JSON.parse(good);
    const firstTensor = Object.keys(doc.model.tensors)[0];
    const flipped = structuredClone(doc);
    const data: string = flipped.model.tensors[firstTensor].data;
    flipped.model.tensors[firstTensor].data = (data[0] === 'A' ? 'B' : 'A') + data.slice(1);
    const newer = structuredClone(doc);
    newer.version = 99;
    const alien = structuredClone(doc);
    alien.format = 'something-else';
    const damaged: [string, string, RegExp][] = [
      ['truncated.json', good.slice(0, good.length >> 1), /model file 'truncated\.json': is truncated/],
      ['flipped.json', JSON.stringify(flipped), /model file 'flipped\.json': is corrupt: checksum mismatch/],
      ['newer.json', JSON.stringify(newer), /model file 'newer\.json': is damaged or was written by a newer makemore-wasm \(format version 99/],
      ['alien.json', JSON.stringify(alien), /model file 'alien\.json': is not a makemore-wasm model file/],
      ['words.json', '["emma", "ava"]', /model file 'words\.json': is not a JSON object/],
    ];
    for (const [name, text] of damaged) writeFileSync(join(dir, name), text);
    const runs = await Promise.all(damaged.map(([name]) => run(['sample', '--model', name])));
    runs.forEach((r, i) => {
      expect(r.code, damaged[i][0]).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^makemore sample: --model: /);
      expect(r.stderr).toMatch(damaged[i][2]);
    });
  });
});

describe('makemore bad input: exit code 2 and a message naming the flag', { timeout: 60000 }, () => {
  const cases: [string[], RegExp][] = [
    [['train', '--foo'], /unknown flag --foo for 'makemore train' \(accepted: --data, --model, .*--json\)/],
    [['train', '--steps', 'many'], /--steps: expected an integer >= 1, got 'many'/],
    [['train', '--steps', '0'], /--steps: expected an integer >= 1, got '0'/],
    [['train', '--lr', '-1'], /--lr: expected a number > 0, got '-1'/],
    [['train', '--model', 'cnn'], /--model: expected one of ngram, bigram, mlp, wavenet, rnn, gru, lstm\b.*got 'cnn'/],
    [['train', '--backend', 'gpu'], /--backend: expected one of wasm, js, got 'gpu'/],
    [['train', '--hidden', '200,x'], /--hidden: expected comma-separated integers >= 1.*got '200,x'/],
    [['train', '--split', '0.9,0.2,0'], /--split: expected 3 fractions >= 0 that sum to 1, got '0.9,0.2,0'/],
    [['train', '--model', 'ngram', '--steps', '5'], /--steps: applies to --model bigram, mlp, wavenet, rnn, gru,? .*lstm.*, not to --model ngram/],
    [['train', '--model', 'wavenet', '--block-size', '6'], /--block-size, --flatten: block size 6 is not a power of flatten 2 \(2, 4, 8, …\)/],
    [['train', '--model', 'wavenet', '--hidden', '8,8'], /--hidden: expected one width or 3 \(one per level: block size 8, flatten 2\), got 8,8/],
    [['train', '--model', 'wavenet', '--flatten', '1'], /--flatten: expected an integer >= 2, got '1'/],
    [['train', '--model', 'wavenet', '--no-batchnorm'], /--no-batchnorm: applies to --model mlp, not to --model wavenet/],
    [['train', '--steps'], /--steps: needs a value/],
    [['train', '--data', 'missing.txt'], /--data: file 'missing\.txt' does not exist/],
    [['train', '--data', 'empty.txt'], /--data: file 'empty\.txt' contains no words/],
    [['train', '--data', 'words.txt', '--out', '.'], /--out: '\.' is a directory/],
    [['sample'], /--model: required/],
    [['sample', '--model', 'missing.json'], /--model: model file 'missing\.json': does not exist/],
    [['sample', '--model', 'm.json', '--temperature', '0'], /--temperature: expected a number > 0, got '0'/],
    [['eval', '--data', 'words.txt'], /--model: required/],
    [['eval', '--model', 'missing.json', '--data', 'missing.txt'], /--data: file 'missing\.txt' does not exist/],
    [['plot'], /--model: required/],
    [['fly'], /unknown command 'fly' \(accepted: train, sample, eval, plot\)/],
    [['train', 'words.txt'], /unexpected argument 'words\.txt'/],
    [['train', '--data', 'dots.txt', '--model', 'ngram'], /--data: word "st\.john" \(words\[1\]\) contains '\.'/],
    [['train', '--data', 'words.txt', '--batch-size', '100000', '--steps', '1', '--backend', 'js'], /--batch-size: 100000 is more than the \d+ training examples/],
    [['eval', '--model', 'm.json', '--data', 'dots.txt'], /--data: the word "st\.john" has the character "\.", which the model's vocabulary/],
  ];

  it('as a subprocess: unknown flag, bad value, missing --model, nonexistent and empty data file', async () => {
    const core = [0, 1, 13, 10, 11].map((i) => cases[i]);
    const runs = await Promise.all(core.map(([args]) => run(args)));
    runs.forEach((r, i) => {
      const label = core[i][0].join(' ');
      expect(r.stderr, label).toMatch(core[i][1]);
      expect(r.code, label).toBe(2);
      expect(r.stdout, label).toBe('');
    });
  }, 60000);

  it('every case, in-process through runCli (the code bin/makemore.js runs)', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      for (const [args, message] of cases) {
        const io = captureContext();
        const code = await runCli(args, io.context);
        const label = args.join(' ');
        expect(io.stderr(), label).toMatch(message);
        expect(code, label).toBe(2);
        expect(io.stdout(), label).toBe('');
      }
    } finally {
      process.chdir(cwd);
    }
  });

  it('--help of every command lists its flags and exits 0', async () => {
    const top = await run(['--help']);
    const help = async (command: string): Promise<Run> => {
      const io = captureContext();
      const code = await runCli([command, '--help'], io.context);
      return { code, signal: null, stdout: io.stdout(), stderr: io.stderr() };
    };
    const [train, sample, evalHelp, plot] = await Promise.all(['train', 'sample', 'eval', 'plot'].map(help));
    for (const r of [top, train, sample, evalHelp, plot]) expect(r.code).toBe(0);
    expect(top.stdout).toMatch(/Commands:\n {2}train .*\n {2}sample .*\n {2}eval .*\n {2}plot /);
    const flagsOf = (help: string): string[] => [...help.matchAll(/^ {2}--([a-z0-9-]+)/gm)].map((m) => m[1]);
    expect(flagsOf(train.stdout)).toEqual([
      'data', 'model', 'n', 'smoothing', 'block-size', 'embed', 'hidden', 'no-batchnorm', 'init', 'output-scale',
      'hidden-scale', 'allow-symmetric', 'flatten', 'layers', 'heads', 'embed2', 'steps', 'batch-size',
      'optimizer', 'lr', 'momentum', 'beta1', 'beta2', 'lr-decay-at', 'weight-decay', 'split', 'seed', 'eval-every',
      'backend', 'samples', 'top-k', 'out', 'resume', 'diagnostics-every', 'log', 'json', 'help',
    ]);
    expect(flagsOf(sample.stdout)).toEqual(['model', 'count', 'seed', 'temperature', 'prefix', 'top-k', 'max-length', 'backend', 'help']);
    expect(flagsOf(evalHelp.stdout)).toEqual(['model', 'data', 'backend', 'json', 'help']);
    expect(flagsOf(plot.stdout)).toEqual(['model', 'log', 'what', 'step', 'out', 'help']);
  }, 30000);
});

describe('makemore train interrupted by Ctrl-C (SIGINT)', { timeout: 60000 }, () => {
  it('stops, writes the best model so far (by dev loss) and exits 130', async () => {
    const child = start([
      'train', '--data', 'words.txt', '--steps', '100000000', '--embed', '4', '--hidden', '16', '--batch-size', '16',
      '--eval-every', '20', '--backend', BACKEND, '--out', 'int.json', '--json',
    ]);
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    const closed = once(child, 'close');
    // Ctrl-C once three dev evaluations have been reported (keep reading: closing the pipe would be another story)
    child.stdout!.on('data', (d) => {
      stdout += String(d);
      if ((stdout.match(/"dev_loss"/g) ?? []).length >= 3 && child.signalCode === null && !child.killed) child.kill('SIGINT');
    });
    const [code] = (await closed) as [number | null];
    expect(stderr).toBe('');
    expect(code).toBe(130);
    const events = jsonLines(stdout);
    const summary = events[events.length - 1];
    expect(summary).toMatchObject({ event: 'summary', interrupted: true, out: 'int.json' });
    const devLosses = events.filter((e) => e.event === 'progress' && typeof e.dev_loss === 'number').map((e) => e.dev_loss as number);
    const best = Math.min(...devLosses);
    expect(summary.dev_loss).toBe(best);

    const file = loadModelFile(join(dir, 'int.json'));
    expect(file.training.interrupted).toBe(true);
    expect(file.training.steps).toBeLessThan(100000000);
    // the saved parameters are those that scored the best dev loss: recompute it on the same split
    const { dev } = splitWords(words, { seed: 42, fractions: [0.8, 0.1, 0.1] });
    const model = await modelFromJSON(file.model, { backend: BACKEND });
    expect(model.nll(dev)).toBe(best);
  }, 60000);
});

describe('progress display', () => {
  const info = (step: number, devLoss?: number): ProgressInfo => ({ step, steps: 1000, loss: 2.5, devLoss, stepsPerSecond: 100 });
  const sink = (isTTY = false): { stream: OutputStream; text: () => string } => {
    let text = '';
    return { stream: { write: (t: string) => (text += t), isTTY, columns: 200 }, text: () => text };
  };

  it('picks JSON, a live bar or plain lines', () => {
    expect(createReporter(sink(true).stream, true)).toBeInstanceOf(JsonReporter);
    expect(createReporter(sink(true).stream, false)).toBeInstanceOf(TtyReporter);
    expect(createReporter(sink(false).stream, false)).toBeInstanceOf(PlainReporter);
  });

  it('plain lines: about every tenth of the run and the last step, with the latest dev loss and an ETA', () => {
    const out = sink();
    const r = new PlainReporter(out.stream);
    for (let s = 1; s <= 1000; s++) r.progress(info(s, s % 250 === 0 ? 3 - s / 1000 : undefined));
    const lines = out.text().trimEnd().split('\n');
    expect(lines.map((l) => Number(/step +(\d+)\//.exec(l)![1]))).toEqual([1, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(lines[3]).toBe('step  300/1000  loss 2.5000  dev 2.7500  100 steps/s  ETA 7.0s');
    expect(lines[10]).toContain('dev 2.0000');
  });

  it('the bar redraws in place, at most every 100 ms, and text lines scroll above it', () => {
    const out = sink(true);
    let t = 0;
    const r = new TtyReporter(out.stream, () => t);
    r.progress(info(1));
    t = 50;
    r.progress(info(2)); // too soon: skipped
    t = 150;
    r.progress(info(500, 2.25));
    r.line('samples');
    r.finish();
    const draws = out.text().split('\r\x1b[2K').filter((d) => d.startsWith('['));
    expect(draws.length).toBe(3); // step 1, step 500, and the redraw after the text line
    expect(draws[1]).toMatch(/^\[#{12}\.{12}\]  50% step 500\/1000 loss 2\.5000 dev 2\.2500 100 steps\/s ETA 5\.0s$/);
    expect(out.text()).toContain('\r\x1b[2Ksamples\n');
    expect(out.text().endsWith('\n')).toBe(true);
  });

  it('JSON: objects only, non-finite numbers as null', () => {
    const out = sink();
    const r = new JsonReporter(out.stream);
    r.line('not shown');
    r.progress({ ...info(1), loss: Number.NaN });
    r.event({ event: 'summary', train_loss: 2 });
    const lines = out.text().trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { event: 'progress', step: 1, steps: 1000, loss: null, steps_per_second: 100 },
      { event: 'summary', train_loss: 2 },
    ]);
  });

  it('formats durations', () => {
    expect([0.04, 9.94, 10, 59.4, 187, 3720].map(formatDuration)).toEqual(['0.0s', '9.9s', '10s', '59s', '3m07s', '1h02m']);
  });
});
