/**
 * The one list of model kinds. Each entry says how to create a model from named settings, how to load it, which
 * settings (CLI flags, demo fields) it takes with their defaults, how it trains by default, and what pictures it has.
 * The CLI, the model-file loader, train(), `plot` and the web worker all consult this table; adding a model is its
 * file plus one entry here.
 */
import type { Backend } from '../backend/index.ts';
import { modelStateOf, type ModelSource } from '../io/model-input.ts';
import type { Vocabulary } from '../data/vocabulary.ts';
import type { OptimizerSpec } from '../nn/optim.ts';
import type { BackendOption } from './backend-option.ts';
import { NeuralBigram } from './bigram.ts';
import { MLP } from './mlp.ts';
import type { LanguageModel, ModelState } from './model.ts';
import { NGramModel } from './ngram.ts';
import { sequenceLength } from '../data/sequences.ts';
import { RecurrentLM, type RecurrentKind } from './recurrent.ts';

/** A model setting, UI-neutral: the CLI turns it into a flag, the demo into a field. */
export type ModelOption = {
  /** The key of the setting passed to `create`, e.g. 'blockSize'. */
  key: string;
  /** The command-line flag without dashes, e.g. 'block-size'. */
  flag: string;
  help: string;
  /** Placeholder in the help, e.g. 'N'. */
  arg?: string;
} & (
  | { type: 'int'; min: number; max?: number; default: number }
  | { type: 'number'; min: number; default: number }
  | { type: 'int-list'; min: number; default: number[] }
  /** A setting that is on unless a flag turns it off (`--no-batchnorm`). */
  | { type: 'off-switch'; default: true }
);

/** Setting values by key. */
export type ModelSettings = Record<string, number | number[] | boolean>;

/** How a model kind trains when the user says nothing. */
export interface TrainingDefaults {
  steps: number;
  lr: number;
  /** 'half': the learning rate drops to lr/10 at steps/2 (the lecture); 'never': constant. */
  lrDecay: 'half' | 'never';
  /** Minibatches of `batchSize` (false: the full batch every step). */
  minibatch: boolean;
  /** The optimizer and its settings (AdamW's betas and eps here are the defaults of --beta1/--beta2). */
  optimizer: OptimizerSpec;
  /**
   * What `--weight-decay` means: the optimizer's weight decay, or a model setting (the NeuralBigram's λ of the
   * λ·mean(W²) term, given to `create` as `regularization`).
   */
  weightDecay: { meaning: 'optimizer'; default: number } | { meaning: 'regularization'; default: number };
}

/** Data for the pictures `makemore plot` (and the demo) can draw of a model. */
export interface ModelPictures {
  /** A V×V grid over (previous, next) characters. */
  heatmap?: { values: Float64Array; mode: 'count' | 'probability' };
  /** The character embedding table, `dim` numbers per character. */
  embedding?: { weights: Float32Array; dim: number };
}

/** What {@link ModelKindEntry.create} gets besides the settings. */
export interface CreateContext {
  seed: number;
  backend?: Backend;
  words: readonly string[];
  allWords: readonly string[];
}

/** Any model of the library. */
export type AnyModel = NGramModel | NeuralBigram | MLP | RecurrentLM;

/** One model kind. */
export interface ModelKindEntry {
  /** One line for help texts, e.g. 'mlp (embeddings, BatchNorm, tanh)'. */
  summary: string;
  options: readonly ModelOption[];
  /** Trained by steps (absent: fit by counting, e.g. the n-gram model). */
  training?: TrainingDefaults;
  /**
   * A new model from its settings (defaults filled in) on a backend (ignored by counting models). `words` are the
   * training words (a counting model is fit on them); `allWords` every split's, e.g. to size a sequence model's rows
   * to the longest word.
   */
  create(vocab: Vocabulary, settings: ModelSettings, context: CreateContext): Promise<AnyModel>;
  fromJSON(state: ModelState, options: { backend?: BackendOption }): Promise<AnyModel>;
  /** One line describing a model of this kind, e.g. its sizes and parameter count. */
  describe(model: AnyModel): string;
  pictures(model: AnyModel): ModelPictures;
}

const sgd: OptimizerSpec = { kind: 'sgd' };

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
    ],
    training: { steps: 200000, lr: 0.1, lrDecay: 'half', minibatch: true, optimizer: sgd, weightDecay: { meaning: 'optimizer', default: 0 } },
    create: (vocab, s, c) => MLP.create({
      vocab, blockSize: s.blockSize as number, embedDim: s.embedDim as number, hidden: s.hidden as number[],
      batchNorm: s.batchNorm as boolean, seed: c.seed, backend: c.backend,
    }),
    fromJSON: (state, o) => MLP.fromJSON(state, o),
    describe: (m) => {
      const { blockSize, embedDim, hidden, batchNorm } = (m as MLP).config;
      return `mlp, block ${blockSize}, embed ${embedDim}, hidden ${hidden.join(',')}, ${batchNorm ? 'BatchNorm' : 'no BatchNorm'}; ${(m as MLP).parameterCount} parameters`;
    },
    pictures: (m) => ({ embedding: { weights: (m as MLP).embedding(), dim: (m as MLP).config.embedDim } }),
  },
  // recurrent (issue 14)
  rnn: recurrentEntry('rnn', 'rnn: embeddings → vanilla RNN cell over the word → Linear at every position (makemore.py RNN)'),
  gru: recurrentEntry('gru', 'gru: embeddings → GRU cell over the word → Linear at every position (makemore.py GRU)'),
  lstm: recurrentEntry('lstm', 'lstm: embeddings → LSTM cell over the word → Linear at every position'),
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

/**
 * The model a {@link ModelState} describes, whatever its kind. Neural models are placed on `backend` (default
 * 'wasm'); an n-gram model needs none. Neural models come back in eval mode.
 *
 * `input` may also be a complete model file — the parsed document `encodeModelFile` / `saveModelFile` / `makemore
 * train --out` write (its checksum is checked; a damaged file throws a ModelFileError), the {@link ModelFile} that
 * `decodeModelFile` / `loadModelFile` return — or the JSON text of any of these.
 */
export async function modelFromJSON(input: ModelSource, options: { backend?: BackendOption } = {}): Promise<AnyModel> {
  const state = modelStateOf(input, 'modelFromJSON input'); // issue 10: one model file for library and CLI
  return modelKind(state?.kind, 'modelFromJSON').fromJSON(state, options);
}

/** A model's state is a LanguageModel whatever its kind: the registry's entries all build one. */
export type { LanguageModel };
