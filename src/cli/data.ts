/**
 * The word lists the CLI trains and evaluates on: a text file (one word per line) or the embedded default names.
 */
import { defaultNames } from '../data/default-names.ts';
import { decodeWordText, TextInputError } from '../data/text-decode.ts';
import { readWords } from '../data/words.ts';
import { InputFileError, readInputFile } from '../io/input-file.ts';
import { UsageError } from './args.ts';

/** Words and where they came from (for messages and the model file's record). */
export interface WordSource {
  words: string[];
  /** The file name, or 'embedded English first names'. */
  source: string;
}

/** The largest word list read (a JS string holds at most ~512 M characters; 256 MB is ~30 M names). */
export const MAX_DATA_BYTES = 256 * 1024 * 1024;

/** Description of the embedded default corpus. */
export const DEFAULT_SOURCE = 'embedded English first names';

/**
 * Reads `path` (one word per line, UTF-8), or returns the embedded names when `path` is undefined. A missing,
 * unreadable, special (directory, FIFO, device), oversized, non-UTF-8 or binary file, a control character in a word,
 * or a file without words is a {@link UsageError} naming `flag` and the file.
 */
export function loadWords(path: string | undefined, command: string, flag = '--data'): WordSource {
  if (path === undefined) return { words: defaultNames(), source: DEFAULT_SOURCE };
  let text: string;
  try {
    text = decodeWordText(readInputFile(path, MAX_DATA_BYTES), path);
  } catch (error) {
    if (error instanceof InputFileError && error.problem === 'does not exist') {
      throw new UsageError(`${flag}: file '${path}' does not exist`, command);
    }
    if (error instanceof InputFileError || error instanceof TextInputError) throw new UsageError(`${flag}: ${error.message}`, command);
    throw error;
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
