/**
 * makemore.py's BoW, a cheap sequence baseline: token + position embeddings, one block of x + CausalBoW(x) (the mean
 * of the positions so far) and x + c_proj(tanh(c_fc(x))) (C → embed2 → C), then lm_head (C → V, with bias).
 */
import { sequenceLength } from '../data/sequences.ts';
import { Vocabulary } from '../data/vocabulary.ts';
import { CausalBoW, Linear, Residual, Sequential, Tanh, TokenPositionEmbedding } from '../nn/index.ts';
import { resolveBackend, type BackendOption } from './backend-option.ts';
import type { ModelState } from './model.ts';
import type { ModelKindEntry } from './model-kind.ts';
import { checkSequenceConfig } from './sequence-config.ts';
import { SequenceModel, type SequenceConfig } from './sequence-model.ts';
import { MAKEMORE_ADAMW, MAKEMORE_TRAINING, TORCH_LINEAR } from './transformer.ts';

/** Options for {@link BoW.create}. */
export interface BoWOptions {
  vocab: Vocabulary;
  /** Positions per word row T (the longest word + 1). */
  blockSize: number;
  /** Channels C (default 64). */
  embed?: number;
  /** Width of the MLP's hidden layer, makemore.py's n_embd2 (default 64). */
  embed2?: number;
  seed?: number;
  backend?: BackendOption;
}

/** The hyper-parameters of a {@link BoW}, as saved in its {@link ModelState}. */
export interface BoWConfig extends SequenceConfig {
  embed: number;
  embed2: number;
}

function layers(V: number, c: BoWConfig): Sequential {
  return new Sequential([
    ['', new TokenPositionEmbedding(V, c.embed)],
    ['context_block', new Sequential([
      ['', new Residual(new CausalBoW())],
      ['', new Residual(new Sequential([
        ['mlp.c_fc', new Linear(c.embed2, TORCH_LINEAR)],
        ['mlp.tanh', new Tanh()],
        ['mlp.c_proj', new Linear(c.embed, TORCH_LINEAR)],
      ]))],
    ])],
    ['lm_head', new Linear(V, TORCH_LINEAR)],
  ]);
}

/** makemore.py's BoW; initialization is PyTorch's defaults, as for the {@link Transformer}. */
export class BoW extends SequenceModel<BoWConfig> {
  readonly kind = 'bow' as const;

  private constructor(vocab: Vocabulary, config: BoWConfig, backend: Awaited<ReturnType<typeof resolveBackend>>) {
    super('BoW', vocab, config, backend, layers(vocab.size, config));
    this.net.setOptimizer(MAKEMORE_ADAMW);
  }

  /** A new, initialized model. */
  static async create(options: BoWOptions): Promise<BoW> {
    const who = 'BoW.create';
    return new BoW(options.vocab, checkConfig(options, who), await resolveBackend(options.backend, who));
  }

  /** The model saved by {@link BoW.toJSON}, on the given backend (default 'wasm'), in eval mode. */
  static async fromJSON(state: ModelState, options: { backend?: BackendOption } = {}): Promise<BoW> {
    const who = 'BoW.fromJSON';
    if (!state || state.kind !== 'bow') throw new Error(`${who}: expected kind 'bow', got ${JSON.stringify(state?.kind)}`);
    const vocab = Vocabulary.fromChars(state.vocab);
    const config = checkConfig({ ...(state.config ?? {}), vocab } as BoWOptions, `${who}: config`);
    return new BoW(vocab, config, await resolveBackend(options.backend, who)).restore(state);
  }
}

function checkConfig(o: Partial<BoWOptions>, who: string): BoWConfig {
  const base = checkSequenceConfig(o, who);
  const { embed = 64, embed2 = 64 } = o;
  for (const [name, v] of [['embed', embed], ['embed2', embed2]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${who}: ${name} must be a positive integer, got ${String(v)}`);
  }
  return { ...base, embed, embed2 };
}

/** The bag-of-words kind of the registry: makemore.py's settings and AdamW. */
export const BOW_KIND: ModelKindEntry<BoW> = {
  summary: 'bow: makemore.py\'s causal bag of words — embeddings, running mean of the positions so far, tanh MLP block',
  options: [
    { key: 'embed', flag: 'embed', type: 'int', min: 1, default: 64, arg: 'C', help: 'channels (n_embd)' },
    { key: 'embed2', flag: 'embed2', type: 'int', min: 1, default: 64, arg: 'H', help: 'hidden width of the MLP block (n_embd2)' },
  ],
  training: MAKEMORE_TRAINING,
  create: (vocab, s, c) => BoW.create({
    vocab, blockSize: sequenceLength(c.allWords), embed: s.embed as number, embed2: s.embed2 as number, seed: c.seed, backend: c.backend,
  }),
  fromJSON: (state, o) => BoW.fromJSON(state, o),
  describe: (m) => {
    const { embed, embed2, blockSize } = m.config;
    return `bow, embed ${embed}, hidden ${embed2}, T ${blockSize}; ${m.parameterCount} parameters`;
  },
  pictures: (m) => ({ embedding: { weights: m.embedding(), dim: m.config.embed } }),
};
