/**
 * The demo's checks of a word list, in plain words, run on the page as the user types (and again in the worker, which
 * must not trust the page): size first (a 50 MB paste is refused from its length alone, before any scan), then one
 * pass over the lines that stops at the first problem. No DOM: Node tests call it too.
 */

/** Longest text the demo accepts (characters; for a plain word list, about bytes): 5 MB, as for uploaded files. */
export const MAX_TEXT_CHARS = 5 * 1024 * 1024;
/** Most words (non-empty lines) a list may have; names.txt has 32,033. */
export const MAX_WORDS = 250_000;
/** Longest word; a longer line is not a word but, say, a paragraph or a file without line breaks. */
export const MAX_WORD_CHARS = 200;
/** Fewest words: with fewer, the 80/10/10 split leaves the dev set empty. */
export const MIN_WORDS = 10;

/** What the page states about the limits, next to the word list. */
export const LIMITS_TEXT =
  `One word per line; at least ${MIN_WORDS} and up to ${MAX_WORDS.toLocaleString('en-US')} words of up to ` +
  `${MAX_WORD_CHARS} characters, ${MAX_TEXT_CHARS / 1024 / 1024} MB in all.`;

/** The outcome of {@link checkWordList}. */
export type WordListCheck = { ok: true; words: number } | { ok: false; message: string };

const count = (n: number): string => n.toLocaleString('en-US');
const mb = (chars: number): string => `${(chars / 1024 / 1024).toFixed(1)} MB`;

/** The message for a text longer than {@link MAX_TEXT_CHARS}, from its length alone. */
export function tooLargeMessage(chars: number, what = 'The list'): string {
  return `${what} is ${mb(chars)}; the demo takes word lists up to ${MAX_TEXT_CHARS / 1024 / 1024} MB. Use a smaller list.`;
}

/** Checks a word list (one word per line, blank lines ignored, spaces around a word trimmed, as readWords does). */
export function checkWordList(text: string): WordListCheck {
  if (text.length > MAX_TEXT_CHARS) return { ok: false, message: tooLargeMessage(text.length) };
  let words = 0;
  let line = 0;
  let start = 0;
  const breaks = /\r\n|\n|\r/g; // the line breaks readWords splits on
  while (start <= text.length) {
    breaks.lastIndex = start;
    const found = breaks.exec(text);
    const end = found ? found.index : text.length;
    line++;
    const word = text.slice(start, end).trim();
    start = found ? end + found[0].length : text.length + 1;
    if (word === '') continue;
    words++;
    if (word.length > MAX_WORD_CHARS) {
      return {
        ok: false,
        message:
          `Line ${count(line)} is ${count(word.length)} characters long; a word can have up to ${MAX_WORD_CHARS}. ` +
          'Put one word per line.',
      };
    }
    if (word.includes('.')) {
      return {
        ok: false,
        message:
          `Line ${count(line)}, "${word}", contains a '.': the models use '.' to mark where words start and end, so a ` +
          "word cannot contain one. Remove or replace the '.'.",
      };
    }
    if (words > MAX_WORDS) {
      return { ok: false, message: `The list has more than ${count(MAX_WORDS)} words; the demo takes up to ${count(MAX_WORDS)}.` };
    }
  }
  if (words === 0) {
    return { ok: false, message: 'The word list is empty: paste one word per line, upload a text file, or pick the default names.' };
  }
  if (words < MIN_WORDS) {
    return {
      ok: false,
      message: `The list has only ${words} word${words === 1 ? '' : 's'}: give at least ${MIN_WORDS}, so that train and dev sets are not empty.`,
    };
  }
  return { ok: true, words };
}
