/**
 * Word lists: reading one word per line and splitting into train / dev / test sets.
 */
import { Rng } from '../rng.ts';
import { checkSeed } from '../seed.ts';

/**
 * The words of a text with one word per line: each line trimmed, empty lines dropped. Accepts `\n`, `\r\n` (and a
 * lone `\r`) line ends, with or without a trailing newline.
 */
export function readWords(text: string): string[] {
  if (typeof text !== 'string') throw new Error(`readWords: text must be a string, got ${typeof text}`);
  const words: string[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    const word = line.trim();
    if (word.length > 0) words.push(word);
  }
  return words;
}

/** Options for {@link splitWords}. */
export interface SplitOptions {
  /** Seed of the shuffle (default 42). */
  seed?: number;
  /** Fractions of train, dev and test; non-negative, summing to 1 (default [0.8, 0.1, 0.1]). */
  fractions?: readonly [number, number, number];
}

/** The three splits of a word list. */
export interface WordSplits {
  train: string[];
  dev: string[];
  test: string[];
}

/**
 * A seeded shuffle of the words, cut into train / dev / test as in makemore: the first ⌊f₀·n⌋ words train, up to
 * ⌊(f₀+f₁)·n⌋ dev, the rest test. The input array is not modified.
 */
export function splitWords(words: readonly string[], options: SplitOptions = {}): WordSplits {
  const { seed = 42, fractions = [0.8, 0.1, 0.1] } = options;
  if (!Array.isArray(words) || words.length === 0) {
    throw new Error(`splitWords: words must be a non-empty array of strings, got ${describeList(words)}`);
  }
  if (!Array.isArray(fractions) || fractions.length !== 3 || fractions.some((f) => !(f >= 0) || !Number.isFinite(f))) {
    throw new Error(`splitWords: fractions must be three finite numbers >= 0, got ${JSON.stringify(fractions)}`);
  }
  const sum = fractions[0] + fractions[1] + fractions[2];
  if (Math.abs(sum - 1) > 1e-9) throw new Error(`splitWords: fractions must sum to 1, got ${JSON.stringify(fractions)} (sum ${sum})`);
  const shuffled = new Rng(checkSeed(seed, 'splitWords')).shuffle(words.slice());
  const n = shuffled.length;
  // the small slack keeps 0.7 + 0.2 = 0.8999999999999999 from losing a word to rounding
  const n1 = Math.min(n, Math.floor(fractions[0] * n + 1e-9));
  const n2 = Math.min(n, Math.floor((fractions[0] + fractions[1]) * n + 1e-9));
  return { train: shuffled.slice(0, n1), dev: shuffled.slice(n1, n2), test: shuffled.slice(n2) };
}

/** A short description of a value that should have been a word list, for error messages. */
export function describeList(words: unknown): string {
  if (Array.isArray(words)) return words.length === 0 ? 'an empty list' : `a list of ${words.length}`;
  return words === null ? 'null' : typeof words;
}
