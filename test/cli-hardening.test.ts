/**
 * Issue 11, CLI behaviour: nothing lost (save before anything that can fail, --out checked up front, interrupted and
 * diverged runs), nothing hung (inputs that are not regular text files), nothing silently wrong (exploding losses,
 * underflowing rates), and every bad input exits 2 with nothing on stdout.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlainReporter, JsonReporter, type ProgressInfo } from '../src/cli/progress.ts';
import { defaultNames } from '../src/data/default-names.ts';
import { splitWords } from '../src/data/words.ts';
import { loadModelFile, saveModelFile } from '../src/io/model-file-node.ts';
import { modelFromJSON } from '../src/io/load-model.ts';
import { BACKEND, runInProcess, runSubprocess, startCli, type Run } from './helpers/cli-run.ts';

const words = defaultNames().filter((_, i) => i % 20 === 0);
let dir: string;

/** Words over `count` distinct characters (CJK ideographs), eight characters each. */
function wordsOver(count: number): string {
  const chars = Array.from({ length: count }, (_, i) => String.fromCodePoint(0x4e00 + i));
  const out: string[] = [];
  for (let i = 0; i < count; i += 8) out.push(chars.slice(i, i + 8).join(''));
  return `${out.join('\n')}\n`;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'makemore-hardening-'));
  writeFileSync(join(dir, 'words.txt'), `${words.join('\n')}\n`);
  writeFileSync(join(dir, 'big-vocab.txt'), wordsOver(3000)); // 3,001 characters with '.'
  writeFileSync(join(dir, 'huge-vocab.txt'), wordsOver(8191)); // 8,192 characters with '.'
  writeFileSync(join(dir, 'wide.txt'), wordsOver(200));
  // "Zoë" and "Renée" in Latin-1 and in UTF-16 LE with a byte-order mark
  writeFileSync(join(dir, 'latin1.txt'), Buffer.from('anna\nZo\u00eb\nRen\u00e9e\n', 'latin1'));
  writeFileSync(join(dir, 'utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('anna\nzoe\n', 'utf16le')]));
  writeFileSync(join(dir, 'controls.txt'), 'anna\nbo\u0007b\n');
  mkdirSync(join(dir, 'adir'));
  writeFileSync(join(dir, 'target.json'), 'not a model yet');
  symlinkSync('target.json', join(dir, 'link.json'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Exit 2, nothing on stdout, the message on stderr. */
function expectUsage(r: Run, message: RegExp, label: string): void {
  expect(r.stderr, label).toMatch(message);
  expect(r.code, label).toBe(2);
  expect(r.stdout, label).toBe('');
}

const NGRAM = ['train', '--data', 'words.txt', '--model', 'ngram', '--split', '1,0,0'];

describe('bad input: exit 2 before any work, nothing on stdout (items 1, 2, 4, 5, 6, 10)', { timeout: 120_000 }, () => {
  const cases: [string[], RegExp][] = [
    // 1: bounded counts
    [[...NGRAM, '--samples', '1e9'], /--samples: expected an integer from 0 to 100000, got '1e9'/],
    [['sample', '--model', 'x.json', '--count', '1e9'], /--count: expected an integer from 1 to 100000, got '1e9'/],
    // 2: --out checked completely
    [[...NGRAM, '--out', 'models/'], /--out: 'models\/' ends with a slash/],
    [[...NGRAM, '--out', 'adir'], /--out: 'adir' is a directory/],
    [[...NGRAM, '--out', 'words.txt'], /--out: 'words\.txt' is the same file as --data 'words\.txt'; writing it would replace that input/],
    [[...NGRAM, '--out', './adir/../words.txt'], /is the same file as --data 'words\.txt'/],
    [[...NGRAM, '--out', 'link.json'], /--out: 'link\.json' is a symbolic link \(to 'target\.json'\); makemore does not write through links/],
    [[...NGRAM, '--out', '/dev/null'], /--out: '\/dev\/null' is a character device, expected a regular file/],
    [[...NGRAM, '--out', 'words.txt/m.json'], /--out: the parent of 'words\.txt\/m\.json', 'words\.txt', is not a directory/],
    // 4: models too large for a model file, refused before counting
    [['train', '--data', 'huge-vocab.txt', '--model', 'ngram', '--n', '2'], /--n: an ngram model with n = 2 over 8192 characters \(8192\^2 counts\) holds 67,108,864 values: its model file would take 341 MiB/],
    // 5: inputs that are not text
    [['train', '--data', 'latin1.txt'], /--data: 'latin1\.txt' is not valid UTF-8: byte 0xEB at offset 7 \(line 2, "Zo\\xEB"\)/],
    [['train', '--data', 'utf16.txt'], /--data: 'utf16\.txt' is UTF-16/],
    [['train', '--data', 'controls.txt'], /--data: 'controls\.txt' line 2: the word "bo\\u0007b" contains the control character U\+0007/],
    [['train', '--data', '/dev/zero'], /--data: '\/dev\/zero' is a character device, expected a regular file/],
    [['train', '--data', 'adir'], /--data: 'adir' is a directory, expected a regular file/],
    [['eval', '--model', 'adir', '--data', 'words.txt'], /--model: model file 'adir': is a directory, expected a regular file/],
    [['sample', '--model', '/dev/zero'], /--model: model file '\/dev\/zero': is a character device/],
    // 6: a learning rate that is 0 in float32
    [['train', '--data', 'words.txt', '--lr', '1e-50', '--steps', '10'], /--lr: 1e-50 is 0 in float32/],
    // 2e-45 is float32's second-smallest positive number; its tenth is 0
    [['train', '--data', 'words.txt', '--lr', '2e-45', '--steps', '10'], /--lr: 2e-45\/10, the rate after --lr-decay-at, is 0 in float32/],
    // 10: consistency
    [['train', '--data', 'words.txt', '--batch-size', '1', '--steps', '10'], /--batch-size: BatchNorm needs at least 2 examples per batch/],
    [['train', '--data', 'big-vocab.txt', '--model', 'ngram', '--n', '3'], /--n: an ngram model with n = 3 over 3001 characters/],
    [['train', '--data', '--steps', '100'], /--data: is missing its value \(a FILE\); got the flag --steps instead/],
    [['sample', '--model', 'x.json', '--prefix', 'abcdef', '--max-length', '3'], /--prefix: 6 characters is longer than --max-length 3/],
  ];

  it('every case, in-process through runCli', async () => {
    for (const [args, message] of cases) expectUsage(await runInProcess(dir, args), message, args.join(' '));
    // the corpus named as --out is untouched
    expect(readFileSync(join(dir, 'words.txt'), 'utf8')).toBe(`${words.join('\n')}\n`);
    expect(readFileSync(join(dir, 'target.json'), 'utf8')).toBe('not a model yet');
  });

  it('as a subprocess: --out equal to --data leaves the corpus byte-identical; /dev/zero and a FIFO do not hang', async () => {
    const fifo = join(dir, 'pipe.txt');
    let haveFifo = true;
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      haveFifo = false;
    }
    const before = readFileSync(join(dir, 'words.txt'));
    const runs = await Promise.all([
      runSubprocess(dir, ['train', '--data', 'words.txt', '--out', 'words.txt', '--model', 'ngram']),
      runSubprocess(dir, ['train', '--data', '/dev/zero']),
      ...(haveFifo ? [runSubprocess(dir, ['train', '--data', 'pipe.txt'])] : []),
    ]);
    expectUsage(runs[0]!, /is the same file as --data/, 'out = data');
    expect(readFileSync(join(dir, 'words.txt')).equals(before)).toBe(true);
    expectUsage(runs[1]!, /character device/, '/dev/zero');
    if (haveFifo) expectUsage(runs[2]!, /is a FIFO \(named pipe\)/, 'fifo');
  });

  it.runIf(process.getuid?.() !== 0)('a read-only parent directory is refused up front', async () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    try {
      expectUsage(await runInProcess(dir, [...NGRAM, '--out', 'ro/m.json']), /--out: cannot write in the directory 'ro'/, 'read-only');
    } finally {
      chmodSync(ro, 0o755);
    }
  });

  it('a missing parent directory is created (as before), and the model written there', async () => {
    const r = await runInProcess(dir, [...NGRAM, '--out', 'new/deeper/m.json', '--samples', '0']);
    expect(r.code).toBe(0);
    expect(loadModelFile(join(dir, 'new/deeper/m.json')).model.kind).toBe('ngram');
  });
});

describe('save before anything that can fail (item 1)', () => {
  it('writes --out before drawing the final samples', async () => {
    const r = await runInProcess(dir, [...NGRAM, '--out', 'order.json', '--samples', '5']);
    expect(r.code).toBe(0);
    const wrote = r.stdout.indexOf('wrote order.json');
    const samples = r.stdout.indexOf('samples from the trained model');
    expect(wrote).toBeGreaterThan(-1);
    expect(samples).toBeGreaterThan(wrote);
  });
});

describe('a plot of a huge vocabulary or a malformed history (items 4, 10)', () => {
  it('draws the 64 most frequent characters and says so in the title', async () => {
    expect((await runInProcess(dir, ['train', '--data', 'wide.txt', '--model', 'ngram', '--split', '1,0,0', '--out', 'wide.json', '--samples', '0'])).code).toBe(0);
    const r = await runInProcess(dir, ['plot', '--model', 'wide.json', '--out', 'wideplots']);
    expect(r.code).toBe(0);
    const svg = readFileSync(join(dir, 'wideplots/bigram.svg'), 'utf8');
    expect(svg).toContain('Bigram counts: the 64 most frequent of 201 characters');
    expect(svg.match(/<rect x=/g)!.length).toBe(64 * 64); // one cell per pair of the 64
  });

  it('refuses a history that is not a list of points, saying so', async () => {
    const good = loadModelFile(join(dir, 'wide.json'));
    saveModelFile(join(dir, 'badhist.json'), good.model, { history: [{ step: 1, train: 3 }, { step: 'two', train: 2 }] as never });
    expectUsage(
      await runInProcess(dir, ['plot', '--model', 'badhist.json', '--out', 'badplots']),
      /--model: model file 'badhist\.json': its training history is malformed \(point 1 has no numeric 'step' \(got "two"\)\)/,
      'bad history',
    );
    expect(existsSync(join(dir, 'badplots/bigram.svg'))).toBe(false);
  });
});

describe('divergence (items 3, 6): exit 1, --out never written (as issue 10 decided)', { timeout: 120_000 }, () => {
  const MLP = ['train', '--data', 'words.txt', '--embed', '4', '--hidden', '16', '--batch-size', '16', '--backend', BACKEND, '--samples', '0'];

  it('an exploding but finite loss stops with exit 1 and "lower learning rate"; an existing --out stays as it was', async () => {
    writeFileSync(join(dir, 'exploded.json'), 'an earlier model');
    const r = await runInProcess(dir, [...MLP, '--steps', '2000', '--lr', '1e5', '--eval-every', '1', '--out', 'exploded.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/(the training loss reached [\d.e+]+, above 10 × ln 27 = 33\.0, at step \d+|the (dev )?loss became (NaN|-?Infinity) at step \d+)/);
    expect(r.stderr).toMatch(/try a lower learning rate \(see --lr\); 'exploded\.json' was not written/);
    expect(r.stderr).toMatch(/the best dev loss was [\d.]+, at step \d+/);
    expect(readFileSync(join(dir, 'exploded.json'), 'utf8')).toBe('an earlier model');
  });

  it('a divergence before any dev evaluation writes nothing and says so', async () => {
    const r = await runInProcess(dir, [...MLP, '--steps', '2000', '--lr', '1e5', '--eval-every', '1000', '--out', 'nothing.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/'nothing\.json' was not written/);
    expect(r.stderr).not.toMatch(/best dev loss/);
    expect(existsSync(join(dir, 'nothing.json'))).toBe(false);
  });

  it('a huge weight decay is named as the cause, not the learning rate', async () => {
    const r = await runInProcess(dir, [...MLP, '--steps', '200', '--weight-decay', '1e30', '--eval-every', '1000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the weight decay 1e\+30 diverged: with learning rate 0\.1, lr·weight decay = 1\.00e\+29/);
    expect(r.stderr).toMatch(/lower --weight-decay/);
    expect(r.stderr).not.toMatch(/lower learning rate/);
  });
});

describe('interrupt signals (item 3)', { timeout: 120_000 }, () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} mid-training writes the best model so far, loadable, and exits 130`, async () => {
      const out = `${signal}.json`;
      const child = startCli(dir, [
        'train', '--data', 'words.txt', '--steps', '100000000', '--embed', '4', '--hidden', '16', '--batch-size', '16',
        '--eval-every', '20', '--backend', BACKEND, '--out', out, '--json',
      ]);
      let stdout = '';
      const closed = once(child, 'close');
      child.stdout!.on('data', (d) => {
        stdout += String(d);
        if ((stdout.match(/"dev_loss"/g) ?? []).length >= 3 && child.signalCode === null && !child.killed) child.kill(signal);
      });
      const [code] = (await closed) as [number | null];
      expect(code).toBe(130);
      const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const summary = events[events.length - 1]!;
      expect(summary).toMatchObject({ event: 'summary', interrupted: true, out });
      const file = loadModelFile(join(dir, out));
      expect(file.training.interrupted).toBe(true);
      const { dev } = splitWords(words, { seed: 42, fractions: [0.8, 0.1, 0.1] });
      const model = await modelFromJSON(file.model, { backend: BACKEND });
      expect(model.nll(dev)).toBe(summary.dev_loss);
    });
  }
});

describe('time-based progress on a huge --steps (item 10)', () => {
  const info = (step: number): ProgressInfo => ({ step, steps: 1e12, loss: 2.5, stepsPerSecond: 1000 });
  for (const Reporter of [PlainReporter, JsonReporter]) {
    it(`${Reporter.name} prints at least every 5 seconds, not only every tenth of the run`, () => {
      let text = '';
      let now = 0;
      const r = new Reporter({ write: (t: string) => (text += t) }, () => now);
      for (let step = 100; step <= 10_000; step += 100) {
        now += 1000; // 100 steps a second: a tenth of this run would take 32 years
        r.progress(info(step));
      }
      const lines = text.trim().split('\n');
      // the first report at t = 1 s, then one every 5 s: t = 6, 11, ..., 96 s
      expect(lines.length).toBe(1 + Math.floor((100 - 1) / 5));
    });
  }
});
