import { describe, expect, it } from 'vitest';
import { buildContexts } from '../src/data/contexts.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { readWords, splitWords } from '../src/data/words.ts';
import { bytesToBase64, decodeTensor, encodeTensor } from '../src/models/tensor-codec.ts';
import { Rng } from '../src/rng.ts';

describe('readWords', () => {
  it('splits on \\n and \\r\\n, trims, drops empty lines, with or without a trailing newline', () => {
    expect(readWords('emma\nolivia\nava\n')).toEqual(['emma', 'olivia', 'ava']);
    expect(readWords('emma\r\nolivia\r\nava')).toEqual(['emma', 'olivia', 'ava']);
    expect(readWords('\n\n  emma  \r\n\r\n\t\nava\r')).toEqual(['emma', 'ava']);
    expect(readWords('a\rb')).toEqual(['a', 'b']);
    expect(readWords('')).toEqual([]);
    expect(readWords('\n \r\n')).toEqual([]);
  });

  it('keeps Unicode words intact, astral characters included', () => {
    expect(readWords('josé\nzoë\n😀x\n𝒜𝒷\n')).toEqual(['josé', 'zoë', '😀x', '𝒜𝒷']);
  });

  it('rejects a non-string', () => {
    expect(() => readWords(undefined as unknown as string)).toThrow(/text must be a string, got undefined/);
  });
});

describe('Vocabulary', () => {
  it('puts . at index 0 and the other characters in code point order', () => {
    const v = Vocabulary.fromWords(['cab', 'bad', 'z']);
    expect(v.chars).toEqual(['.', 'a', 'b', 'c', 'd', 'z']);
    expect(v.size).toBe(6);
    expect(v.indexOf('.')).toBe(0);
    expect(v.indexOf('c')).toBe(3);
    expect(v.indexOf('q')).toBe(-1);
    expect(v.encode('dab')).toEqual([4, 1, 2]);
    expect(v.decode([4, 1, 2, 0])).toBe('dab.');
  });

  it('treats an astral character as one character and sorts by code point, not by UTF-16 unit', () => {
    // U+FF21 (fullwidth A) < U+1F600 (emoji) by code point, but the emoji's first UTF-16 unit 0xD83D < 0xFF21
    const v = Vocabulary.fromWords(['😀Ａ', 'a']);
    expect(v.chars).toEqual(['.', 'a', 'Ａ', '😀']);
    expect(v.encode('😀a')).toEqual([3, 1]);
    expect(v.decode(v.encode('a😀Ａ'))).toBe('a😀Ａ');
  });

  it('round-trips through toJSON/fromChars', () => {
    const v = Vocabulary.fromWords(['héllo', 'wörld']);
    const w = Vocabulary.fromChars(v.toJSON());
    expect(w.chars).toEqual(v.chars);
    expect(w.equals(v)).toBe(true);
    expect(JSON.parse(JSON.stringify(v))).toEqual(v.toJSON());
  });

  it('throws clear errors', () => {
    expect(() => Vocabulary.fromWords([])).toThrow(/non-empty array.*empty list/);
    expect(() => Vocabulary.fromWords(['ab', 'a.b'])).toThrow(/"a\.b".*words\[1\].*'\.'/);
    expect(() => Vocabulary.fromWords(['ab', ''])).toThrow(/words\[1\] must be a non-empty string, got ""/);
    const v = Vocabulary.fromWords(['abc']);
    expect(() => v.encode('abé')).toThrow(/character "é" \(U\+00E9\) in word "abé" is not in the vocabulary/);
    expect(() => v.encode('a.')).toThrow(/"a\.".*'\.'/);
    expect(() => v.decode([9])).toThrow(/id 9 .* out of range \[0, 4\)/);
    expect(() => Vocabulary.fromChars(['a', 'a'])).toThrow(/"a" appears twice/);
    expect(() => Vocabulary.fromChars(['ab'])).toThrow(/chars\[0\] must be a single character, got "ab"/);
    expect(() => Vocabulary.fromChars(['.'])).toThrow(/chars\[0\] is '\.'/);
  });
});

describe('splitWords', () => {
  const words = Array.from({ length: 103 }, (_, i) => `w${i}`);

  it('cuts a shuffle into floor(0.8 n), floor(0.9 n) - floor(0.8 n) and the rest, losing nothing', () => {
    const s = splitWords(words, { seed: 1 });
    expect(s.train.length).toBe(82);
    expect(s.dev.length).toBe(92 - 82);
    expect(s.test.length).toBe(103 - 92);
    expect([...s.train, ...s.dev, ...s.test].sort()).toEqual(words.slice().sort());
    expect(s.train).not.toEqual(words.slice(0, 82)); // shuffled
  });

  it('is deterministic in the seed and does not modify its input', () => {
    const copy = words.slice();
    expect(splitWords(words, { seed: 5 })).toEqual(splitWords(words, { seed: 5 }));
    expect(splitWords(words, { seed: 5 }).train).not.toEqual(splitWords(words, { seed: 6 }).train);
    expect(words).toEqual(copy);
  });

  it('honours other fractions without losing a word to rounding', () => {
    const s = splitWords(Array.from({ length: 10 }, (_, i) => `${i}`), { fractions: [0.7, 0.2, 0.1] });
    expect([s.train.length, s.dev.length, s.test.length]).toEqual([7, 2, 1]);
  });

  it('rejects an empty list and bad fractions', () => {
    expect(() => splitWords([])).toThrow(/words must be a non-empty array.*empty list/);
    expect(() => splitWords(words, { fractions: [0.5, 0.1, 0.1] })).toThrow(/sum to 1.*0\.5,0\.1,0\.1/);
    expect(() => splitWords(words, { fractions: [1.1, -0.1, 0] })).toThrow(/fractions must be three finite numbers >= 0/);
  });
});

describe('buildContexts', () => {
  /** The lecture's loop, with strings: context = '...', for ch in w + '.': emit (context, ch), slide. */
  function naive(words: string[], blockSize: number): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const w of words) {
      let context = Array<string>(blockSize).fill('.');
      for (const ch of [...w, '.']) {
        out.push([context.join(''), ch]);
        context = [...context.slice(1), ch];
      }
    }
    return out;
  }

  it('matches the naive string construction for several block sizes, with . padding and . as the last target', () => {
    const words = ['emma', 'ava', 'x', 'zoë😀'];
    const vocab = Vocabulary.fromWords(words);
    for (const blockSize of [1, 2, 3, 5, 8]) {
      const c = buildContexts(words, vocab, blockSize);
      const expected = naive(words, blockSize);
      expect(c.count).toBe(expected.length);
      expect(c.count).toBe(4 + 1 + 3 + 1 + 1 + 1 + 4 + 1); // one per character plus one end marker per word
      expect(c.blockSize).toBe(blockSize);
      expect(c.X.length).toBe(c.count * blockSize);
      for (let i = 0; i < c.count; i++) {
        expect(vocab.decode(c.X.subarray(i * blockSize, (i + 1) * blockSize))).toBe(expected[i]![0]);
        expect(vocab.decode([c.Y[i]!])).toBe(expected[i]![1]);
      }
    }
  });

  it('rejects blockSize 0, an empty list and an unknown character (naming them)', () => {
    const vocab = Vocabulary.fromWords(['ab']);
    expect(() => buildContexts(['ab'], vocab, 0)).toThrow(/blockSize must be a positive integer, got 0/);
    expect(() => buildContexts(['ab'], vocab, 1.5)).toThrow(/got 1\.5/);
    expect(() => buildContexts([], vocab, 3)).toThrow(/non-empty array.*empty list/);
    expect(() => buildContexts(['abc'], vocab, 3)).toThrow(/character "c".*word "abc"/);
  });
});

describe('Rng', () => {
  /** sfc32 + splitmix32 written independently, with BigInt arithmetic. */
  function referenceStream(seed: number, count: number): number[] {
    const M = 0xffffffffn;
    let s = BigInt(seed >>> 0);
    const split = (): bigint => {
      s = (s + 0x9e3779b9n) & M;
      let z = s;
      z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M;
      z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M;
      return (z ^ (z >> 16n)) & M;
    };
    let a = split(), b = split(), c = split(), d = split();
    const step = (): bigint => {
      const t = (a + b + d) & M;
      d = (d + 1n) & M;
      a = b ^ (b >> 9n);
      b = (c + (c << 3n)) & M;
      c = ((c << 21n) | (c >> 11n)) & M;
      c = (c + t) & M;
      return t;
    };
    for (let i = 0; i < 12; i++) step();
    return Array.from({ length: count }, () => Number(step()));
  }

  it('produces the sfc32 stream of a BigInt reference implementation', () => {
    for (const seed of [0, 1, 42, -7, 2 ** 32 - 1]) {
      const rng = new Rng(seed);
      const got = Array.from({ length: 50 }, () => rng.uint32());
      expect(got).toEqual(referenceStream(seed, 50));
    }
  });

  it('next() is in [0, 1) and int(n) is in range and roughly uniform', () => {
    const rng = new Rng(3);
    const counts = new Array<number>(7).fill(0);
    let outside = 0;
    for (let i = 0; i < 70000; i++) {
      const x = rng.next();
      if (!(x >= 0 && x < 1)) outside++;
      counts[rng.int(7)]!++;
    }
    expect(outside).toBe(0);
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400); // ~4 standard deviations
  });

  it('normal() has mean 0 and variance 1', () => {
    const rng = new Rng(11);
    let s = 0, s2 = 0;
    const n = 200000;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.015);
  });

  it('choice() follows unnormalized weights and never picks a zero weight', () => {
    const rng = new Rng(5);
    const w = [0, 1, 3, 0, 6];
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 100000; i++) counts[rng.choice(w)]!++;
    expect(counts[0]).toBe(0);
    expect(counts[3]).toBe(0);
    expect(Math.abs(counts[1]! / 1e5 - 0.1)).toBeLessThan(0.005);
    expect(Math.abs(counts[4]! / 1e5 - 0.6)).toBeLessThan(0.008);
    expect(() => rng.choice([0, 0])).toThrow(/positive sum/);
    expect(() => rng.choice([1, -1])).toThrow(/probs\[1\].*-1/);
  });

  it('shuffle() permutes in place, deterministically', () => {
    const a = Array.from({ length: 20 }, (_, i) => i);
    const b = new Rng(9).shuffle(a.slice());
    expect(b.slice().sort((x, y) => x - y)).toEqual(a);
    expect(b).not.toEqual(a);
    expect(new Rng(9).shuffle(a.slice())).toEqual(b);
  });

  it('rejects a non-integer seed and a bad n', () => {
    expect(() => new Rng(1.5)).toThrow(/seed must be an integer, got 1\.5/);
    expect(() => new Rng(1).int(0)).toThrow(/got 0/);
  });
});

describe('tensor codec', () => {
  it('writes little-endian float32 as standard base64', () => {
    expect(encodeTensor([1], [1]).data).toBe('AACAPw=='); // 1.0f = 0x3f800000, stored 00 00 80 3f
    const data = Float32Array.from([0, -0, 1.5, -2.25e-30, 3.4e38, Infinity, -Infinity, 1 / 3]);
    const t = encodeTensor(data, [2, 4]);
    expect(t.shape).toEqual([2, 4]);
    const le = new Uint8Array(data.length * 4);
    const view = new DataView(le.buffer);
    data.forEach((x, i) => view.setFloat32(i * 4, x, true));
    expect(t.data).toBe(Buffer.from(le).toString('base64'));
  });

  it('round-trips bit for bit, NaN and -0 included, for every length modulo 3', () => {
    const rng = new Rng(1);
    for (let n = 1; n <= 7; n++) {
      const data = Float32Array.from({ length: n }, () => rng.normal() * 1e3);
      if (n === 5) data[2] = Number.NaN;
      if (n === 6) data[0] = -0;
      const back = decodeTensor(encodeTensor(data, [n]), 't', [n]);
      expect(new Uint32Array(back.buffer)).toEqual(new Uint32Array(data.buffer));
    }
    for (let n = 0; n < 10; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('rejects a wrong shape, a wrong length and bad characters, naming the tensor', () => {
    const t = encodeTensor([1, 2, 3, 4], [2, 2]);
    expect(() => decodeTensor(t, 'W', [4, 1])).toThrow(/'W' has shape \[2, 2\], expected \[4, 1\]/);
    expect(() => decodeTensor({ shape: [3], data: t.data }, 'W')).toThrow(/'W'.*needs 12 bytes.*16/);
    expect(() => decodeTensor({ shape: [1], data: 'AA*Apw==' }, 'b')).toThrow(/'b'.*invalid base64 character "\*"/);
    expect(() => decodeTensor(undefined, 'C')).toThrow(/'C' is missing/);
    expect(() => encodeTensor([1, 2], [3])).toThrow(/holds 3 values but data has 2/);
  });
});
