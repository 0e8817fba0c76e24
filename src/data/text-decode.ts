/**
 * Turning the bytes of a word-list file into text, refusing what is not UTF-8 text: UTF-16 (with or without a
 * byte-order mark), invalid UTF-8 (e.g. Latin-1 names), binary files, and control characters inside words. Each error
 * names the file, where the problem is, and a short escaped excerpt.
 */
import { codePoint, CONTROL_CHARACTER, excerpt } from './excerpt.ts';

/** The bytes are not usable UTF-8 text; the message names the source. */
export class TextInputError extends Error {
  constructor(source: string, problem: string) {
    super(`'${source}' ${problem}`);
    this.name = 'TextInputError';
  }
}

/** A NUL in every other byte of the start of the file: UTF-16 text without a byte-order mark. */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096) & ~1;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  // mostly ASCII UTF-16: at least half of one parity's bytes are NUL, almost none of the other's
  const most = Math.max(evenNul, oddNul);
  return n >= 8 && most >= n / 4 && Math.min(evenNul, oddNul) <= most / 8;
}

/** Byte offset of the first invalid UTF-8 sequence (overlongs, surrogates and > U+10FFFF included), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) { i++; continue; }
    let need: number, min: number;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Line number (1-based) of a byte offset. */
function lineOf(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** The bytes around an offset, as Latin-1 text with escapes: enough to recognise the word. */
function bytesExcerpt(bytes: Uint8Array, offset: number): string {
  let start = offset;
  while (start > 0 && offset - start < 20 && bytes[start - 1] !== 0x0a) start--;
  let end = offset;
  while (end < bytes.length && end - offset < 20 && bytes[end] !== 0x0a && bytes[end] !== 0x0d) end++;
  let out = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    out += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `"${out}"`;
}

/**
 * The text of a word-list file given as bytes: UTF-8, with an optional byte-order mark (dropped).
 * @param source the file name, for messages
 * @throws TextInputError for UTF-16, invalid UTF-8, NUL bytes (binary files) and control characters inside a line
 */
export function decodeWordText(bytes: Uint8Array, source: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new TextInputError(source, 'is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8');
  }
  if (looksLikeUtf16(bytes)) {
    throw new TextInputError(source, 'looks like UTF-16 without a byte-order mark (every other byte is NUL); save it as UTF-8');
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new TextInputError(source, `is not a text file: it has a NUL byte at byte ${nul} (line ${lineOf(bytes, nul)})`);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    throw new TextInputError(
      source,
      `is not valid UTF-8: byte 0x${bytes[bad]!.toString(16).toUpperCase()} at offset ${bad} (line ${lineOf(bytes, bad)}, ` +
        `${bytesExcerpt(bytes, bad)}); if it is Latin-1 or Windows-1252, convert it, e.g. iconv -f latin1 -t utf-8`,
    );
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  checkControlCharacters(text, source);
  return text;
}

/** A control character inside a line (after trimming, as {@link readWords} does) is refused, with line and excerpt. */
function checkControlCharacters(text: string, source: string): void {
  // the common case, one pass and no split: no control character other than the line ends
  if (!/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(text)) return;
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const word = lines[i]!.trim();
    const m = CONTROL_CHARACTER.exec(word);
    if (m) {
      throw new TextInputError(
        source,
        `line ${i + 1}: the word ${excerpt(word)} contains the control character ${codePoint(m[0])}; ` +
          'a word list holds one printable word per line',
      );
    }
  }
}
