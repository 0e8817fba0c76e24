/**
 * Models that predict the next character from a fixed window of the blockSize previous ones (the MLP of parts 2–3,
 * the WaveNet of part 5): examples are contexts (see buildContexts), one target each; sampling advances all words of
 * a call together, one batch of contexts per position.
 */
import type { Backend } from '../backend/index.ts';
import { buildContexts, type Contexts } from '../data/contexts.ts';
import type { Vocabulary } from '../data/vocabulary.ts';
import { describeList } from '../data/words.ts';
import type { Layer } from '../nn/layer.ts';
import type { SampleOptions } from './model.ts';
import { NetModel, type Examples, type NetModelConfig } from './net-model.ts';
import { resolveSampleOptions, sampleWords } from './sampling.ts';
import type { TrainData } from './training.ts';

/** What every context model's configuration has. */
export interface ContextConfig extends NetModelConfig {
  blockSize: number;
}

export abstract class ContextModel<C extends ContextConfig> extends NetModel<C> {
  private readonly name: string;

  protected constructor(who: string, vocab: Vocabulary, config: C, backend: Backend, root: Layer, net: { allowSymmetric?: boolean } = {}) {
    super(who, vocab, config, backend, root, config.blockSize, false, net);
    this.name = who;
  }

  /** Mean negative log-likelihood per predicted character of the words, in eval mode. */
  nll(words: readonly string[]): number {
    if (!Array.isArray(words) || words.length === 0) {
      throw new Error(`${this.name}.nll: words must be a non-empty array of strings, got ${describeList(words)}`);
    }
    const c = buildContexts(words, this.vocab, this.config.blockSize);
    return this.evaluate(c.X, c.Y);
  }

  /** New words in eval mode; temperature divides the logits. All words advance together, one batch per position. */
  sample(options: SampleOptions = {}): string[] {
    const who = `${this.name}.sample`;
    const opts = resolveSampleOptions(this.vocab, options, who);
    const V = this.vocab.size;
    return sampleWords(this.vocab, this.config.blockSize, opts, (contexts, B, out) => {
      const logits = this.logits(contexts);
      for (let i = 0; i < B * V; i++) out[i] = logits[i]!;
    }, who);
  }

  protected examplesOf(data: TrainData, split: string): Examples {
    const T = this.config.blockSize;
    if (Array.isArray(data)) {
      if (data.length === 0) throw new Error(`train: data.${split} is an empty word list`);
      return buildContexts(data as readonly string[], this.vocab, T);
    }
    const c = data as Contexts;
    if (!c || !(c.X instanceof Int32Array) || !(c.Y instanceof Int32Array)) {
      throw new Error(`train: data.${split} must be a word list or contexts from buildContexts`);
    }
    if (c.blockSize !== T) throw new Error(`train: data.${split} has blockSize ${c.blockSize}, the model ${T}`);
    if (c.count < 1) throw new Error(`train: data.${split} holds no examples`);
    return c;
  }
}
