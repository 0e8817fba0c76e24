/**
 * The MLP of makemore parts 2–3 (Bengio et al. 2003): embed each of the blockSize previous characters, concatenate,
 * [Linear → BatchNorm1d → tanh] × L, Linear → logits. Built from src/nn layers; training, evaluation, sampling and
 * saving come from {@link ContextModel}.
 */
import { Vocabulary } from '../data/vocabulary.ts';
import { BatchNorm1d, Embedding, FlattenConsecutive, Linear, Sequential, Tanh, type Named } from '../nn/index.ts';
import { checkInitScheme, INIT_SCHEMES, linearInit, type InitScheme } from '../nn/init-schemes.ts';
import { resolveBackend, type BackendOption } from './backend-option.ts';
import { checkSeed } from '../seed.ts';
import { ContextModel } from './context-model.ts';
import type { ModelState } from './model.ts';
import type { ModelKindEntry } from './model-kind.ts';
import { rejectModelFile } from './state-guard.ts';

/** Options for {@link MLP.create}. */
export interface MLPOptions {
  /** The characters (index 0 is `.`). */
  vocab: Vocabulary;
  /** Characters of context (default 3). */
  blockSize?: number;
  /** Embedding dimension per character (default 10). */
  embedDim?: number;
  /** One width per hidden layer (default [200]); [] is a linear model of the embeddings. */
  hidden?: readonly number[];
  /** BatchNorm1d after each hidden Linear (default true); without it the hidden Linears have a bias. */
  batchNorm?: boolean;
  /** Running-statistics momentum: run = (1 − m)·run + m·batch (default 0.001, as in the lecture). */
  momentum?: number;
  /** Initialization scheme of the Linear layers (default 'lecture'; see src/nn/init-schemes.ts). */
  init?: InitScheme;
  /** Output weights N(0, 1)·outputScale and output bias 0, overriding the scheme (the lecture's 0.01). */
  outputScale?: number | null;
  /** Hidden weights N(0, 1)·hiddenScale, biases N(0, 1)·0.01, overriding the scheme (the lecture's 0.2). */
  hiddenScale?: number | null;
  /** Accept a zero or constant weight matrix (otherwise refused: its units could never become different). */
  allowSymmetric?: boolean;
  /** Seed of the initialization (default 42). */
  seed?: number;
  /** Backend name or a ready backend to share (default 'wasm'). */
  backend?: BackendOption;
}

/** The hyper-parameters of an {@link MLP}, as saved in its {@link ModelState}. */
export interface MLPConfig {
  blockSize: number;
  embedDim: number;
  hidden: number[];
  batchNorm: boolean;
  momentum: number;
  init: InitScheme;
  outputScale: number | null;
  hiddenScale: number | null;
  allowSymmetric: boolean;
  seed: number;
}

/**
 * The lecture's layer list. With the default init 'lecture': tanh gain 5/3 on hidden weights, output weights ×0.1 so
 * the first loss is near ln V; other schemes and the lecture's hand-set scales come from src/nn/init-schemes.ts.
 */
function layers(V: number, c: MLPConfig): Sequential {
  const list: Named[] = [
    ['', new Embedding(V, c.embedDim, { name: 'embedding' })],
    ['', new FlattenConsecutive(c.blockSize)],
  ];
  c.hidden.forEach((h, l) => {
    list.push([`hidden.${l}`, new Linear(h, { bias: !c.batchNorm, ...linearInit(c.init, 'hidden', c.hiddenScale) })]);
    if (c.batchNorm) list.push([`hidden.${l}.bn`, new BatchNorm1d(c.momentum)]);
    list.push([`hidden.${l}.tanh`, new Tanh()]);
  });
  list.push(['output', new Linear(V, linearInit(c.init, 'output', c.outputScale))]);
  return new Sequential(list);
}

/**
 * A character-level MLP language model. Initialization as makemore part 3: embedding ~ N(0, 1); hidden weights
 * ~ N(0, 1)·(5/3)/√fan_in (no bias before BatchNorm, zero bias without it); BatchNorm gain 1, bias 0, running mean
 * 0, running var 1 (ε = 1e-5); output weights ~ N(0, 1)·0.1/√fan_in, output bias 0.
 */
export class MLP extends ContextModel<MLPConfig> {
  readonly kind = 'mlp' as const;

  private constructor(vocab: Vocabulary, config: MLPConfig, backend: Awaited<ReturnType<typeof resolveBackend>>) {
    super('MLP', vocab, config, backend, layers(vocab.size, config), { allowSymmetric: config.allowSymmetric });
  }

  /** A new, initialized model (see the class comment for the initialization). */
  static async create(options: MLPOptions): Promise<MLP> {
    const who = 'MLP.create';
    if (!options || !(options.vocab instanceof Vocabulary)) {
      throw new Error(`${who}: vocab must be a Vocabulary, got ${options?.vocab === undefined ? 'undefined' : typeof options.vocab}`);
    }
    const config = checkConfig(options, who);
    return new MLP(options.vocab, config, await resolveBackend(options.backend, who));
  }

  /** The model saved by {@link MLP.toJSON}, on the given backend (default 'wasm'), in eval mode. */
  static async fromJSON(state: ModelState, options: { backend?: BackendOption } = {}): Promise<MLP> {
    rejectModelFile(state, 'MLP.fromJSON'); // issue 10: a whole model file gets a pointer to modelFromJSON
    if (!state || state.kind !== 'mlp') throw new Error(`MLP.fromJSON: expected kind 'mlp', got ${JSON.stringify(state?.kind)}`);
    const vocab = Vocabulary.fromChars(state.vocab);
    const config = checkConfig((state.config ?? {}) as Partial<MLPConfig>, 'MLP.fromJSON: config');
    return new MLP(vocab, config, await resolveBackend(options.backend, 'MLP.fromJSON')).restore(state);
  }

  protected override minBatch(): number {
    return this.config.batchNorm ? 2 : 1;
  }
}

/** Defaults and validation of the hyper-parameters; errors name the option and its value. */
function checkConfig(o: Partial<Omit<MLPConfig, 'hidden'>> & { hidden?: readonly number[] }, who: string): MLPConfig {
  const { blockSize = 3, embedDim = 10, hidden = [200], batchNorm = true, momentum = 0.001, seed = 42 } = o;
  const { init = 'lecture', outputScale = null, hiddenScale = null, allowSymmetric = false } = o;
  checkInitScheme(init, who);
  for (const [name, v] of [['outputScale', outputScale], ['hiddenScale', hiddenScale]] as const) {
    if (v !== null && (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))) {
      throw new Error(`${who}: ${name} must be a finite number >= 0 (or null: the scheme's), got ${String(v)}`);
    }
  }
  if (typeof allowSymmetric !== 'boolean') throw new Error(`${who}: allowSymmetric must be true or false, got ${String(allowSymmetric)}`);
  const positive = (name: string, v: unknown): void => {
    if (!Number.isInteger(v) || (v as number) < 1) throw new Error(`${who}: ${name} must be a positive integer, got ${String(v)}`);
  };
  positive('blockSize', blockSize);
  positive('embedDim', embedDim);
  if (!Array.isArray(hidden)) throw new Error(`${who}: hidden must be an array of layer widths, got ${String(hidden)}`);
  hidden.forEach((h, i) => positive(`hidden[${i}]`, h));
  if (typeof batchNorm !== 'boolean') throw new Error(`${who}: batchNorm must be true or false, got ${String(batchNorm)}`);
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
    throw new Error(`${who}: momentum must be in [0, 1], got ${String(momentum)}`);
  }
  checkSeed(seed, who);
  return { blockSize, embedDim, hidden: hidden.slice(), batchNorm, momentum, init, outputScale, hiddenScale, allowSymmetric, seed };
}

/** The MLP kind of the registry: the lecture's settings as defaults, lr 0.1 then 0.01 from steps/2. */
export const MLP_KIND: ModelKindEntry<MLP> = {
  summary: 'mlp: embeddings → [Linear → BatchNorm → tanh] × L → Linear (makemore parts 2–3)',
  options: [
    { key: 'blockSize', flag: 'block-size', type: 'int', min: 1, default: 3, arg: 'N', help: 'characters of context' },
    { key: 'embedDim', flag: 'embed', type: 'int', min: 1, default: 10, arg: 'D', help: 'embedding dimension per character' },
    { key: 'hidden', flag: 'hidden', type: 'int-list', min: 1, default: [200], arg: 'H[,H...]', help: 'hidden layer sizes, one per layer' },
    { key: 'batchNorm', flag: 'no-batchnorm', type: 'off-switch', default: true, help: 'no BatchNorm after the hidden linear layers' },
    {
      key: 'init', flag: 'init', type: 'enum', values: INIT_SCHEMES, default: 'lecture', arg: 'SCHEME',
      help: 'initialization: lecture (hidden N(0,1)·(5/3)/√fan_in, output ×0.1), kaiming, xavier, naive (every weight and bias N(0,1))',
    },
    {
      key: 'outputScale', flag: 'output-scale', type: 'optional-number', min: 0, default: null, arg: 'S',
      help: 'output weights N(0,1)·S and bias 0, whatever --init says (the lecture: 0.01)',
    },
    {
      key: 'hiddenScale', flag: 'hidden-scale', type: 'optional-number', min: 0, default: null, arg: 'S',
      help: 'hidden weights N(0,1)·S and biases N(0,1)·0.01, whatever --init says (the lecture: 0.2)',
    },
    {
      key: 'allowSymmetric', flag: 'allow-symmetric', type: 'on-switch', default: false,
      help: 'accept a zero or constant weight matrix (its identical units stay identical: see it with --diagnostics-every)',
    },
  ],
  training: {
    steps: 200000, lr: 0.1, lrDecay: 'half', minibatch: true, optimizer: { kind: 'sgd' },
    weightDecay: { meaning: 'optimizer', default: 0 }, diagnostics: true,
  },
  create: (vocab, s, c) => MLP.create({
    vocab, blockSize: s.blockSize as number, embedDim: s.embedDim as number, hidden: s.hidden as number[],
    batchNorm: s.batchNorm as boolean, init: s.init as InitScheme, outputScale: s.outputScale as number | null,
    hiddenScale: s.hiddenScale as number | null, allowSymmetric: s.allowSymmetric as boolean, seed: c.seed, backend: c.backend,
  }),
  fromJSON: (state, o) => MLP.fromJSON(state, o),
  describe: (m) => {
    const { blockSize, embedDim, hidden, batchNorm, init, outputScale, hiddenScale } = m.config;
    const scales = `${outputScale === null ? '' : `, output ×${outputScale}`}${hiddenScale === null ? '' : `, hidden ×${hiddenScale}`}`;
    const initText = init === 'lecture' && !scales ? '' : `, init ${init}${scales}`;
    return `mlp, block ${blockSize}, embed ${embedDim}, hidden ${hidden.join(',')}, ${batchNorm ? 'BatchNorm' : 'no BatchNorm'}${initText}; ${m.parameterCount} parameters`;
  },
  pictures: (m) => ({ embedding: { weights: m.embedding(), dim: m.config.embedDim } }),
};
