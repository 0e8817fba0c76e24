/**
 * The WaveNet of makemore part 5 (van den Oord et al. 2016, as the lecture builds it): embed blockSize characters,
 * then fuse them hierarchically, `flatten` consecutive positions at a time — [FlattenConsecutive → Linear (no bias)
 * → BatchNorm1d → tanh] once per level, log_flatten(blockSize) levels — and a Linear to the logits. BatchNorm sees
 * [B, T, C] activations inside the tree and normalizes over all B·T rows (the bug the lecture fixed). With
 * `flatten` equal to `blockSize` there is one level: the flat MLP of the lecture's first rows of the performance log.
 * Training, evaluation, sampling and saving come from {@link ContextModel}.
 */
import { Vocabulary } from '../data/vocabulary.ts';
import { BatchNorm1d, Embedding, FlattenConsecutive, Linear, Sequential, Tanh, type Named } from '../nn/index.ts';
import { resolveBackend, type BackendOption } from './backend-option.ts';
import { ContextModel } from './context-model.ts';
import type { ModelState } from './model.ts';
import type { ModelKindEntry } from './model-kind.ts';
import { checkSeed } from '../seed.ts';

/** Options for {@link WaveNet.create}. */
export interface WaveNetOptions {
  /** The characters (index 0 is `.`). */
  vocab: Vocabulary;
  /** Characters of context, a power of `flatten` (default 8). */
  blockSize?: number;
  /** Embedding dimension per character, the lecture's n_embd (default 24). */
  embedDim?: number;
  /** The lecture's n_hidden: one width for every level (default 128), or one width per level. */
  hidden?: number | readonly number[];
  /** Consecutive positions fused per level (default 2). */
  flatten?: number;
  /** Running-statistics momentum of every BatchNorm1d (default 0.1, the lecture's BatchNorm1d of part 5). */
  momentum?: number;
  /** Seed of the initialization (default 42). */
  seed?: number;
  /** Backend name or a ready backend to share (default 'wasm'). */
  backend?: BackendOption;
}

/** The hyper-parameters of a {@link WaveNet}, as saved in its {@link ModelState}. */
export interface WaveNetConfig {
  blockSize: number;
  embedDim: number;
  /** One width per level (levels = log_flatten(blockSize)). */
  hidden: number[];
  flatten: number;
  momentum: number;
  seed: number;
}

/**
 * The levels of the tree: how many times `flatten` positions fuse before one is left, or an error naming both
 * numbers when blockSize is not a power (≥ 1) of flatten.
 */
export function waveNetLevels(blockSize: number, flatten: number, who = 'WaveNet'): number {
  let levels = 0;
  let t = blockSize;
  while (t > 1 && t % flatten === 0) {
    t /= flatten;
    levels++;
  }
  if (t !== 1 || levels === 0) {
    throw new Error(
      `${who}: blockSize ${blockSize} must be a power of flatten ${flatten} (${flatten}, ${flatten ** 2}, ${flatten ** 3}, …) ` +
        'so that the positions fuse down to one',
    );
  }
  return levels;
}

/**
 * The lecture's layer list: Linear weights ~ N(0, 1)/√fan_in (its Kaiming init of part 5, no tanh gain), the
 * output weights ×0.1 so the first loss is near ln V. Names: `embedding`, per level l `hidden.l.weight`,
 * `hidden.l.bn.{gain,bias,runningMean,runningVar}`, then `output.{weight,bias}`.
 */
function layers(V: number, c: WaveNetConfig): Sequential {
  const list: Named[] = [['', new Embedding(V, c.embedDim, { name: 'embedding' })]];
  c.hidden.forEach((h, l) => {
    list.push([`hidden.${l}.flatten`, new FlattenConsecutive(c.flatten)]);
    list.push([`hidden.${l}`, new Linear(h, { bias: false })]);
    list.push([`hidden.${l}.bn`, new BatchNorm1d(c.momentum)]);
    list.push([`hidden.${l}.tanh`, new Tanh()]);
  });
  list.push(['output', new Linear(V, { gain: 0.1 })]);
  return new Sequential(list);
}

/**
 * A hierarchical character-level language model. Initialization as makemore part 5: embedding ~ N(0, 1); level
 * weights ~ N(0, 1)/√fan_in (no bias: BatchNorm follows); BatchNorm gain 1, bias 0, running mean 0, running var 1
 * (ε = 1e-5, momentum 0.1); output weights ~ N(0, 1)·0.1/√fan_in, output bias 0.
 */
export class WaveNet extends ContextModel<WaveNetConfig> {
  readonly kind = 'wavenet' as const;

  private constructor(vocab: Vocabulary, config: WaveNetConfig, backend: Awaited<ReturnType<typeof resolveBackend>>) {
    super('WaveNet', vocab, config, backend, layers(vocab.size, config));
  }

  /** A new, initialized model (see the class comment for the initialization). */
  static async create(options: WaveNetOptions): Promise<WaveNet> {
    const who = 'WaveNet.create';
    if (!options || !(options.vocab instanceof Vocabulary)) {
      throw new Error(`${who}: vocab must be a Vocabulary, got ${options?.vocab === undefined ? 'undefined' : typeof options.vocab}`);
    }
    const config = checkConfig(options, who);
    return new WaveNet(options.vocab, config, await resolveBackend(options.backend, who));
  }

  /** The model saved by {@link WaveNet.toJSON}, on the given backend (default 'wasm'), in eval mode. */
  static async fromJSON(state: ModelState, options: { backend?: BackendOption } = {}): Promise<WaveNet> {
    if (!state || state.kind !== 'wavenet') throw new Error(`WaveNet.fromJSON: expected kind 'wavenet', got ${JSON.stringify(state?.kind)}`);
    const vocab = Vocabulary.fromChars(state.vocab);
    const config = checkConfig((state.config ?? {}) as Partial<WaveNetConfig>, 'WaveNet.fromJSON: config');
    return new WaveNet(vocab, config, await resolveBackend(options.backend, 'WaveNet.fromJSON')).restore(state);
  }

  /** Number of fusing levels, log_flatten(blockSize). */
  get levels(): number {
    return this.config.hidden.length;
  }

  protected override minBatch(): number {
    // the last level's BatchNorm sees one row per example
    return 2;
  }
}

/** Defaults and validation of the hyper-parameters; errors name the option and its value. */
function checkConfig(o: Omit<Partial<WaveNetOptions>, 'vocab' | 'backend'>, who: string): WaveNetConfig {
  const { blockSize = 8, embedDim = 24, hidden = 128, flatten = 2, momentum = 0.1, seed = 42 } = o;
  const positive = (name: string, v: unknown, min = 1): void => {
    if (!Number.isInteger(v) || (v as number) < min) throw new Error(`${who}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  };
  positive('blockSize', blockSize);
  positive('embedDim', embedDim);
  positive('flatten', flatten, 2);
  const levels = waveNetLevels(blockSize, flatten, who);
  let widths: number[];
  if (typeof hidden === 'number') widths = new Array<number>(levels).fill(hidden);
  else if (Array.isArray(hidden) && hidden.length === 1) widths = new Array<number>(levels).fill(hidden[0]);
  else if (Array.isArray(hidden) && hidden.length === levels) widths = hidden.slice();
  else {
    throw new Error(
      `${who}: hidden must be one width or one per level (${levels} levels for blockSize ${blockSize}, flatten ${flatten}), ` +
        `got ${Array.isArray(hidden) ? `[${hidden.join(', ')}]` : String(hidden)}`,
    );
  }
  widths.forEach((h, i) => positive(`hidden[${i}]`, h));
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
    throw new Error(`${who}: momentum must be in [0, 1], got ${String(momentum)}`);
  }
  checkSeed(seed, who);
  return { blockSize, embedDim, hidden: widths, flatten, momentum, seed };
}

/** The WaveNet kind of the registry: part 5's settings as defaults, lr 0.1 then 0.01 from 0.75·steps. */
export const WAVENET_KIND: ModelKindEntry<WaveNet> = {
  summary: 'wavenet: embeddings fused hierarchically, [FlattenConsecutive → Linear → BatchNorm → tanh] per level (makemore part 5)',
  options: [
    { key: 'blockSize', flag: 'block-size', type: 'int', min: 1, default: 8, arg: 'N', help: 'characters of context' },
    { key: 'embedDim', flag: 'embed', type: 'int', min: 1, default: 24, arg: 'D', help: 'embedding dimension per character' },
    { key: 'hidden', flag: 'hidden', type: 'int-list', min: 1, default: [128], arg: 'H[,H...]', help: 'one width for every level, or one per level' },
    { key: 'flatten', flag: 'flatten', type: 'int', min: 2, default: 2, arg: 'N', help: 'consecutive positions fused per level; --block-size must be a power of it (equal: one flat level)' },
  ],
  training: {
    steps: 200000, lr: 0.1, lrDecay: { fraction: 0.75 }, minibatch: true, optimizer: { kind: 'sgd' },
    weightDecay: { meaning: 'optimizer', default: 0 }, diagnostics: true,
  },
  validate: (s) => {
    const [T, n, hidden] = [s.blockSize as number, s.flatten as number, s.hidden as number[]];
    let levels: number;
    try {
      levels = waveNetLevels(T, n);
    } catch {
      return { flags: ['block-size', 'flatten'], message: `block size ${T} is not a power of flatten ${n} (${n}, ${n ** 2}, ${n ** 3}, …)` };
    }
    if (hidden.length !== 1 && hidden.length !== levels) {
      return { flags: ['hidden'], message: `expected one width or ${levels} (one per level: block size ${T}, flatten ${n}), got ${hidden.join(',')}` };
    }
    return undefined;
  },
  create: (vocab, s, c) => WaveNet.create({
    vocab, blockSize: s.blockSize as number, embedDim: s.embedDim as number, hidden: s.hidden as number[],
    flatten: s.flatten as number, seed: c.seed, backend: c.backend,
  }),
  fromJSON: (state, o) => WaveNet.fromJSON(state, o),
  describe: (m) => {
    const { blockSize, embedDim, hidden, flatten } = m.config;
    const widths = hidden.every((h) => h === hidden[0]) ? String(hidden[0]) : hidden.join(',');
    return `wavenet, block ${blockSize}, embed ${embedDim}, hidden ${widths}, flatten ${flatten} (${hidden.length} level${hidden.length === 1 ? '' : 's'}); ${m.parameterCount} parameters`;
  },
  pictures: (m) => ({ embedding: { weights: m.embedding(), dim: m.config.embedDim } }),
};
