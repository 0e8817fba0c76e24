/**
 * makemore.py's Transformer (GPT-2 style, pre-LayerNorm): token + position embeddings; n_layer blocks of
 * x + attn(ln_1(x)) and x + mlp(ln_2(x)) with mlp = c_fc (C → 4C) → GELU → c_proj (4C → C); a final LayerNorm ln_f;
 * lm_head (C → V) without bias; trained by makemore.py's AdamW ({@link MAKEMORE_ADAMW}). Every position predicts the next character (see {@link SequenceModel}).
 * Tensor names follow makemore.py's (`h.0.attn.c_attn.weight`, `ln_f.bias`, `lm_head.weight`), except the two
 * embedding tables, `embedding` (wte) and `position` (wpe).
 */
import { sequenceLength } from '../data/sequences.ts';
import { Vocabulary } from '../data/vocabulary.ts';
import {
  CausalSelfAttention, GELU, LayerNorm, Linear, Residual, Sequential, TokenPositionEmbedding, uniformInit, type LinearOptions,
  type Named, type OptimizerSpec,
} from '../nn/index.ts';
import { resolveBackend, type BackendOption } from './backend-option.ts';
import { KvSampler } from './kv-cache.ts';
import type { ModelState, SampleOptions } from './model.ts';
import type { ModelKindEntry, TrainingDefaults } from './model-kind.ts';
import { SequenceModel, type SequenceConfig } from './sequence-model.ts';
import { checkSequenceConfig } from './sequence-config.ts';

/** Options for {@link Transformer.create}. */
export interface TransformerOptions {
  vocab: Vocabulary;
  /** Positions per word row T (the longest word + 1). */
  blockSize: number;
  /** Blocks (default 4). */
  layers?: number;
  /** Attention heads per block (default 4); must divide embed. */
  heads?: number;
  /** Channels C (default 64). */
  embed?: number;
  seed?: number;
  backend?: BackendOption;
}

/** The hyper-parameters of a {@link Transformer}, as saved in its {@link ModelState}. */
export interface TransformerConfig extends SequenceConfig {
  layers: number;
  heads: number;
  embed: number;
}

/** makemore.py's optimizer: torch.optim.AdamW(lr, weight_decay=0.01, betas=(0.9, 0.99), eps=1e-8) on every parameter. */
export const MAKEMORE_ADAMW: OptimizerSpec = { kind: 'adamw', beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01 };

/** makemore.py's training: {@link MAKEMORE_ADAMW}, weight decay 0.01, constant learning rate 5e-4, 20,000 steps. */
export const MAKEMORE_TRAINING: TrainingDefaults = {
  steps: 20000, lr: 5e-4, lrDecay: 'never', minibatch: true,
  optimizer: MAKEMORE_ADAMW, weightDecay: { meaning: 'optimizer', default: 0.01 },
};

/** PyTorch's default Linear initialization: weight and bias ~ U(−1/√fanIn, 1/√fanIn). */
export const TORCH_LINEAR: LinearOptions = {
  weightInit: (fanIn) => uniformInit(1 / Math.sqrt(fanIn)),
  biasInit: (fanIn) => uniformInit(1 / Math.sqrt(fanIn)),
};

/** One block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). */
export function transformerBlock(C: number, heads: number): Sequential {
  return new Sequential([
    ['', new Residual(new Sequential([['ln_1', new LayerNorm()], ['attn', new CausalSelfAttention(C, heads, TORCH_LINEAR)]]))],
    ['', new Residual(new Sequential([
      ['ln_2', new LayerNorm()],
      ['mlp.c_fc', new Linear(4 * C, TORCH_LINEAR)],
      ['mlp.gelu', new GELU()],
      ['mlp.c_proj', new Linear(C, TORCH_LINEAR)],
    ]))],
  ]);
}

function layers(V: number, c: TransformerConfig): Sequential {
  const list: Named[] = [['', new TokenPositionEmbedding(V, c.embed)]];
  for (let l = 0; l < c.layers; l++) list.push([`h.${l}`, transformerBlock(c.embed, c.heads)]);
  list.push(['ln_f', new LayerNorm()]);
  list.push(['lm_head', new Linear(V, { ...TORCH_LINEAR, bias: false })]);
  return new Sequential(list);
}

/**
 * A character-level Transformer. Initialization is PyTorch's defaults, which makemore.py leaves in place: embeddings
 * ~ N(0, 1), Linear weights and biases ~ U(±1/√fan_in), LayerNorm weight 1 and bias 0 (drawn from our seeded Rng in
 * storage order, so the numbers differ from PyTorch's but the distributions are the same).
 */
export class Transformer extends SequenceModel<TransformerConfig> {
  readonly kind = 'transformer' as const;

  private constructor(vocab: Vocabulary, config: TransformerConfig, backend: Awaited<ReturnType<typeof resolveBackend>>) {
    super('Transformer', vocab, config, backend, layers(vocab.size, config));
    this.net.setOptimizer(MAKEMORE_ADAMW); // a loaded model then takes its saved optimizer
  }

  private kv: KvSampler | null = null;

  /** New words, sampled with a key/value cache: each character costs one position's work (see kv-cache.ts). */
  override sample(options: SampleOptions = {}): string[] {
    const { blockSize: T, embed: C, layers, heads } = this.config;
    const count = options?.count ?? 10;
    if (!Number.isInteger(count) || count < 1) return super.sample(options); // its checks name a bad count
    this.kv = new KvSampler(this.net, { V: this.vocab.size, T, C, layers, heads }, count);
    try {
      return super.sample(options);
    } finally {
      this.kv.free();
      this.kv = null;
    }
  }

  /** The next-character logits through the cache of the sampling in progress (the full forward outside one). */
  protected override nextScores(contexts: Int32Array, B: number, out: Float64Array): void {
    if (this.kv) this.kv.next(contexts, B, out);
    else super.nextScores(contexts, B, out);
  }

  /** A new, initialized model (see the class comment). */
  static async create(options: TransformerOptions): Promise<Transformer> {
    const who = 'Transformer.create';
    const config = checkConfig(options, who);
    return new Transformer(options.vocab, config, await resolveBackend(options.backend, who));
  }

  /** The model saved by {@link Transformer.toJSON}, on the given backend (default 'wasm'), in eval mode. */
  static async fromJSON(state: ModelState, options: { backend?: BackendOption } = {}): Promise<Transformer> {
    const who = 'Transformer.fromJSON';
    if (!state || state.kind !== 'transformer') throw new Error(`${who}: expected kind 'transformer', got ${JSON.stringify(state?.kind)}`);
    const vocab = Vocabulary.fromChars(state.vocab);
    const config = checkConfig({ ...(state.config ?? {}), vocab } as TransformerOptions, `${who}: config`);
    return new Transformer(vocab, config, await resolveBackend(options.backend, who)).restore(state);
  }
}

function checkConfig(o: Partial<TransformerOptions>, who: string): TransformerConfig {
  const base = checkSequenceConfig(o, who);
  const { layers = 4, heads = 4, embed = 64 } = o;
  const positive = (name: string, v: unknown): void => {
    if (!Number.isInteger(v) || (v as number) < 1) throw new Error(`${who}: ${name} must be a positive integer, got ${String(v)}`);
  };
  positive('layers', layers);
  positive('heads', heads);
  positive('embed', embed);
  if (embed % heads !== 0) throw new Error(`${who}: n_embd (embed) ${embed} is not divisible by n_head (heads) ${heads}`);
  return { ...base, layers, heads, embed };
}

/** The Transformer kind of the registry: makemore.py's GPT settings and AdamW. */
export const TRANSFORMER_KIND: ModelKindEntry<Transformer> = {
  summary: 'transformer: makemore.py\'s GPT — token+position embeddings, pre-LayerNorm attention/GELU blocks, lm_head',
  options: [
    { key: 'layers', flag: 'layers', type: 'int', min: 1, default: 4, arg: 'L', help: 'Transformer blocks (n_layer)' },
    { key: 'heads', flag: 'heads', type: 'int', min: 1, default: 4, arg: 'H', help: 'attention heads per block (n_head; must divide --embed)' },
    { key: 'embed', flag: 'embed', type: 'int', min: 1, default: 64, arg: 'C', help: 'channels (n_embd)' },
  ],
  training: MAKEMORE_TRAINING,
  create: (vocab, s, c) => Transformer.create({
    vocab, blockSize: sequenceLength(c.allWords), layers: s.layers as number, heads: s.heads as number,
    embed: s.embed as number, seed: c.seed, backend: c.backend,
  }),
  fromJSON: (state, o) => Transformer.fromJSON(state, o),
  describe: (m) => {
    const { layers, heads, embed, blockSize } = m.config;
    return `transformer, ${layers} layers, ${heads} heads, embed ${embed}, T ${blockSize}; ${m.parameterCount} parameters`;
  },
  pictures: (m) => ({ embedding: { weights: m.embedding(), dim: m.config.embed } }),
};
