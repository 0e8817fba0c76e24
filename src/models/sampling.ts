/**
 * Generation shared by every model: start from `.`s (plus an optional prefix), draw the next character from the
 * model's distribution, stop at `.` or at maxLength. All words of a call are generated together, one character
 * position at a time, so a neural model evaluates one batch per position instead of one row per character.
 *
 * Prefix stability: word i of a call draws from its own PRNG stream, seeded from (seed, i) by {@link sampleStreamSeed},
 * never from a stream shared with the other words. So the first k words of `count: n` are exactly the words of
 * `count: k` (same seed, temperature, prefix and maxLength), in Node and in the browser alike.
 */
import { Rng } from '../rng.ts';
import { checkSeed } from '../seed.ts';
import type { Vocabulary } from '../data/vocabulary.ts';
import type { SampleOptions } from './model.ts';

/** Sample options with defaults filled in and the prefix encoded. */
export interface ResolvedSampleOptions {
  count: number;
  seed: number;
  temperature: number;
  maxLength: number;
  prefix: number[];
  /** Only the topK highest scores are drawn from (Infinity: all). */
  topK: number;
}

/** Checks and completes {@link SampleOptions}; errors name the option and its value. */
export function resolveSampleOptions(vocab: Vocabulary, options: SampleOptions = {}, who = 'sample'): ResolvedSampleOptions {
  const { count = 10, seed = 42, temperature = 1, maxLength = 50, prefix = '', topK } = options;
  if (!Number.isInteger(count) || count < 0) throw new Error(`${who}: count must be an integer >= 0, got ${count}`);
  checkSeed(seed, who);
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new Error(`${who}: temperature must be a finite number > 0, got ${temperature}`);
  }
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new Error(`${who}: maxLength must be an integer >= 1, got ${maxLength}`);
  if (typeof prefix !== 'string') throw new Error(`${who}: prefix must be a string, got ${typeof prefix}`);
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) throw new Error(`${who}: topK must be an integer >= 1, got ${topK}`);
  return { count, seed, temperature, maxLength, prefix: vocab.encode(prefix), topK: topK ?? Infinity };
}

/** murmur3's 32-bit finalizer: every input bit flips about half of the output bits. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The seed of word `index`'s stream in a sampling call with `seed`: a 32-bit hash of the pair, so neighbouring seeds
 * and neighbouring indices give unrelated streams. Integer arithmetic only: the same in every JavaScript engine.
 */
export function sampleStreamSeed(seed: number, index: number): number {
  if (!Number.isInteger(seed)) throw new Error(`sampleStreamSeed: seed must be an integer, got ${seed}`);
  if (!Number.isInteger(index) || index < 0) throw new Error(`sampleStreamSeed: index must be an integer >= 0, got ${index}`);
  // seed and index are combined after mixing one of them, so (s, i) and (i, s) differ; both taken modulo 2^32 as Rng does
  return fmix32((fmix32(seed >>> 0) + Math.imul(index >>> 0, 0x9e3779b9)) >>> 0);
}

/**
 * Fills `out` (B × V) with the model's scores for the next character after each of the B contexts (B × contextLength
 * ids, row-major): log-probabilities or logits — anything whose softmax is the distribution.
 */
export type NextScores = (contexts: Int32Array, B: number, out: Float64Array) => void;

/**
 * Words drawn from a model given as a {@link NextScores} function. `contextLength` is how many previous ids the model
 * looks at (0 for a unigram). Scores are divided by the temperature and soft-maxed in float64; word i draws with
 * {@link Rng.choice} from its own `new Rng(sampleStreamSeed(seed, i))`, so a call is prefix-stable in `count`. A word stops at `.` (not included) or when it reaches maxLength characters (prefix included).
 */
export function sampleWords(
  vocab: Vocabulary,
  contextLength: number,
  options: ResolvedSampleOptions,
  next: NextScores,
  who = 'sample',
): string[] {
  const { count, seed, temperature, maxLength, prefix } = options;
  const topK = options.topK ?? Infinity;
  const V = vocab.size;
  // one stream per word: what word i gets never depends on how many words are drawn after it
  const streams = Array.from({ length: count }, (_, i) => new Rng(sampleStreamSeed(seed, i)));
  const words: number[][] = Array.from({ length: count }, () => prefix.slice());
  let active = words.map((_, i) => i).filter((i) => words[i]!.length < maxLength);
  const contexts = new Int32Array(count * contextLength);
  const scores = new Float64Array(count * V);
  const probs = new Float64Array(V);
  const sorted = new Float64Array(V);
  while (active.length > 0) {
    const B = active.length;
    for (let b = 0; b < B; b++) {
      const w = words[active[b]!]!;
      for (let t = 0; t < contextLength; t++) {
        const j = w.length - contextLength + t;
        contexts[b * contextLength + t] = j >= 0 ? w[j]! : 0;
      }
    }
    next(contexts.subarray(0, B * contextLength), B, scores);
    const still: number[] = [];
    for (let b = 0; b < B; b++) {
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, scores[b * V + v]!);
      if (!(max > -Infinity) || Number.isNaN(max)) {
        const w = words[active[b]!]!;
        throw new Error(`${who}: the model gives no probability to any character after ${JSON.stringify(vocab.decode(w) || '.')} (max score ${max})`);
      }
      for (let v = 0; v < V; v++) probs[v] = Math.exp((scores[b * V + v]! - max) / temperature);
      if (topK < V) keepTopK(probs, scores.subarray(b * V, (b + 1) * V), topK, sorted);
      const id = streams[active[b]!]!.choice(probs);
      if (id === 0) continue;
      const w = words[active[b]!]!;
      w.push(id);
      if (w.length < maxLength) still.push(active[b]!);
    }
    active = still;
  }
  return words.map((w) => vocab.decode(w));
}

/** Zeroes the probabilities of every score below the k-th largest (ties with it stay): makemore.py's top-k cut-off. */
function keepTopK(probs: Float64Array, scores: Float64Array, k: number, scratch: Float64Array): void {
  scratch.set(scores);
  scratch.sort();
  const threshold = scratch[scores.length - k]!;
  for (let v = 0; v < scores.length; v++) if (!(scores[v]! >= threshold)) probs[v] = 0;
}
