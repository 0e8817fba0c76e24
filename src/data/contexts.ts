/**
 * The training examples of a character model: for every character of every word (and the final `.`), the
 * `blockSize` characters before it.
 */
import type { Vocabulary } from './vocabulary.ts';
import { describeList } from './words.ts';

/** Examples as flat int32 arrays: row i of X (blockSize ids) predicts Y[i]. */
export interface Contexts {
  /** count × blockSize character ids, row-major. */
  X: Int32Array;
  /** count target ids. */
  Y: Int32Array;
  /** Number of examples. */
  count: number;
  /** Characters of context per example. */
  blockSize: number;
}

/**
 * Every (context → next character) example of the words, makemore style: the context starts as blockSize `.`s, and
 * each word yields one example per character plus one whose target is the final `.`. A word of L characters gives
 * L + 1 examples. Throws on an empty word list, a blockSize that is not a positive integer, or a character outside
 * the vocabulary (naming the character and the word).
 */
export function buildContexts(words: readonly string[], vocab: Vocabulary, blockSize: number): Contexts {
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new Error(`buildContexts: blockSize must be a positive integer, got ${blockSize}`);
  }
  if (!Array.isArray(words) || words.length === 0) {
    throw new Error(`buildContexts: words must be a non-empty array of strings, got ${describeList(words)}`);
  }
  const encoded = words.map((w) => vocab.encode(w));
  let count = 0;
  for (const ids of encoded) count += ids.length + 1;
  const X = new Int32Array(count * blockSize);
  const Y = new Int32Array(count);
  const context = new Int32Array(blockSize); // rolling window, 0 = '.'
  let row = 0;
  for (const ids of encoded) {
    context.fill(0);
    for (let t = 0; t <= ids.length; t++) {
      const target = t < ids.length ? ids[t]! : 0;
      X.set(context, row * blockSize);
      Y[row] = target;
      row++;
      context.copyWithin(0, 1);
      context[blockSize - 1] = target;
    }
  }
  return { X, Y, count, blockSize };
}
