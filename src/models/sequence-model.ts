/**
 * Models over whole words (makemore.py's RNN, GRU, LSTM, BoW and Transformer): an example is a word padded to T
 * positions (see buildSequences) and every position predicts the next character; the loss is the mean over the real
 * targets (−1 marks none). Sampling here re-runs the prefix for each new character (O(T²) per word); a model that can
 * carry state from one character to the next (a hidden state, a key/value cache) overrides {@link SequenceModel.nextScores}
 * or {@link SequenceModel.sample}.
 */
import type { Backend } from '../backend/index.ts';
import { buildSequences, type Sequences } from '../data/sequences.ts';
import type { Vocabulary } from '../data/vocabulary.ts';
import { describeList } from '../data/words.ts';
import type { Layer } from '../nn/layer.ts';
import type { SampleOptions } from './model.ts';
import { NetModel, type Examples, type NetModelConfig } from './net-model.ts';
import { resolveSampleOptions, sampleWords } from './sampling.ts';
import type { TrainData } from './training.ts';

/** What every sequence model's configuration has. */
export interface SequenceConfig extends NetModelConfig {
  /** Positions per word row, T: the longest word the model takes is T − 1 characters. */
  blockSize: number;
}

export abstract class SequenceModel<C extends SequenceConfig> extends NetModel<C> {
  private readonly name: string;

  protected constructor(who: string, vocab: Vocabulary, config: C, backend: Backend, root: Layer) {
    super(who, vocab, config, backend, root, config.blockSize, true);
    this.name = who;
  }

  /** Mean negative log-likelihood per character (each word's end included) over the words, in eval mode. */
  nll(words: readonly string[]): number {
    if (!Array.isArray(words) || words.length === 0) {
      throw new Error(`${this.name}.nll: words must be a non-empty array of strings, got ${describeList(words)}`);
    }
    const s = this.sequencesOf(words, `${this.name}.nll`);
    return this.evaluate(s.X, s.Y);
  }

  /**
   * New words in eval mode; temperature divides the logits. A word ends at `.` or after T − 1 characters (the longest
   * the model was built for), whichever comes first.
   */
  sample(options: SampleOptions = {}): string[] {
    const who = `${this.name}.sample`;
    const T = this.config.blockSize;
    const opts = resolveSampleOptions(this.vocab, options, who);
    if (opts.prefix.length > T - 1) {
      throw new Error(`${who}: prefix of ${opts.prefix.length} characters is longer than the model's ${T - 1}`);
    }
    return sampleWords(this.vocab, T - 1, { ...opts, maxLength: Math.min(opts.maxLength, T - 1) }, (contexts, B, out) => {
      this.nextScores(contexts, B, out);
    }, who);
  }

  /**
   * The logits of the next character after each of B prefixes, given as their last T − 1 ids left-padded with `.`
   * (id 0 never occurs inside a word, so the prefix is what follows the leading zeros). This default runs the whole
   * row [., prefix, padding] and reads the position after the prefix.
   */
  protected nextScores(contexts: Int32Array, B: number, out: Float64Array): void {
    const T = this.config.blockSize;
    const V = this.vocab.size;
    const X = new Int32Array(B * T);
    const at = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const row = contexts.subarray(b * (T - 1), (b + 1) * (T - 1));
      let first = 0;
      while (first < row.length && row[first] === 0) first++;
      const prefix = row.subarray(first);
      X.set(prefix, b * T + 1);
      at[b] = prefix.length;
    }
    const logits = this.logits(X);
    for (let b = 0; b < B; b++) {
      const o = (b * T + at[b]!) * V;
      for (let v = 0; v < V; v++) out[b * V + v] = logits[o + v]!;
    }
  }

  protected examplesOf(data: TrainData, split: string): Examples {
    if (Array.isArray(data)) {
      if (data.length === 0) throw new Error(`train: data.${split} is an empty word list`);
      return this.sequencesOf(data as readonly string[], `train: data.${split}`);
    }
    const s = data as unknown as Sequences;
    if (!s || !(s.X instanceof Int32Array) || !(s.Y instanceof Int32Array) || s.length === undefined) {
      throw new Error(`train: data.${split} must be a word list or sequences from buildSequences`);
    }
    if (s.length !== this.config.blockSize) throw new Error(`train: data.${split} has rows of ${s.length}, the model ${this.config.blockSize}`);
    return s;
  }

  /** The words as rows of this model's length; a word too long for the model is an error naming it and the limit. */
  private sequencesOf(words: readonly string[], who: string): Sequences {
    try {
      return buildSequences(words, this.vocab, this.config.blockSize);
    } catch (error) {
      throw new Error(`${who}: ${(error as Error).message.replace(/^buildSequences: /, '')}`);
    }
  }
}
