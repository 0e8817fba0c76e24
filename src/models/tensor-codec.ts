/**
 * Tensors in model files: float32 data as base64 of its little-endian bytes, independent of the host's byte order
 * and of Node's Buffer (the browser bundle uses the same code).
 */
import type { TensorState } from './model.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** A {@link TensorState}: the shape and the values as base64 of little-endian float32. */
export function encodeTensor(data: ArrayLike<number>, shape: readonly number[]): TensorState {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) {
    throw new Error(`encodeTensor: shape [${shape.join(', ')}] holds ${n} values but data has ${data.length}`);
  }
  const bytes = new Uint8Array(n * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) view.setFloat32(i * 4, data[i]!, true);
  return { shape: shape.slice(), data: bytesToBase64(bytes) };
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
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Standard base64 (RFC 4648, with padding). */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let line = '';
  const n = bytes.length;
  for (let i = 0; i < n; i += 3) {
    const b0 = bytes[i]!;
    const b1 = i + 1 < n ? bytes[i + 1]! : 0;
    const b2 = i + 2 < n ? bytes[i + 2]! : 0;
    line += ALPHABET[b0 >> 2]! + ALPHABET[((b0 & 3) << 4) | (b1 >> 4)]!;
    line += i + 1 < n ? ALPHABET[((b1 & 15) << 2) | (b2 >> 6)]! : '=';
    line += i + 2 < n ? ALPHABET[b2 & 63]! : '=';
    if (line.length >= 8192) { // join in chunks: repeated += on one huge string is slow in some engines
      parts.push(line);
      line = '';
    }
  }
  parts.push(line);
  return parts.join('');
}

/** Decodes standard base64 (padding optional); throws naming the tensor on any other character. */
export function base64ToBytes(text: string, name = 'base64'): Uint8Array {
  const s = text.replace(/=+$/, '');
  if (s.length % 4 === 1) throw new Error(`model state: tensor '${name}': base64 data has an impossible length ${text.length}`);
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let acc = 0;
    const m = Math.min(4, s.length - i);
    for (let j = 0; j < 4; j++) {
      let v = 0;
      if (j < m) {
        const c = s.charCodeAt(i + j);
        v = c < 128 ? DECODE[c]! : -1;
        if (v < 0) throw new Error(`model state: tensor '${name}': invalid base64 character ${JSON.stringify(s[i + j])} at ${i + j}`);
      }
      acc = (acc << 6) | v;
    }
    out[o++] = (acc >> 16) & 255;
    if (m > 2) out[o++] = (acc >> 8) & 255;
    if (m > 3) out[o++] = acc & 255;
  }
  return out;
}
