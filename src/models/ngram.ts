/**
 * The counting model of makemore part 1, generalized to any order: P(next | previous n−1 characters) from counts with
 * add-k smoothing.
 */
import { Vocabulary } from '../data/vocabulary.ts';
import { describeList } from '../data/words.ts';
import type { LanguageModel, ModelState, SampleOptions } from './model.ts';
import type { ModelKindEntry } from './model-kind.ts';
import { resolveSampleOptions, sampleWords } from './sampling.ts';
import { rejectModelFile } from './state-guard.ts';
import { decodeTensor, encodeTensor } from './tensor-codec.ts';

/** Options for {@link NGramModel.fit}. */
export interface NGramOptions {
  /** Order: characters per event, 1 (unigram) to 5 (default 2, the bigram). */
  n?: number;
  /** Add-k smoothing: k pseudo-counts on every event (default 1). With 0, unseen events have probability 0. */
  smoothing?: number;
  /** The vocabulary (default: built from the words). */
  vocab?: Vocabulary;
}


/** The most counts a table may have: the values whose base64 fits the model-file limit (io/model-size.ts). */
const MAX_COUNTS = 50_331_648;

/**
 * An n-gram character model: counts of every (n−1 characters of context, next character) event, with contexts padded
 * by `.` at the start of each word. P(c | ctx) = (N[ctx, c] + k) / (Σ N[ctx, ·] + k·V). Log-likelihoods are summed in
 * float64. With k = 0 an event never seen in training has probability 0, and {@link NGramModel.nll} returns Infinity.
 */
export class NGramModel implements LanguageModel {
  readonly kind = 'ngram' as const;
  /** Order of the model. */
  readonly n: number;
  /** The add-k pseudo-count. */
  readonly smoothing: number;
  readonly vocab: Vocabulary;
  /** V^n counts; the event (c₁ … c_{n−1}, c) is at Σ cᵢ·V^(n−i). */
  private readonly table: Float64Array;
  /** V^(n−1) row sums of the table. */
  private readonly totals: Float64Array;

  private constructor(vocab: Vocabulary, n: number, smoothing: number, table: Float64Array) {
    this.vocab = vocab;
    this.n = n;
    this.smoothing = smoothing;
    this.table = table;
    const V = vocab.size;
    this.totals = new Float64Array(table.length / V);
    for (let r = 0; r < this.totals.length; r++) {
      let s = 0;
      for (let c = 0; c < V; c++) s += table[r * V + c]!;
      this.totals[r] = s;
    }
  }

  /** Counts every event of the words. Throws on an empty list, n outside 1..5, a negative k, an unknown character. */
  static fit(words: readonly string[], options: NGramOptions = {}): NGramModel {
    const { n = 2, smoothing = 1 } = options;
    checkOrder(n, smoothing);
    if (!Array.isArray(words) || words.length === 0) {
      throw new Error(`NGramModel.fit: words must be a non-empty array of strings, got ${describeList(words)}`);
    }
    const vocab = options.vocab ?? Vocabulary.fromWords(words);
    const V = vocab.size;
    const size = V ** n;
    // V^n grows fast with a Unicode vocabulary: refuse a table that could not be saved before counting into it
    if (size > MAX_COUNTS) {
      throw new Error(
        `NGramModel.fit: n = ${n} over ${V} characters (${V}^${n} counts) holds ${size.toLocaleString('en-US')} values: ` +
          `more than the ${MAX_COUNTS.toLocaleString('en-US')} a model file of at most 256 MiB holds`,
      );
    }
    const table = new Float64Array(size);
    const ctxSize = size / V;
    for (const word of words) {
      let ctx = 0; // the context as a base-V number: all '.' is 0
      for (const id of [...vocab.encode(word), 0]) {
        table[ctx * V + id]! += 1;
        ctx = ctxSize > 1 ? (ctx * V + id) % ctxSize : 0;
      }
    }
    return new NGramModel(vocab, n, smoothing, table);
  }

  /** A copy of the raw counts, V^n entries (for n = 2: the V×V bigram matrix, row = previous character). */
  counts(): Float64Array {
    return this.table.slice();
  }

  /**
   * The smoothed distribution of the next character after a context of ids. Only the last n−1 ids matter; a shorter
   * context is padded with `.` in front (as at a word start). An unseen context with k = 0 gives all zeros.
   */
  probabilities(context: readonly number[]): Float64Array {
    const V = this.vocab.size;
    const row = this.row(context);
    const out = new Float64Array(V);
    const denom = this.totals[row]! + this.smoothing * V;
    if (denom === 0) return out;
    for (let c = 0; c < V; c++) out[c] = (this.table[row * V + c]! + this.smoothing) / denom;
    return out;
  }

  /** Mean negative log-likelihood per predicted character (one per character plus the final `.` of each word). */
  nll(words: readonly string[]): number {
    if (!Array.isArray(words) || words.length === 0) {
      throw new Error(`NGramModel.nll: words must be a non-empty array of strings, got ${describeList(words)}`);
    }
    const V = this.vocab.size;
    const ctxSize = this.totals.length;
    const k = this.smoothing;
    let sum = 0;
    let count = 0;
    for (const word of words) {
      let ctx = 0;
      for (const id of [...this.vocab.encode(word), 0]) {
        const denom = this.totals[ctx]! + k * V;
        const p = denom === 0 ? 0 : (this.table[ctx * V + id]! + k) / denom;
        sum -= Math.log(p);
        count++;
        ctx = ctxSize > 1 ? (ctx * V + id) % ctxSize : 0;
      }
    }
    return sum / count;
  }

  /** New words from the smoothed distributions; temperature divides the log-probabilities. */
  sample(options: SampleOptions = {}): string[] {
    const opts = resolveSampleOptions(this.vocab, options, 'NGramModel.sample');
    const V = this.vocab.size;
    const ctxLen = this.n - 1;
    return sampleWords(this.vocab, ctxLen, opts, (contexts, B, out) => {
      for (let b = 0; b < B; b++) {
        const p = this.probabilities(Array.from(contexts.subarray(b * ctxLen, (b + 1) * ctxLen)));
        for (let c = 0; c < V; c++) out[b * V + c] = Math.log(p[c]!);
      }
    }, 'NGramModel.sample');
  }

  /**
   * Nothing to return: the counts live in ordinary JS memory, not in a backend's arena. Present so code can dispose
   * of any model alike.
   */
  dispose(): void {}

  /** The counts (float32 is exact up to 2²⁴ per event) with n, k and the vocabulary. */
  toJSON(): ModelState {
    const V = this.vocab.size;
    return {
      kind: 'ngram',
      config: { n: this.n, smoothing: this.smoothing },
      vocab: this.vocab.toJSON(),
      tensors: { counts: encodeTensor(this.table, new Array<number>(this.n).fill(V)) },
    };
  }

  /** The model saved by {@link NGramModel.toJSON}. */
  static fromJSON(state: ModelState): NGramModel {
    rejectModelFile(state, 'NGramModel.fromJSON'); // issue 10: a whole model file gets a pointer to modelFromJSON
    if (!state || state.kind !== 'ngram') throw new Error(`NGramModel.fromJSON: expected kind 'ngram', got ${JSON.stringify(state?.kind)}`);
    const n = state.config?.n as number;
    const smoothing = state.config?.smoothing as number;
    checkOrder(n, smoothing, 'NGramModel.fromJSON: config.');
    const vocab = Vocabulary.fromChars(state.vocab);
    const counts = decodeTensor(state.tensors?.counts, 'counts', new Array<number>(n).fill(vocab.size));
    return new NGramModel(vocab, n, smoothing, Float64Array.from(counts));
  }

  private row(context: readonly number[]): number {
    const V = this.vocab.size;
    let row = 0;
    for (let i = this.n - 1; i >= 1; i--) {
      const id = context.length - i >= 0 ? context[context.length - i]! : 0;
      if (!Number.isInteger(id) || id < 0 || id >= V) throw new Error(`NGramModel.probabilities: context id ${id} is out of range [0, ${V})`);
      row = row * V + id;
    }
    return row;
  }
}

function checkOrder(n: number, smoothing: number, where = 'NGramModel.fit: '): void {
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new Error(`${where}n must be an integer from 1 to 5, got ${n}`);
  if (!(smoothing >= 0) || !Number.isFinite(smoothing)) throw new Error(`${where}smoothing must be a finite number >= 0, got ${smoothing}`);
}

/** The n-gram kind of the registry: fit by counting, so it has no training defaults. */
export const NGRAM_KIND: ModelKindEntry<NGramModel> = {
  summary: 'ngram: counts of n-character events with add-k smoothing (makemore part 1)',
  options: [
    { key: 'n', flag: 'n', type: 'int', min: 1, max: 5, default: 2, arg: 'N', help: 'order, 1 to 5 (2 is the count bigram)' },
    { key: 'smoothing', flag: 'smoothing', type: 'number', min: 0, default: 1, arg: 'K', help: 'add-k smoothing pseudo-count' },
  ],
  create: async (vocab, s, c) => NGramModel.fit(c.words, { n: s.n as number, smoothing: s.smoothing as number, vocab }),
  fromJSON: async (state) => NGramModel.fromJSON(state),
  describe: (m) => `ngram, n = ${m.n}, add-${m.smoothing} smoothing`,
  pictures: (m) => {
    const values = bigramCountsOf(m);
    return values ? { heatmap: { values, mode: 'count' } } : {};
  },
};

/**
 * For an n-gram model, the V×V counts of (previous, next) character pairs: the table itself for n = 2, summed over the
 * older context characters for n > 2 (which gives exactly the bigram counts, since contexts are padded with `.`).
 */
export function bigramCountsOf(model: NGramModel): Float64Array | undefined {
  const V = model.vocab.size;
  if (model.n < 2) return undefined;
  const table = model.counts();
  const out = new Float64Array(V * V);
  for (let k = 0; k < table.length; k++) out[k % (V * V)] += table[k]!;
  return out;
}
