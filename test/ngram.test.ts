import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { NGramModel } from '../src/models/ngram.ts';
import { Rng } from '../src/rng.ts';

/** Synthetic words: a few hundred "names" from a random syllable grammar, deterministic. */
function syntheticWords(count: number, seed: number): string[] {
  const rng = new Rng(seed);
  const syllables = ['ka', 'ri', 'an', 'mo', 'el', 'sa', 'ty', 'o', 'be', 'lu', 'x'];
  return Array.from({ length: count }, () => {
    let w = '';
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++) w += syllables[rng.int(syllables.length)];
    return w;
  });
}

/** Naive n-gram: string contexts in a Map, probabilities and NLL in float64. */
function naiveNll(train: string[], test: string[], n: number, k: number): number {
  const chars = Vocabulary.fromWords(train).chars;
  const V = chars.length;
  const counts = new Map<string, Map<string, number>>();
  const events = (w: string): Array<[string, string]> => {
    const seq = [...Array<string>(n - 1).fill('.'), ...w, '.'];
    const out: Array<[string, string]> = [];
    for (let i = n - 1; i < seq.length; i++) out.push([seq.slice(i - n + 1, i).join(''), seq[i]!]);
    return out;
  };
  for (const w of train) {
    for (const [ctx, ch] of events(w)) {
      const row = counts.get(ctx) ?? new Map<string, number>();
      row.set(ch, (row.get(ch) ?? 0) + 1);
      counts.set(ctx, row);
    }
  }
  let sum = 0;
  let m = 0;
  for (const w of test) {
    for (const [ctx, ch] of events(w)) {
      const row = counts.get(ctx);
      let total = 0;
      for (const c of row?.values() ?? []) total += c;
      sum -= Math.log(((row?.get(ch) ?? 0) + k) / (total + k * V));
      m++;
    }
  }
  return sum / m;
}

describe('NGramModel', () => {
  const words = syntheticWords(400, 1);
  const heldOut = syntheticWords(100, 2);

  it('matches a naive count reference for every order 1..5 and several k', () => {
    for (let n = 1; n <= 5; n++) {
      for (const k of [0.5, 1, 3]) {
        const model = NGramModel.fit(words, { n, smoothing: k });
        expect(model.nll(words)).toBeCloseTo(naiveNll(words, words, n, k), 12);
        expect(model.nll(heldOut)).toBeCloseTo(naiveNll(words, heldOut, n, k), 12);
      }
    }
  });

  it('with k = 0 gives the unsmoothed NLL on seen data and Infinity on an unseen event', () => {
    for (let n = 1; n <= 5; n++) {
      const model = NGramModel.fit(words, { n, smoothing: 0 });
      expect(model.nll(words)).toBeCloseTo(naiveNll(words, words, n, 0), 12);
    }
    const bigram = NGramModel.fit(words, { smoothing: 0 });
    expect(bigram.nll(['tyy'])).toBe(Infinity); // 'y' is never followed by 'y' in the grammar
    expect(bigram.probabilities([bigram.vocab.indexOf('y')])[bigram.vocab.indexOf('y')]).toBe(0);
  });

  it('counts() of the bigram is the matrix of pair counts; rows of probabilities sum to 1', () => {
    const model = NGramModel.fit(['abba', 'ab'], { smoothing: 1 });
    const v = model.vocab;
    const N = model.counts();
    const at = (a: string, b: string): number => N[v.indexOf(a) * v.size + v.indexOf(b)]!;
    expect(at('.', 'a')).toBe(2);
    expect(at('a', 'b')).toBe(2);
    expect(at('b', 'b')).toBe(1);
    expect(at('b', 'a')).toBe(1);
    expect(at('a', '.')).toBe(1);
    expect(at('b', '.')).toBe(1);
    expect(N.reduce((s, x) => s + x, 0)).toBe(4 + 1 + 2 + 1);
    const p = model.probabilities([v.indexOf('a')]);
    expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 14);
    expect(p[v.indexOf('b')]).toBeCloseTo((2 + 1) / (3 + 3), 14);
  });

  it('samples deterministically, only words the data allows when k = 0, respecting prefix and maxLength', () => {
    const model = NGramModel.fit(['abc', 'abd'], { n: 3, smoothing: 0 });
    const s = model.sample({ count: 50, seed: 3 });
    expect(s).toEqual(model.sample({ count: 50, seed: 3 }));
    expect(new Set(s)).toEqual(new Set(['abc', 'abd']));
    expect(model.sample({ count: 20, seed: 4, maxLength: 2 })).toEqual(Array(20).fill('ab'));
    const prefixed = NGramModel.fit(words, { n: 3 }).sample({ count: 30, prefix: 'ka' });
    for (const w of prefixed) expect(w.startsWith('ka')).toBe(true);
  });

  it('becomes greedy at a low temperature', () => {
    // after '.', 'a' (3) beats 'b' (1); after 'a', '.' (3) beats 'b' (1)
    const model = NGramModel.fit(['a', 'a', 'a', 'ab'], { smoothing: 0 });
    expect(model.sample({ count: 20, temperature: 0.01 })).toEqual(Array(20).fill('a'));
    expect(new Set(model.sample({ count: 200, temperature: 1 })).size).toBeGreaterThan(1);
  });

  it('round-trips through JSON with identical NLL and samples', () => {
    for (const n of [1, 2, 4]) {
      const model = NGramModel.fit(words, { n, smoothing: 0.5 });
      const back = NGramModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
      expect(back.n).toBe(n);
      expect(back.smoothing).toBe(0.5);
      expect(back.nll(heldOut)).toBe(model.nll(heldOut));
      expect(back.sample({ count: 10, seed: 8 })).toEqual(model.sample({ count: 10, seed: 8 }));
    }
  });

  it('throws clear errors on bad input', () => {
    expect(() => NGramModel.fit([])).toThrow(/words must be a non-empty array.*empty list/);
    expect(() => NGramModel.fit(words, { n: 0 })).toThrow(/n must be an integer from 1 to 5, got 0/);
    expect(() => NGramModel.fit(words, { n: 6 })).toThrow(/got 6/);
    expect(() => NGramModel.fit(words, { smoothing: -1 })).toThrow(/smoothing must be a finite number >= 0, got -1/);
    const model = NGramModel.fit(words);
    expect(() => model.nll(['kaz'])).toThrow(/character "z".*word "kaz"/);
    expect(() => model.nll([])).toThrow(/empty list/);
    expect(() => model.sample({ temperature: 0 })).toThrow(/temperature must be a finite number > 0, got 0/);
    expect(() => model.sample({ prefix: 'q' })).toThrow(/character "q"/);
    expect(() => NGramModel.fromJSON({ ...model.toJSON(), kind: 'mlp' })).toThrow(/expected kind 'ngram', got "mlp"/);
  });
});

describe('n-gram tables too large to save (issue 11)', () => {
  /** Words over `count` distinct characters (CJK ideographs from U+4E00), a few characters each. */
  const wordsOver = (count: number): string[] => {
    const chars = Array.from({ length: count }, (_, i) => String.fromCodePoint(0x4e00 + i));
    const out: string[] = [];
    for (let i = 0; i < count; i += 8) out.push(chars.slice(i, i + 8).join(''));
    return out;
  };

  it('refuses 8,191 characters at n = 2 and 88 at n = 4 up front, with the size in the message', () => {
    // 8,192 and 89 with '.': V^n = 67,108,864 and 62,742,241 counts, each over the 256 MiB model file limit
    expect(() => NGramModel.fit(wordsOver(8191), { n: 2 })).toThrow(/8192\^2 counts\) holds 67,108,864 values: more than the 50,331,648 a model file of at most 256 MiB holds/);
    expect(() => NGramModel.fit(wordsOver(88), { n: 4 })).toThrow(/89\^4 counts\) holds 62,742,241 values/);
  });

  it('still fits a table just under the limit in shape (n = 3 over 89 characters) and saves it', () => {
    const model = NGramModel.fit(wordsOver(88), { n: 3 });
    const back = NGramModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(back.counts().length).toBe(89 ** 3);
    expect(bytes(back.counts()).equals(bytes(model.counts()))).toBe(true); // toEqual over 704,969 entries is slow
  });
});
