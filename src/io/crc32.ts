/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial), in plain TypeScript so model files can be checked in the browser as
 * well as in Node without an async digest API. It detects corruption (bit flips, edits, truncation), not tampering.
 */

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  return table;
}

/** The running state of a CRC-32 before any byte. */
export const CRC32_START = 0xffffffff;

/** Node's native CRC-32 (zlib.crc32, Node ≥ 20.15), found without importing node:zlib so browsers load this file. */
type NativeCrc32 = (data: Uint8Array, value: number) => number;
const native: NativeCrc32 | undefined = (() => {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => { crc32?: NativeCrc32 } | undefined } }).process;
  try {
    return p?.getBuiltinModule?.('node:zlib')?.crc32;
  } catch {
    return undefined;
  }
})();

/**
 * Feeds bytes into a running CRC-32 state (start from {@link CRC32_START}, finish with {@link crc32Finish}), so a
 * large document can be checked piece by piece without concatenating it. In Node, zlib's native CRC-32 (the same
 * polynomial, several times faster); elsewhere {@link crc32UpdateJs}.
 */
export function crc32Update(state: number, bytes: Uint8Array): number {
  // zlib continues from a finished CRC value, ours from the running state: they differ by the final inversion
  if (native !== undefined && bytes.length >= 4096) return (native(bytes, (state ^ 0xffffffff) >>> 0) ^ 0xffffffff) >>> 0;
  return crc32UpdateJs(state, bytes);
}

/** {@link crc32Update} in plain TypeScript, a byte at a time (the browser's path; Node uses zlib's). */
export function crc32UpdateJs(state: number, bytes: Uint8Array): number {
  const t = crcTable();
  let crc = state >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return crc >>> 0;
}

/** The CRC-32 value of a running state. */
export function crc32Finish(state: number): number {
  return (state ^ 0xffffffff) >>> 0;
}

/** CRC-32 of the bytes (or of the UTF-8 encoding of a string), as an unsigned 32-bit integer. */
export function crc32(data: Uint8Array | string): number {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return crc32Finish(crc32Update(CRC32_START, bytes));
}

/** The CRC-32 as 8 lower-case hex digits. */
export function crc32Hex(data: Uint8Array | string): string {
  return crc32(data).toString(16).padStart(8, '0');
}
