/**
 * Short, escaped excerpts of user text for error messages: a message quotes at most a few dozen characters of the
 * offending word, with invisible and control characters written as escapes, never hundreds of raw bytes.
 */

/** Characters that must not be printed raw in a message: C0 and C1 controls, DEL, and the Unicode line separators. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** Control characters that cannot be part of a word: C0 and C1 controls and DEL (tab, CR and LF included). */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** "U+0009" for a character. */
export function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The text in double quotes, cut to `max` characters (code points) with "…" and the full length after it, and every
 * unprintable character as a `\uXXXX` escape: `"ab\u0000c…" (250 characters)`.
 */
export function excerpt(text: string, max = 40): string {
  const chars = [...text];
  let out = '';
  for (const ch of chars.slice(0, max)) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (UNPRINTABLE.test(ch)) out += `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return chars.length > max ? `"${out}…" (${chars.length} characters)` : `"${out}"`;
}
