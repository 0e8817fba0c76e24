/**
 * Whole words as training rows, makemore.py's layout for the recurrent and Transformer models: one row per word, of
 * length T = longest word + 1. X = [0, c1, …, cn, 0, …] (the `.` start token, the word, padding) and
 * Y = [c1, …, cn, 0, −1, …]: each position predicts the next character, the word's end is the `.` target, and −1
 * marks positions with no target, which the loss skips.
 */
import type { Vocabulary } from './vocabulary.ts';
import { describeList } from './words.ts';

/** Words as rows: X and Y are count × length int32, row-major; Y holds −1 where there is no target. */
export interface Sequences {
  X: Int32Array;
  Y: Int32Array;
  /** Number of words (rows). */
  count: number;
  /** Positions per row: T. */
  length: number;
  /** Number of real targets (characters plus one end per word): the denominator of the mean loss. */
  targets: number;
}

/** The row length a word list needs: its longest word (in characters) + 1. */
export function sequenceLength(words: readonly string[]): number {
  let longest = 0;
  for (const w of words) longest = Math.max(longest, [...w].length);
  return longest + 1;
}

/**
 * The rows of the words (see the module comment). `length` defaults to the longest word + 1; a word that does not fit
 * (more than length − 1 characters) is an error naming the word and the limit.
 */
export function buildSequences(words: readonly string[], vocab: Vocabulary, length?: number): Sequences {
  if (!Array.isArray(words) || words.length === 0) {
    throw new Error(`buildSequences: words must be a non-empty array of strings, got ${describeList(words)}`);
  }
  const T = length ?? sequenceLength(words);
  if (!Number.isInteger(T) || T < 2) throw new Error(`buildSequences: length must be an integer >= 2, got ${T}`);
  const count = words.length;
  const X = new Int32Array(count * T);
  const Y = new Int32Array(count * T).fill(-1);
  let targets = 0;
  words.forEach((word, row) => {
    const ids = vocab.encode(word);
    if (ids.length > T - 1) {
      throw new Error(
        `buildSequences: word ${JSON.stringify(word.length > 40 ? `${word.slice(0, 40)}…` : word)} has ${ids.length} ` +
          `characters; rows of length ${T} hold at most ${T - 1}`,
      );
    }
    const o = row * T;
    for (let t = 0; t < ids.length; t++) {
      X[o + t + 1] = ids[t]!;
      Y[o + t] = ids[t]!;
    }
    Y[o + ids.length] = 0;
    targets += ids.length + 1;
  });
  return { X, Y, count, length: T, targets };
}
