/**
 * Item 4 of issue 11: model files of large models are encoded and decoded at memory speed, and the fast paths agree
 * with Node's own base64 on every length and byte value.
 */
import { describe, expect, it } from 'vitest';
import { decodeModelFile, encodeModelFile } from '../src/io/model-file.ts';
import type { ModelState } from '../src/models/model.ts';
import { base64ToBytes, bytesToBase64, decodeTensor, encodeTensor } from '../src/models/tensor-codec.ts';

function pseudoRandomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 255;
  }
  return out;
}

describe('base64 fast paths', () => {
  it('match Buffer for every length 0..200 and across slice boundaries', () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = pseudoRandomBytes(n, n + 1);
      const reference = Buffer.from(bytes).toString('base64');
      expect(bytesToBase64(bytes)).toBe(reference);
      expect(Array.from(base64ToBytes(reference))).toEqual(Array.from(bytes));
    }
    const big = pseudoRandomBytes(3 * (1 << 18) * 2 + 5, 7); // two encoder slices and a padded tail
    const reference = Buffer.from(big).toString('base64');
    expect(bytesToBase64(big)).toBe(reference);
    expect(Buffer.from(base64ToBytes(reference)).equals(Buffer.from(big))).toBe(true);
  });

  it('refuses any non-digit, at any position, including non-ASCII', () => {
    const good = Buffer.from(pseudoRandomBytes(3000, 3)).toString('base64');
    for (const bad of ['*', '-', '_', 'é', '\u0000', ' ', '😀']) {
      for (const at of [0, 1, 2, 3, 1000, good.length - 1]) {
        const text = good.slice(0, at) + bad + good.slice(at + 1);
        expect(() => base64ToBytes(text, 'w'), `${JSON.stringify(bad)} at ${at}`).toThrow(/'w'.*(invalid base64 character|impossible length)/);
      }
    }
  });

  it('round-trips float32 values bit for bit, NaN payloads and -0 included', () => {
    const bytes = pseudoRandomBytes(4 * 10_000, 11);
    const values = new Float32Array(bytes.buffer);
    const back = decodeTensor(encodeTensor(values, [100, 100]), 't', [100, 100]);
    expect(Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(Buffer.from(bytes))).toBe(true);
    expect(Object.is(decodeTensor(encodeTensor([-0], [1]), 'z')[0], -0)).toBe(true);
  });
});

describe('a 50 MB model file', () => {
  it('encodes and decodes within a generous bound (the figure itself: scripts/adversarial.ts)', () => {
    const n = 12_500_000; // 50 MB of float32
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = (i % 1000) * 0.001 - 0.5;
    const started = performance.now();
    const state: ModelState = { kind: 'ngram', config: { n: 1, smoothing: 1 }, vocab: [], tensors: { counts: encodeTensor(values, [n]) } };
    const text = encodeModelFile(state);
    const decoded = decodeTensor(decodeModelFile(text, 'big.json').model.tensors.counts, 'counts', [n]);
    const seconds = (performance.now() - started) / 1000;
    expect(decoded[n - 1]).toBe(values[n - 1]);
    expect(decoded[123_457]).toBe(values[123_457]);
    // measured ≈ 1.5 s for both directions on a loaded 2-core machine (the old encoder took ~25 s); 10 s only
    // catches a return to per-character string building, not a slow machine
    expect(seconds).toBeLessThan(10);
  }, 60_000);
});

describe('CRC-32 paths', () => {
  it('the plain TypeScript slice-by-8 and the native path agree, in pieces of any size', async () => {
    const { crc32, crc32Update, crc32UpdateJs, crc32Finish, CRC32_START } = await import('../src/io/crc32.ts');
    const bytes = pseudoRandomBytes(100_003, 5);
    const whole = crc32Finish(crc32UpdateJs(CRC32_START, bytes));
    expect(crc32(bytes)).toBe(whole);
    let state = CRC32_START;
    for (const cut of [[0, 7], [7, 5000], [5000, 5003], [5003, 100_003]]) state = crc32Update(state, bytes.subarray(cut[0], cut[1]));
    expect(crc32Finish(state)).toBe(whole);
    expect(crc32Finish(crc32UpdateJs(CRC32_START, new TextEncoder().encode('123456789')))).toBe(0xcbf43926);
  });
});
