/**
 * The word lists the CLI trains and evaluates on: a text file (one word per line) or the embedded default names.
 */
import { readFileSync } from 'node:fs';
import { defaultNames } from '../data/default-names.ts';
import { readWords } from '../data/words.ts';
import { UsageError } from './args.ts';

/** Words and where they came from (for messages and the model file's record). */
export interface WordSource {
  words: string[];
  /** The file name, or 'embedded English first names'. */
  source: string;
}

/** Description of the embedded default corpus. */
export const DEFAULT_SOURCE = 'embedded English first names';

/**
 * Reads `path` (one word per line), or returns the embedded names when `path` is undefined. A missing, unreadable or
 * empty file is a {@link UsageError} naming `flag` and the file.
 */
export function loadWords(path: string | undefined, command: string, flag = '--data'): WordSource {
  if (path === undefined) return { words: defaultNames(), source: DEFAULT_SOURCE };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${flag}: file '${path}' does not exist`, command);
    if (code === 'EISDIR') throw new UsageError(`${flag}: '${path}' is a directory, expected a text file`, command);
    throw new UsageError(`${flag}: cannot read '${path}' (${(error as Error).message})`, command);
  }
  const words = readWords(text);
  if (words.length === 0) {
    throw new UsageError(`${flag}: file '${path}' contains no words (expected one word per line)`, command);
  }
  return { words, source: path };
}

/** `1 word`, `2 words`. */
export function countOf(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * The train split is empty: the cause is the corpus, not the flag, so the message names the file, its word count and
 * the two ways out.
 */
export function tooFewWordsMessage(source: string, words: number, split: readonly number[]): string {
  const what = source === DEFAULT_SOURCE ? `the ${DEFAULT_SOURCE}` : `file '${source}'`;
  return (
    `--data: ${what} has ${countOf(words, 'word')}, too few for --split ${split.join(',')} (the train split would be ` +
    'empty): give more words, or --split 1,0,0 to train on all of them'
  );
}
