/**
 * How the CLI fails, as a subprocess: a diverging run (non-finite training, dev or final loss) exits 1 with the
 * learning-rate advice and leaves --out untouched, for every model kind; a corpus too small for the split names the
 * file and its word count; --version prints the package's version. Also `npm run reference` without its corpus.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultNames } from '../src/data/default-names.ts';
import { MODEL_FILE_VERSION } from '../src/io/model-file.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'makemore.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;

async function run(args: string[], command = [BIN], cwd = dir): Promise<Run> {
  const child = spawn(process.execPath, [...command, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

const OLD = '{"an earlier model": true}\n';

/**
 * Issue 11: a finite training loss above 10 × ln V is divergence too, and at --lr 1e6 the neural bigram's training
 * loss gets there before its dev or final loss overflows — either message is a correct report of this run.
 */
const EXPLODED = 'the training loss reached [\\d.e+]+, above 10 × ln \\d+ = [\\d.]+, at step \\d+ \\(learning rate 1000000\\): training diverged — try a lower learning rate';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'makemore-fail-'));
  writeFileSync(join(dir, 'words.txt'), `${defaultNames().filter((_, i) => i % 20 === 0).join('\n')}\n`);
  writeFileSync(join(dir, 'one.txt'), 'anna\n');
  writeFileSync(join(dir, 'two.txt'), 'anna\nbob\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a diverging training with --out over an existing file: exit 1, the message, the old file intact. */
async function expectDiverged(args: string[], message: RegExp): Promise<Run> {
  writeFileSync(join(dir, 'out.json'), OLD);
  const r = await run(['train', '--data', 'words.txt', '--samples', '2', '--out', 'out.json', ...args]);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/'out\.json' was not written/);
  expect(r.code).toBe(1);
  expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe(OLD);
  expect(r.stdout).not.toMatch(/^wrote /m);
  return r;
}

describe('divergence is a failure: exit 1, "lower the learning rate", --out untouched', { timeout: 60_000 }, () => {
  it('neural bigram at --lr 1e6: the dev loss becomes Infinity while the training loss is still finite', async () => {
    const r = await expectDiverged(
      ['--model', 'bigram', '--lr', '1e6'],
      new RegExp(`^makemore train: (the dev loss became Infinity at step \\d+ \\(learning rate 1000000\\): training diverged — try a lower learning rate|${EXPLODED}) \\(see --lr\\)`),
    );
    expect(r.stdout).not.toMatch(/loss \(mean NLL\)/);
  });

  it('neural bigram at --lr 1e6 without a dev split: the final train loss is Infinity', async () => {
    await expectDiverged(
      ['--model', 'bigram', '--lr', '1e6', '--steps', '3', '--split', '1,0,0'],
      new RegExp(`the final train loss became Infinity after training \\(learning rate 1000000\\): training diverged — try a lower learning rate|${EXPLODED}`),
    );
  });

  it('--json: only JSON lines, no summary with null losses', async () => {
    const r = await expectDiverged(['--model', 'bigram', '--lr', '1e6', '--json'], new RegExp(`the dev loss became Infinity|${EXPLODED}`));
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string });
    expect(events.map((e) => e.event)).not.toContain('summary');
  });

  it('MLP at --lr 1e30: the training loss becomes NaN', async () => {
    await expectDiverged(
      ['--model', 'mlp', '--hidden', '8', '--embed', '2', '--steps', '300', '--lr', '1e30', '--backend', 'js'],
      /the loss became NaN at step \d+ \(learning rate 1e\+30\).*try a lower learning rate \(see --lr\)/,
    );
  });

  it('n-gram counts with --smoothing 0: an infinite dev loss fails with the smoothing advice', async () => {
    await expectDiverged(
      ['--model', 'ngram', '--n', '3', '--smoothing', '0'],
      /the dev loss is Infinity: some dev words have a character sequence the training words never show, and add-0 smoothing gives it probability 0 — use --smoothing > 0/,
    );
  });

  it('a finite run still succeeds and writes --out', async () => {
    writeFileSync(join(dir, 'out.json'), OLD);
    const r = await run(['train', '--data', 'words.txt', '--model', 'bigram', '--steps', '20', '--samples', '0', '--out', 'out.json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).not.toBe(OLD);
  });
});

describe('messages where the cause is elsewhere', { timeout: 60_000 }, () => {
  it('a corpus too small for the split names the file and counts its words', async () => {
    const [one, two] = await Promise.all([
      run(['train', '--data', 'one.txt', '--model', 'ngram']),
      run(['train', '--data', 'two.txt', '--model', 'ngram', '--split', '0.4,0.3,0.3']),
    ]);
    expect(one.stderr).toMatch(
      /^makemore train: --data: file 'one\.txt' has 1 word, too few for --split 0\.8,0\.1,0\.1 \(the train split would be empty\): give more words, or --split 1,0,0 to train on all of them/,
    );
    expect(two.stderr).toMatch(/file 'two\.txt' has 2 words, too few for --split 0\.4,0\.3,0\.3/);
    expect([one.code, two.code]).toEqual([2, 2]);
  });

  it('--version and -V print the package version and the model-file format version', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const [long, short] = await Promise.all([run(['--version']), run(['-V'])]);
    const expected = `makemore-wasm ${pkg.version} (model files: format "makemore-wasm" version ${MODEL_FILE_VERSION})\n`;
    expect(long).toEqual({ code: 0, stdout: expected, stderr: '' });
    expect(short).toEqual(long);
  });

  it('npm run reference without ../shared/data/names.txt says what is missing and how to pass --data, no stack trace', async () => {
    // a copy of the script in a directory with no shared/ beside it; its imports reach the real sources by symlink
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, 'scripts'), { recursive: true });
    // the script and the modules beside it that it imports (reference-wavenet.ts)
    for (const f of ['reference.ts', 'reference-wavenet.ts']) copyFileSync(join(ROOT, 'scripts', f), join(repo, 'scripts', f));
    symlinkSync(join(ROOT, 'src'), join(repo, 'src'));
    symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
    writeFileSync(join(repo, 'package.json'), '{ "type": "module" }\n'); // an ES module, as in the repository
    const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const missing = await run([join(repo, 'scripts', 'reference.ts')], [tsx], repo);
    expect(missing.stderr).toMatch(
      /^npm run reference: the reference corpus .*shared\/data\/names\.txt is missing\. It is makemore's names\.txt .* npm run reference -- --data FILE\n$/,
    );
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    expect(missing.code).toBe(2);
    const bad = await run([join(repo, 'scripts', 'reference.ts'), '--data', 'nope.txt'], [tsx], repo);
    expect(bad.stderr).toBe("npm run reference: --data: file 'nope.txt' does not exist\n");
    expect(bad.code).toBe(2);
  });
});
