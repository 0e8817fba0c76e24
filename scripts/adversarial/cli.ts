/**
 * The command line under bad input: --out hazards, inputs that are not text, absurd counts and sizes, exploding and
 * underflowing training settings, interrupt signals, and the consistency rules (exit 2, nothing on stdout).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFile } from '../../src/io/model-file-node.ts';
import { cliInProcess, cliSubprocess, isUsageError, Tally, wordsOver, type CliRun } from './common.ts';

/** Writes the input files the cases use into `dir`. */
export function writeInputs(dir: string, words: string[]): void {
  const put = (name: string, data: string | Buffer): void => writeFileSync(join(dir, name), data);
  put('words.txt', `${words.join('\n')}\n`);
  put('big-vocab.txt', wordsOver(3000));
  put('huge-vocab.txt', wordsOver(8191));
  put('v89.txt', wordsOver(88));
  put('latin1.txt', Buffer.from('anna\nZo\u00eb\nRen\u00e9e\n', 'latin1'));
  put('cp1252.txt', Buffer.from([0x61, 0x0a, 0x93, 0x61, 0x94, 0x0a]));
  put('utf16le-bom.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('anna\nzoe\n', 'utf16le')]));
  put('utf16be-bom.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('anna\nzoe\n', 'utf16le').swap16()]));
  put('utf16le.txt', Buffer.from('anna\nzoe\nmia\n', 'utf16le'));
  put('utf16be.txt', Buffer.from('anna\nzoe\nmia\n', 'utf16le').swap16());
  put('nul.txt', 'anna\nzo\u0000e\n');
  put('bell.txt', 'anna\nzo\u0007e\n');
  put('tab.txt', 'anna\nzo\te\n');
  put('esc.txt', 'anna\n\u001b[31mred\n');
  put('c1.txt', 'anna\nzo\u0085e\n');
  put('long-control.txt', `${'a'.repeat(250)}\u0001\n`);
  put('random.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)));
  put('empty.txt', '\n\n');
  mkdirSync(join(dir, 'adir'), { recursive: true });
  put('target.json', 'not a model yet');
  if (!existsSync(join(dir, 'link.json'))) symlinkSync('target.json', join(dir, 'link.json'));
  try {
    if (!existsSync(join(dir, 'fifo.txt'))) execFileSync('mkfifo', [join(dir, 'fifo.txt')]);
  } catch {
    // no mkfifo here: the FIFO case is skipped
  }
}

const NGRAM = ['train', '--data', 'words.txt', '--model', 'ngram', '--split', '1,0,0', '--samples', '0'];

/** --out hazards: each must exit 2 before training, leaving every input byte-identical. */
export async function outCases(dir: string): Promise<Tally> {
  const tally = new Tally('--out hazards refused up front (exit 2, inputs intact)');
  const corpus = readFileSync(join(dir, 'words.txt'));
  const cases: string[][] = [
    ['--out', 'models/'], ['--out', 'adir'], ['--out', 'adir/'], ['--out', 'words.txt'], ['--out', './adir/../words.txt'],
    ['--out', 'link.json'], ['--out', '/dev/null'], ['--out', '/dev/zero'], ['--out', 'words.txt/m.json'],
    ['--out', 'words.txt/'], ['--out', '.'], ['--out', '/'],
  ];
  if (existsSync(join(dir, 'fifo.txt'))) cases.push(['--out', 'fifo.txt']);
  for (const extra of cases) {
    const r = await cliInProcess(dir, [...NGRAM, ...extra]);
    const intact = readFileSync(join(dir, 'words.txt')).equals(corpus) && readFileSync(join(dir, 'target.json'), 'utf8') === 'not a model yet';
    tally.check(extra.join(' '), isUsageError(r, /--out/) && intact, r.stderr.trim().slice(0, 160));
  }
  const sub = await cliSubprocess(dir, ['train', '--data', 'words.txt', '--out', 'words.txt']);
  tally.check('subprocess: --out = --data (default mlp)', isUsageError(sub, /same file as --data/) && readFileSync(join(dir, 'words.txt')).equals(corpus));
  return tally;
}

/** Inputs that are not text, or not regular files: exit 2 naming the file, never a hang or garbage words. */
export async function inputCases(dir: string): Promise<Tally> {
  const tally = new Tally('non-text or special inputs refused (exit 2, file named, no hang)');
  const files = [
    'latin1.txt', 'cp1252.txt', 'utf16le-bom.txt', 'utf16be-bom.txt', 'utf16le.txt', 'utf16be.txt', 'nul.txt', 'bell.txt',
    'tab.txt', 'esc.txt', 'c1.txt', 'long-control.txt', 'random.bin', 'empty.txt', 'adir', 'missing.txt',
  ];
  for (const file of files) {
    const r = await cliInProcess(dir, ['train', '--data', file, '--model', 'ngram']);
    const named = r.stderr.includes(`'${file}'`);
    const short = r.stderr.length < 400; // an escaped excerpt, never hundreds of raw bytes
    tally.check(`--data ${file}`, isUsageError(r) && named && short, r.stderr.trim().slice(0, 160));
  }
  for (const file of ['adir', 'words.txt', 'random.bin', 'utf16le.txt']) {
    const r = await cliInProcess(dir, ['sample', '--model', file]);
    tally.check(`--model ${file}`, isUsageError(r, /--model: model file/), r.stderr.trim().slice(0, 160));
  }
  const hangs: [string, string[]][] = [
    ['--data /dev/zero', ['train', '--data', '/dev/zero']],
    ['--model /dev/zero', ['sample', '--model', '/dev/zero']],
    ['eval --data /dev/urandom', ['eval', '--model', 'none.json', '--data', '/dev/urandom']],
  ];
  if (existsSync(join(dir, 'fifo.txt'))) {
    hangs.push(['--data FIFO', ['train', '--data', 'fifo.txt']], ['--model FIFO', ['sample', '--model', 'fifo.txt']]);
  }
  const runs = await Promise.all(hangs.map(([, args]) => cliSubprocess(dir, args, { timeoutMs: 20_000 })));
  runs.forEach((r, i) => tally.check(`subprocess ${hangs[i]![0]}`, isUsageError(r), `${r.signal ?? r.code} ${r.stderr.trim().slice(0, 120)}`));
  return tally;
}

/** Absurd counts and model sizes: exit 2 at once, with the size in the message, instead of a crash later. */
export async function sizeCases(dir: string): Promise<Tally> {
  const tally = new Tally('absurd counts and sizes refused up front (exit 2)');
  const cases: [string[], RegExp][] = [
    [['train', '--data', 'words.txt', '--model', 'ngram', '--samples', '1e9'], /--samples: expected an integer from 0 to 100000/],
    [['sample', '--model', 'x.json', '--count', '1e9'], /--count: expected an integer from 1 to 100000/],
    [['sample', '--model', 'x.json', '--max-length', '1e9'], /--max-length: expected an integer from 1 to 10000/],
    [['train', '--data', 'huge-vocab.txt', '--model', 'ngram', '--n', '2'], /MiB/],
    [['train', '--data', 'v89.txt', '--model', 'ngram', '--n', '4'], /MiB/],
    [['train', '--data', 'big-vocab.txt', '--model', 'ngram', '--n', '3'], /MiB/],
    [['train', '--data', 'huge-vocab.txt', '--model', 'bigram'], /MiB/],
    [['train', '--data', 'words.txt', '--embed', '20000', '--hidden', '5000'], /MiB/],
    [['train', '--data', 'words.txt', '--hidden', '100000,100000'], /MiB/],
    [['train', '--data', 'words.txt', '--block-size', '100', '--embed', '2000', '--hidden', '10', '--batch-size', '2000'], /GB of WebAssembly memory/],
  ];
  for (const [args, message] of cases) {
    const started = performance.now();
    const r = await cliInProcess(dir, args);
    const seconds = (performance.now() - started) / 1000;
    tally.check(args.slice(1).join(' '), isUsageError(r, message) && seconds < 10, `${seconds.toFixed(1)} s ${r.stderr.trim().slice(0, 160)}`);
  }
  return tally;
}

/** Settings that make training blow up or do nothing: never exit 0 with a garbage model. */
export async function divergenceCases(dir: string): Promise<Tally> {
  const tally = new Tally('exploding, diverging or vanishing training settings reported');
  const mlp = ['train', '--data', 'words.txt', '--embed', '4', '--hidden', '16', '--batch-size', '16', '--samples', '0'];
  const cases: [string, string[], (r: CliRun) => boolean][] = [
    ['--lr 1e5', [...mlp, '--steps', '3000', '--lr', '1e5'], (r) => r.code === 1 && /lower learning rate/.test(r.stderr)],
    ['--lr 1e3', [...mlp, '--steps', '3000', '--lr', '1e3'], (r) => r.code === 1 && /lower learning rate/.test(r.stderr)],
    ['--lr 1e30', [...mlp, '--steps', '3000', '--lr', '1e30'], (r) => r.code === 1 && /lower learning rate/.test(r.stderr)],
    ['--lr 1e39', [...mlp, '--steps', '30', '--lr', '1e39'], (r) => isUsageError(r, /float32/)],
    ['--weight-decay 1e30', [...mlp, '--steps', '300', '--weight-decay', '1e30'], (r) => r.code === 1 && /lower --weight-decay/.test(r.stderr)],
    ['--weight-decay 100', [...mlp, '--steps', '300', '--weight-decay', '100'], (r) => r.code === 1 && /weight decay 100 diverged/.test(r.stderr)],
    ['--lr 1e-50', [...mlp, '--steps', '30', '--lr', '1e-50'], (r) => isUsageError(r, /0 in float32/)],
    ['--lr 1e-46', [...mlp, '--steps', '30', '--lr', '1e-46'], (r) => isUsageError(r, /0 in float32/)],
    ['bigram --lr 1e9', ['train', '--data', 'words.txt', '--model', 'bigram', '--steps', '50', '--lr', '1e9', '--samples', '0'], (r) => r.code === 1 && /diverged/.test(r.stderr)],
    ['bigram --weight-decay 1e12', ['train', '--data', 'words.txt', '--model', 'bigram', '--steps', '50', '--weight-decay', '1e12', '--samples', '0'], (r) => r.code === 1 && /weight decay/.test(r.stderr)],
    ['diverged after dev evals: existing --out kept, best dev loss named', [...mlp, '--steps', '3000', '--lr', '1e5', '--eval-every', '1', '--out', 'target.json'],
      (r) => r.code === 1 && /'target\.json' was not written/.test(r.stderr) && /best dev loss was/.test(r.stderr) && readFileSync(join(dir, 'target.json'), 'utf8') === 'not a model yet'],
    ['diverged before a dev eval: nothing written', [...mlp, '--steps', '3000', '--lr', '1e5', '--eval-every', '2000', '--out', 'div2.json'],
      (r) => r.code === 1 && /'div2\.json' was not written/.test(r.stderr) && !existsSync(join(dir, 'div2.json'))],
  ];
  for (const [label, args, ok] of cases) {
    const r = await cliInProcess(dir, args);
    tally.check(label, ok(r), `exit ${r.code}: ${r.stderr.trim().slice(0, 200)}`);
  }
  return tally;
}

/** SIGINT, SIGTERM and SIGHUP mid-training: exit 130 and a loadable best model at --out. */
export async function signalCases(dir: string): Promise<Tally> {
  const tally = new Tally('interrupt signals mid-training save the best model (exit 130)');
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const runs = await Promise.all(signals.map((signal) => cliSubprocess(dir, [
    'train', '--data', 'words.txt', '--steps', '100000000', '--embed', '4', '--hidden', '16', '--batch-size', '16',
    '--eval-every', '20', '--out', `sig-${signal}.json`, '--json',
  ], { onStdout: (out, kill) => ((out.match(/"dev_loss"/g) ?? []).length >= 3 ? kill(signal) : undefined) })));
  runs.forEach((r, i) => {
    let loadable = 'yes';
    try {
      if (loadModelFile(join(dir, `sig-${signals[i]}.json`)).training.interrupted !== true) loadable = 'not marked interrupted';
    } catch (error) {
      loadable = (error as Error).message;
    }
    tally.check(signals[i]!, r.code === 130 && loadable === 'yes', `exit ${r.code ?? r.signal}, loadable: ${loadable}`);
  });
  return tally;
}

/** Issue 11 item 10: every bad input exits 2 with nothing on stdout. */
export async function consistencyCases(dir: string): Promise<Tally> {
  const tally = new Tally('consistency: bad input exits 2, stdout empty');
  const cases: [string[], RegExp][] = [
    [['train', '--data', 'words.txt', '--batch-size', '1'], /BatchNorm/],
    [['train', '--data', 'big-vocab.txt', '--model', 'ngram', '--n', '3'], /--n/],
    [['train', '--data', '--steps', '100'], /--data: is missing its value/],
    [['train', '--out', '--data', 'words.txt'], /--out: is missing its value/],
    [['sample', '--model', 'x.json', '--prefix', 'abcdef', '--max-length', '3'], /--prefix/],
    [['train', '--data', 'words.txt', '--batch-size', '100000'], /--batch-size/],
    [['train', '--model', 'ngram', '--n', '9'], /--n/],
    [['train', '--split', '0,0.5,0.5'], /--split/],
  ];
  for (const [args, message] of cases) {
    const r = await cliInProcess(dir, args);
    tally.check(args.join(' '), isUsageError(r, message), `exit ${r.code}: ${r.stderr.trim().slice(0, 160)}`);
  }
  return tally;
}
