/**
 * Short, escaped excerpts of user text for error messages: a message quotes at most a few dozen characters of the
 * offending word, with invisible and control characters written as escapes, never hundreds of raw bytes.
 */

/** Control characters that cannot be part of a word: C0 and C1 controls and DEL (tab, CR and LF included). */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** "U+0009" for a character. */
export function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The text in double quotes, cut to `max` characters (code points) with "…" and the full length after it, and every
 * unprintable character as a `\uXXXX` escape: `"ab\u0000c…" (250 characters)`. (JSON.stringify escapes quotes and
 * C0 controls; DEL, C1 controls, the line separators and the BOM are escaped here.)
 */
export function excerpt(text: string, max = 40): string {
  const chars = [...text];
  const quoted = JSON.stringify(chars.slice(0, max).join('')).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return chars.length > max ? `${quoted.slice(0, -1)}…" (${chars.length} characters)` : quoted;
}
