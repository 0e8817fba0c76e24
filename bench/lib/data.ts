import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultNames } from '../../src/data/default-names.ts';
import { readWords } from '../../src/data/words.ts';
import { Rng } from '../../src/rng.ts';

/** The reference corpus, `../shared/data/names.txt` relative to the repository (never copied into it). */
export const NAMES_PATH = fileURLToPath(new URL('../../../shared/data/names.txt', import.meta.url));

/** The benchmark corpus and where it came from. */
export interface Corpus {
  words: string[];
  /** `names.txt` or `embedded default names`. */
  source: string;
}

/** names.txt when it exists (32,033 names → 228,146 bigram examples), the embedded default names otherwise. */
export function loadCorpus(): Corpus {
  if (existsSync(NAMES_PATH)) return { words: readWords(readFileSync(NAMES_PATH, 'utf8')), source: 'names.txt' };
  return { words: defaultNames(), source: 'embedded default names' };
}

/** Fill a float32 array with N(0, scale²) values from a seeded stream (benchmark inputs, not model weights). */
export function fillNormal(a: Float32Array, seed: number, scale = 1): Float32Array {
  const rng = new Rng(seed);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal() * scale;
  return a;
}

/** Fill an int32 array with uniform integers in [0, n). */
export function fillInts(a: Int32Array, n: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  for (let i = 0; i < a.length; i++) a[i] = rng.int(n);
  return a;
}
