/**
 * JSON of documents that hold a few very large strings (the base64 tensors of a model file): the small structure is
 * stringified as usual with each large string replaced by a placeholder, and the large strings are spliced in (or
 * fed to the checksum) piece by piece. That keeps a 50 MB model from being copied through JSON.stringify/parse and
 * TextEncoder several times over: the text and checksum come out exactly as from the plain JSON.stringify path.
 */
import { CRC32_START, crc32Finish, crc32Update } from './crc32.ts';

/** Strings at least this long are handled out of line. */
const BIG = 1 << 16;

/** A JSON text whose large strings were replaced by `"<marker><index>~"` placeholders. */
export interface ExtractedJson {
  text: string;
  /** The large strings, by placeholder index. */
  big: string[];
  /** Matches one placeholder (with its quotes); group 1 is the index. */
  placeholder: RegExp;
}

function sortedCopy(v: Record<string, unknown>): Record<string, unknown> {
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) sorted[k] = v[k];
  return sorted;
}

/**
 * JSON.stringify(value, null, indent) (object keys sorted at every level when `sortKeys`) with every string of
 * {@link BIG} characters or more replaced by a placeholder.
 */
export function stringifyExtracting(value: unknown, sortKeys: boolean, indent?: number): ExtractedJson {
  const marker = `~mmbig${Math.random().toString(36).slice(2, 10)}~`;
  const big: string[] = [];
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'string' && v.length >= BIG) return `${marker}${big.push(v) - 1}~`;
      if (sortKeys && v !== null && typeof v === 'object' && !Array.isArray(v)) return sortedCopy(v as Record<string, unknown>);
      return v;
    },
    indent,
  );
  return { text, big, placeholder: new RegExp(`"${marker}(\\d+)~"`) };
}

/** Replaces placeholders in a (re-stringified) extracted text by the JSON form of their strings. */
export function spliceBig(text: string, extracted: ExtractedJson): string {
  const pieces = text.split(new RegExp(extracted.placeholder.source, 'g'));
  let out = pieces[0]!;
  for (let i = 1; i < pieces.length; i += 2) out += jsonString(extracted.big[Number(pieces[i])]!) + pieces[i + 1]!;
  return out;
}

/** Printable ASCII other than `"` and `\`: JSON.stringify writes such a string as itself between quotes. */
function isPlainAscii(s: string): boolean {
  const chunk = 1 << 20;
  const buffer = new Uint8Array(chunk * 3);
  const encoder = new TextEncoder();
  for (let pos = 0; pos < s.length; pos += chunk) {
    const { written } = encoder.encodeInto(s.slice(pos, pos + chunk), buffer);
    if (written !== Math.min(chunk, s.length - pos)) return false; // a non-ASCII character
    for (let i = 0; i < written; i++) {
      const b = buffer[i]!;
      if (b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c) return false;
    }
  }
  return true;
}

function jsonString(s: string): string {
  return isPlainAscii(s) ? `"${s}"` : JSON.stringify(s);
}

/** Feeds the UTF-8 of a string into a running CRC, a slice at a time. */
function crcString(state: number, s: string, buffer: Uint8Array, encoder: TextEncoder): number {
  const chunk = buffer.length / 3;
  for (let pos = 0; pos < s.length; ) {
    // encodeInto stops before a character that does not fit, so surrogate pairs are never split
    const { read, written } = encoder.encodeInto(s.slice(pos, pos + chunk), buffer);
    state = crc32Update(state, buffer.subarray(0, written));
    pos += read;
  }
  return state;
}

/**
 * The CRC-32 of the UTF-8 of `JSON.stringify(value)` with keys sorted at every level (the canonical JSON of the model
 * file checksum), computed without building that text when it holds large strings.
 */
export function canonicalJsonCrc32(value: unknown): number {
  const extracted = stringifyExtracting(value, true);
  const pieces = extracted.text.split(new RegExp(extracted.placeholder.source, 'g'));
  const encoder = new TextEncoder();
  const buffer = new Uint8Array(3 << 20);
  let state = crcString(CRC32_START, pieces[0]!, buffer, encoder);
  for (let i = 1; i < pieces.length; i += 2) {
    state = crcString(state, jsonString(extracted.big[Number(pieces[i])]!), buffer, encoder);
    state = crcString(state, pieces[i + 1]!, buffer, encoder);
  }
  return crc32Finish(state);
}
