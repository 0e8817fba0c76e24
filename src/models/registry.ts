/**
 * The one list of model kinds. Each entry says how to create a model from named settings, how to load it, which
 * settings (CLI flags, demo fields) it takes with their defaults, how it trains by default, and what pictures it has.
 * The CLI, the model-file loader, train(), `plot` and the web worker all consult this table; adding a model is its
 * file plus one entry here.
 */
import { INIT_SCHEMES, type InitScheme } from '../nn/init-schemes.ts';
import type { OptimizerSpec } from '../nn/optim.ts';
import { NeuralBigram } from './bigram.ts';
import { MLP } from './mlp.ts';
import type { LanguageModel } from './model.ts';
import type { ModelKindEntry as KindEntryOf, ModelSettings, TrainingDefaults } from './model-kind.ts';
import { NGramModel } from './ngram.ts';
import { WaveNet, waveNetLevels } from './wavenet.ts';
import { sequenceLength } from '../data/sequences.ts';
import { RecurrentLM, type RecurrentKind } from './recurrent.ts';
import { BoW } from './bow.ts';
import { MAKEMORE_ADAMW, Transformer } from './transformer.ts';

export type { CreateContext, ModelOption, ModelPictures, ModelSettings, TrainingDefaults } from './model-kind.ts';

/** Any model of the library. */
export type AnyModel = NGramModel | NeuralBigram | MLP | WaveNet | RecurrentLM | Transformer | BoW;

/** One model kind; without a type argument, its models are any of the library's (what {@link modelKind} gives). */
export type ModelKindEntry<M extends LanguageModel = AnyModel> = KindEntryOf<M>;

const sgd: OptimizerSpec = { kind: 'sgd' };
/** makemore.py's optimizer: AdamW, betas (0.9, 0.99), eps 1e-8, weight decay 0.01, constant learning rate 5e-4. */
const makemoreAdamW: TrainingDefaults = {
  steps: 20000, lr: 5e-4, lrDecay: 'never', minibatch: true,
  optimizer: MAKEMORE_ADAMW, weightDecay: { meaning: 'optimizer', default: 0.01 },
};

/**
 * A recurrent kind (issue 14) with makemore.py's defaults: n_embd 64, n_embd2 64, AdamW lr 5e-4, betas (0.9, 0.99),
 * eps 1e-8, weight decay 0.01, batch 32 words, constant learning rate. T is the longest word of every split + 1.
 */
function recurrentEntry(cell: RecurrentKind, summary: string): ModelKindEntry {
  return {
    summary,
    options: [
      { key: 'embedDim', flag: 'embed', type: 'int', min: 1, default: 64, arg: 'D', help: 'embedding dimension per character' },
      // one flag per name across kinds: the MLP made --hidden a list, so a recurrent model takes a list of one size
      { key: 'hidden', flag: 'hidden', type: 'int-list', min: 1, default: [64], arg: 'H', help: 'hidden state size (one recurrent layer)' },
    ],
    training: {
      steps: 20000, lr: 5e-4, lrDecay: 'never', minibatch: true,
      optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01 },
      weightDecay: { meaning: 'optimizer', default: 0.01 },
      diagnostics: true,
    },
    create: (vocab, s, c) => {
      const hidden = s.hidden as number[];
      if (hidden.length !== 1) throw new Error(`${cell}: hidden takes one size (one recurrent layer), got ${hidden.join(',')}`);
      return RecurrentLM.create({
        cell, vocab, blockSize: sequenceLength(c.allWords), embedDim: s.embedDim as number, hidden: hidden[0], seed: c.seed, backend: c.backend,
      });
    },
    fromJSON: (state, o) => RecurrentLM.fromJSON(state, o),
    describe: (m) => {
      const { blockSize, embedDim, hidden } = (m as RecurrentLM).config;
      return `${cell}, T ${blockSize}, embed ${embedDim}, hidden ${hidden}; ${(m as RecurrentLM).parameterCount} parameters`;
    },
    pictures: (m) => ({ embedding: { weights: (m as RecurrentLM).embedding(), dim: (m as RecurrentLM).config.embedDim } }),
  };
}

/** Every model kind, by the name used in files, flags and the API, in the order of the lectures. */
export const MODEL_REGISTRY = {
  ngram: {
    summary: 'ngram: counts of n-character events with add-k smoothing (makemore part 1)',
    options: [
      { key: 'n', flag: 'n', type: 'int', min: 1, max: 5, default: 2, arg: 'N', help: 'order, 1 to 5 (2 is the count bigram)' },
      { key: 'smoothing', flag: 'smoothing', type: 'number', min: 0, default: 1, arg: 'K', help: 'add-k smoothing pseudo-count' },
    ],
    create: async (vocab, s, c) => NGramModel.fit(c.words, { n: s.n as number, smoothing: s.smoothing as number, vocab }),
    fromJSON: async (state) => NGramModel.fromJSON(state),
    describe: (m) => `ngram, n = ${(m as NGramModel).n}, add-${(m as NGramModel).smoothing} smoothing`,
    pictures: (m) => {
      const values = bigramCountsOf(m as NGramModel);
      return values ? { heatmap: { values, mode: 'count' } } : {};
    },
  },
  bigram: {
    summary: 'bigram: the neural bigram, one V×V weight matrix trained on the full batch (makemore part 1)',
    options: [],
    training: { steps: 200, lr: 50, lrDecay: 'never', minibatch: false, optimizer: sgd, weightDecay: { meaning: 'regularization', default: 0.01 } },
    create: (vocab, s, c) => NeuralBigram.create({ vocab, seed: c.seed, regularization: s.regularization as number, backend: c.backend }),
    fromJSON: (state, o) => NeuralBigram.fromJSON(state, o),
    describe: (m) => `neural bigram, λ = ${(m as NeuralBigram).regularization}; ${(m as NeuralBigram).parameterCount} parameters; full batch`,
    pictures: (m) => ({ heatmap: { values: (m as NeuralBigram).probabilities(), mode: 'probability' } }),
  },
  mlp: {
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
      steps: 200000, lr: 0.1, lrDecay: 'half', minibatch: true, optimizer: sgd, weightDecay: { meaning: 'optimizer', default: 0 },
      diagnostics: true,
    },
    create: (vocab, s, c) => MLP.create({
      vocab, blockSize: s.blockSize as number, embedDim: s.embedDim as number, hidden: s.hidden as number[],
      batchNorm: s.batchNorm as boolean, init: s.init as InitScheme, outputScale: s.outputScale as number | null,
      hiddenScale: s.hiddenScale as number | null, allowSymmetric: s.allowSymmetric as boolean, seed: c.seed, backend: c.backend,
    }),
    fromJSON: (state, o) => MLP.fromJSON(state, o),
    describe: (m) => {
      const { blockSize, embedDim, hidden, batchNorm, init, outputScale, hiddenScale } = (m as MLP).config;
      const scales = `${outputScale === null ? '' : `, output ×${outputScale}`}${hiddenScale === null ? '' : `, hidden ×${hiddenScale}`}`;
      const initText = init === 'lecture' && !scales ? '' : `, init ${init}${scales}`;
      return `mlp, block ${blockSize}, embed ${embedDim}, hidden ${hidden.join(',')}, ${batchNorm ? 'BatchNorm' : 'no BatchNorm'}${initText}; ${(m as MLP).parameterCount} parameters`;
    },
    pictures: (m) => ({ embedding: { weights: (m as MLP).embedding(), dim: (m as MLP).config.embedDim } }),
  },
  wavenet: {
    summary: 'wavenet: embeddings fused hierarchically, [FlattenConsecutive → Linear → BatchNorm → tanh] per level (makemore part 5)',
    options: [
      { key: 'blockSize', flag: 'block-size', type: 'int', min: 1, default: 8, arg: 'N', help: 'characters of context' },
      { key: 'embedDim', flag: 'embed', type: 'int', min: 1, default: 24, arg: 'D', help: 'embedding dimension per character' },
      { key: 'hidden', flag: 'hidden', type: 'int-list', min: 1, default: [128], arg: 'H[,H...]', help: 'one width for every level, or one per level' },
      { key: 'flatten', flag: 'flatten', type: 'int', min: 2, default: 2, arg: 'N', help: 'consecutive positions fused per level; --block-size must be a power of it (equal: one flat level)' },
    ],
    training: {
      steps: 200000, lr: 0.1, lrDecay: { fraction: 0.75 }, minibatch: true, optimizer: sgd, weightDecay: { meaning: 'optimizer', default: 0 },
      diagnostics: true,
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
      const { blockSize, embedDim, hidden, flatten } = (m as WaveNet).config;
      const widths = hidden.every((h) => h === hidden[0]) ? String(hidden[0]) : hidden.join(',');
      return `wavenet, block ${blockSize}, embed ${embedDim}, hidden ${widths}, flatten ${flatten} (${hidden.length} level${hidden.length === 1 ? '' : 's'}); ${(m as WaveNet).parameterCount} parameters`;
    },
    pictures: (m) => ({ embedding: { weights: (m as WaveNet).embedding(), dim: (m as WaveNet).config.embedDim } }),
  },
  // recurrent (issue 14)
  rnn: recurrentEntry('rnn', 'rnn: embeddings → vanilla RNN cell over the word → Linear at every position (makemore.py RNN)'),
  gru: recurrentEntry('gru', 'gru: embeddings → GRU cell over the word → Linear at every position (makemore.py GRU)'),
  lstm: recurrentEntry('lstm', 'lstm: embeddings → LSTM cell over the word → Linear at every position'),
  // transformer (issue 15)
  transformer: {
    summary: 'transformer: makemore.py\'s GPT — token+position embeddings, pre-LayerNorm attention/GELU blocks, lm_head',
    options: [
      { key: 'layers', flag: 'layers', type: 'int', min: 1, default: 4, arg: 'L', help: 'Transformer blocks (n_layer)' },
      { key: 'heads', flag: 'heads', type: 'int', min: 1, default: 4, arg: 'H', help: 'attention heads per block (n_head; must divide --embed)' },
      { key: 'embed', flag: 'embed', type: 'int', min: 1, default: 64, arg: 'C', help: 'channels (n_embd)' },
    ],
    training: makemoreAdamW,
    create: (vocab, s, c) => Transformer.create({
      vocab, blockSize: sequenceLength(c.allWords), layers: s.layers as number, heads: s.heads as number,
      embed: s.embed as number, seed: c.seed, backend: c.backend,
    }),
    fromJSON: (state, o) => Transformer.fromJSON(state, o),
    describe: (m) => {
      const { layers, heads, embed, blockSize } = (m as Transformer).config;
      return `transformer, ${layers} layers, ${heads} heads, embed ${embed}, T ${blockSize}; ${(m as Transformer).parameterCount} parameters`;
    },
    pictures: (m) => ({ embedding: { weights: (m as Transformer).embedding(), dim: (m as Transformer).config.embed } }),
  },
  bow: {
    summary: 'bow: makemore.py\'s causal bag of words — embeddings, running mean of the positions so far, tanh MLP block',
    options: [
      { key: 'embed', flag: 'embed', type: 'int', min: 1, default: 64, arg: 'C', help: 'channels (n_embd)' },
      { key: 'embed2', flag: 'embed2', type: 'int', min: 1, default: 64, arg: 'H', help: 'hidden width of the MLP block (n_embd2)' },
    ],
    training: makemoreAdamW,
    create: (vocab, s, c) => BoW.create({
      vocab, blockSize: sequenceLength(c.allWords), embed: s.embed as number, embed2: s.embed2 as number, seed: c.seed, backend: c.backend,
    }),
    fromJSON: (state, o) => BoW.fromJSON(state, o),
    describe: (m) => {
      const { embed, embed2, blockSize } = (m as BoW).config;
      return `bow, embed ${embed}, hidden ${embed2}, T ${blockSize}; ${(m as BoW).parameterCount} parameters`;
    },
    pictures: (m) => ({ embedding: { weights: (m as BoW).embedding(), dim: (m as BoW).config.embed } }),
  },
} satisfies Record<string, ModelKindEntry>;

/** The name of a registered model kind. */
export type RegisteredKind = keyof typeof MODEL_REGISTRY;

/** The registered kinds, in registry order. */
export const MODEL_KINDS = Object.keys(MODEL_REGISTRY) as RegisteredKind[];

/** True for a registered kind. */
export function isModelKind(kind: unknown): kind is RegisteredKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(MODEL_REGISTRY, kind);
}

/** The entry of a kind; the error lists the kinds there are. */
export function modelKind(kind: unknown, who = 'model'): ModelKindEntry {
  if (!isModelKind(kind)) {
    throw new Error(`${who}: unknown model kind ${JSON.stringify(kind)} (expected ${MODEL_KINDS.map((k) => `'${k}'`).join(', ')})`);
  }
  return MODEL_REGISTRY[kind];
}

/**
 * The step index from which the learning rate is lr/10 under a kind's default schedule, or null for a constant rate.
 */
export function defaultDecayStep(training: TrainingDefaults, steps: number): number | null {
  const d = training.lrDecay;
  if (d === 'never') return null;
  return Math.floor(steps * (d === 'half' ? 0.5 : d.fraction));
}

/** The default schedule in words, for help texts: 'steps/2', '0.75·steps' or 'never'. */
export function describeDecay(training: TrainingDefaults): string {
  const d = training.lrDecay;
  return d === 'never' ? 'never' : d === 'half' ? 'steps/2' : `${d.fraction}·steps`;
}

/** The default settings of a kind (every option's default). */
export function defaultSettings(kind: RegisteredKind): ModelSettings {
  const settings: ModelSettings = {};
  for (const o of modelKind(kind).options) settings[o.key] = Array.isArray(o.default) ? o.default.slice() : o.default;
  return settings;
}

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

/** A model's state is a LanguageModel whatever its kind: the registry's entries all build one. */
export type { LanguageModel };
