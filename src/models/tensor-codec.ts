/**
 * Tensors in model files: float32 data as base64 of its little-endian bytes, independent of the host's byte order
 * and of Node's Buffer (the browser bundle uses the same code).
 */
import type { TensorState } from './model.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** ASCII code of each base64 digit. */
const ENCODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** Value of each ASCII code as a base64 digit, 255 for anything else. */
const DECODE = new Uint8Array(256).fill(255);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
/** Two base64 digits (12 bits) as the two ASCII bytes of one little-endian uint16: half the table lookups. */
const PAIRS = new Uint16Array(4096);
for (let v = 0; v < 4096; v++) PAIRS[v] = ENCODE[v >> 6]! | (ENCODE[v & 63]! << 8);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Encode and decode in slices of this many bytes (a multiple of 3): bounded temporaries, no giant intermediate arrays. */
const SLICE = 3 * (1 << 18);

/** The little-endian float32 bytes of the values (a view when they already are a little-endian Float32Array). */
function float32Bytes(data: ArrayLike<number>, n: number): Uint8Array {
  if (LITTLE_ENDIAN) {
    const f = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
    return new Uint8Array(f.buffer, f.byteOffset, n * 4);
  }
  const bytes = new Uint8Array(n * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) view.setFloat32(i * 4, data[i]!, true);
  return bytes;
}

/** A {@link TensorState}: the shape and the values as base64 of little-endian float32. */
export function encodeTensor(data: ArrayLike<number>, shape: readonly number[]): TensorState {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) {
    throw new Error(`encodeTensor: shape [${shape.join(', ')}] holds ${n} values but data has ${data.length}`);
  }
  return { shape: shape.slice(), data: bytesToBase64(float32Bytes(data, n)) };
}

/**
 * The values of a {@link TensorState}. With `expectedShape`, throws unless the shapes match exactly; `name` is used in
 * error messages.
 */
export function decodeTensor(state: TensorState | undefined, name: string, expectedShape?: readonly number[]): Float32Array {
  if (!state || !Array.isArray(state.shape) || typeof state.data !== 'string') {
    throw new Error(`model state: tensor '${name}' is missing or malformed`);
  }
  if (expectedShape && (state.shape.length !== expectedShape.length || state.shape.some((d, i) => d !== expectedShape[i]))) {
    throw new Error(`model state: tensor '${name}' has shape [${state.shape.join(', ')}], expected [${expectedShape.join(', ')}]`);
  }
  const n = state.shape.reduce((a, b) => a * b, 1);
  const bytes = base64ToBytes(state.data, name);
  if (bytes.length !== n * 4) {
    throw new Error(`model state: tensor '${name}' of shape [${state.shape.join(', ')}] needs ${n * 4} bytes, its data has ${bytes.length}`);
  }
  if (LITTLE_ENDIAN) return new Float32Array(bytes.buffer, bytes.byteOffset, n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * Standard base64 (RFC 4648, with padding). The digits are written as ASCII bytes and turned into a string by
 * TextDecoder a slice at a time: no per-character string concatenation, so it runs at hundreds of MB/s.
 */
export function bytesToBase64(bytes: Uint8Array): string {
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  const out = new Uint8Array((SLICE / 3) * 4);
  const out16 = new Uint16Array(out.buffer);
  for (let start = 0; start < bytes.length; start += SLICE) {
    const end = Math.min(bytes.length, start + SLICE);
    const whole = start + Math.floor((end - start) / 3) * 3;
    let o = 0;
    // PAIRS packs two digits as a little-endian uint16; on a big-endian host swap them back
    for (let i = start; i < whole; i += 3) {
      const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      out16[o >> 1] = PAIRS[v >> 12]!;
      out16[(o >> 1) + 1] = PAIRS[v & 4095]!;
      o += 4;
    }
    if (!LITTLE_ENDIAN) for (let k = 0; k < o; k += 2) [out[k], out[k + 1]] = [out[k + 1]!, out[k]!];
    if (whole < end) { // the last 1 or 2 bytes, with '=' padding
      const b0 = bytes[whole]!;
      const b1 = whole + 1 < end ? bytes[whole + 1]! : 0;
      out[o++] = ENCODE[b0 >> 2]!;
      out[o++] = ENCODE[((b0 & 3) << 4) | (b1 >> 4)]!;
      out[o++] = whole + 1 < end ? ENCODE[(b1 & 15) << 2]! : 61;
      out[o++] = 61;
    }
    parts.push(decoder.decode(out.subarray(0, o)));
  }
  return parts.join('');
}

/** Decodes standard base64 (padding optional); throws naming the tensor on any other character. */
export function base64ToBytes(text: string, name = 'base64'): Uint8Array {
  const s = text.replace(/=+$/, '');
  if (s.length % 4 === 1) throw new Error(`model state: tensor '${name}': base64 data has an impossible length ${text.length}`);
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  const encoder = new TextEncoder();
  const chars = (SLICE / 3) * 4;
  let o = 0;
  for (let start = 0; start < s.length; start += chars) {
    // ASCII digits encode to one byte each; any other character becomes 2+ bytes and fails the digit lookup below
    const ascii = encoder.encode(s.slice(start, start + chars));
    if (ascii.length !== Math.min(chars, s.length - start)) throw invalidCharacter(s, name);
    const whole = ascii.length & ~3;
    for (let i = 0; i < whole; i += 4) {
      const a = DECODE[ascii[i]!]!, b = DECODE[ascii[i + 1]!]!, c = DECODE[ascii[i + 2]!]!, d = DECODE[ascii[i + 3]!]!;
      if ((a | b | c | d) === 255) throw invalidCharacter(s, name);
      const v = (a << 18) | (b << 12) | (c << 6) | d;
      out[o] = v >> 16;
      out[o + 1] = (v >> 8) & 255;
      out[o + 2] = v & 255;
      o += 3;
    }
    const rest = ascii.length - whole; // 2 or 3 digits at the very end (unpadded tail)
    if (rest > 0) {
      const a = DECODE[ascii[whole]!]!, b = DECODE[ascii[whole + 1]!]!, c = rest > 2 ? DECODE[ascii[whole + 2]!]! : 0;
      if ((a | b | c) === 255) throw invalidCharacter(s, name);
      out[o++] = (a << 2) | (b >> 4);
      if (rest > 2) out[o++] = ((b & 15) << 4) | (c >> 2);
    }
  }
  return out;
}

/** The error for the first character of `s` that is not a base64 digit. */
function invalidCharacter(s: string, name: string): Error {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) < 128 && DECODE[s.charCodeAt(i)] !== 255) i++;
  return new Error(`model state: tensor '${name}': invalid base64 character ${JSON.stringify(s[i])} at ${i}`);
}

