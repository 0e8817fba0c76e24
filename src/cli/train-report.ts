/**
 * What `makemore train` prints and records besides progress: samples marked by where they come from, the compacted
 * loss history of the model file, the cadence of progress reports, and the check of --out before training.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WordSplits } from '../data/words.ts';
import type { LossPoint } from '../io/model-file.ts';
import { UsageError } from './args.ts';
import type { Reporter } from './progress.ts';

/** Where each sampled word comes from: makemore.py's "in train" / "in test" / "new" marking. */
export function markSamples(words: readonly string[], splits: WordSplits): { word: string; in: 'train' | 'dev/test' | 'new' }[] {
  const train = new Set(splits.train);
  const held = new Set([...splits.dev, ...splits.test]);
  return words.map((word) => ({ word, in: train.has(word) ? 'train' : held.has(word) ? 'dev/test' : 'new' }));
}

/** Prints samples grouped by origin (and a JSON event). */
export function printSamples(reporter: Reporter, step: number | null, words: readonly string[], splits: WordSplits): void {
  const marked = markSamples(words, splits);
  reporter.event({ event: 'samples', step, samples: marked });
  reporter.line(step === null ? `${words.length} samples from the trained model:` : `${words.length} samples at step ${step}:`);
  for (const group of ['train', 'dev/test', 'new'] as const) {
    const list = marked.filter((m) => m.in === group).map((m) => m.word || '(empty)');
    if (list.length > 0) reporter.line(`  ${group === 'new' ? 'new' : `in ${group}`} (${list.length}): ${list.join(' ')}`);
  }
}

/** Downsamples a long per-step loss history for the model file: bucket means of train, every dev point kept. */
export function compactHistory(history: readonly LossPoint[], maxTrainPoints = 2000): LossPoint[] {
  if (history.length <= maxTrainPoints) return history.map((p) => ({ ...p }));
  const size = Math.ceil(history.length / maxTrainPoints);
  const out: LossPoint[] = [];
  for (let start = 0; start < history.length; start += size) {
    const bucket = history.slice(start, start + size);
    const finite = bucket.filter((p) => Number.isFinite(p.train));
    const mean = finite.reduce((s, p) => s + p.train, 0) / Math.max(1, finite.length);
    const last = bucket[bucket.length - 1]!;
    const point: LossPoint = { step: last.step, train: finite.length > 0 ? mean : Number.NaN };
    const dev = [...bucket].reverse().find((p) => p.dev !== undefined);
    if (dev) point.dev = dev.dev;
    out.push(point);
  }
  return out;
}

/** Fails before training, not after it, when --out cannot be written: creates the directory, checks access. */
export function checkOutPath(out: string): void {
  try {
    mkdirSync(dirname(out), { recursive: true });
    accessSync(dirname(out), constants.W_OK);
  } catch (error) {
    throw new UsageError(`--out: cannot write to the directory of '${out}' (${(error as Error).message})`, 'train');
  }
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new UsageError(`--out: '${out}' is a directory, expected a file name such as model.json`, 'train');
  }
}

/**
 * Steps between progress reports: about steps/1000, and a divisor of evalEvery so that every dev evaluation falls on
 * a report (train() passes the dev loss only with the report of the step it was evaluated at).
 */
export function progressInterval(steps: number, evalEvery: number): number {
  const target = Math.max(1, Math.floor(steps / 1000));
  for (let d = Math.min(target, evalEvery); d > 1; d--) if (evalEvery % d === 0) return d;
  return 1;
}
