/**
 * The recurrent language models of makemore.py, over whole words: Embedding(V, n_embd) → a recurrent cell over the T
 * positions (n_embd2 hidden units) → Linear(V) at every position. `rnn` is makemore.py's RNN (Mikolov et al. 2010),
 * `gru` its GRU (Cho et al. 2014), `lstm` the LSTM its README lists (Graves 2014). Initialization as PyTorch's
 * defaults, which makemore.py uses: embedding N(0, 1), every linear map U(±1/√fan_in) (the output bias 0 here), start
 * states 0; the LSTM's forget-gate bias starts at 1 (see src/nn/lstm.ts). Sampling carries the hidden state from one
 * character to the next (O(T) per word, see RecurrentSampler).
 */
import { sequenceLength } from '../data/sequences.ts';
import { Vocabulary } from '../data/vocabulary.ts';
import { Embedding, Linear, Sequential } from '../nn/index.ts';
import { GRUCell } from '../nn/gru.ts';
import { LSTMCell } from '../nn/lstm.ts';
import type { RecurrentCell } from '../nn/recurrent-cell.ts';
import { uniformInit } from '../nn/recurrent-cell.ts';
import { RNNCell } from '../nn/rnn.ts';
import { resolveBackend, type BackendOption } from './backend-option.ts';
import type { ModelState, SampleOptions } from './model.ts';
import type { ModelKindEntry } from './model-kind.ts';
import { RecurrentSampler } from './recurrent-sampler.ts';
import { SequenceModel, type SequenceConfig } from './sequence-model.ts';

/** The recurrent cells, by model kind. */
export const RECURRENT_KINDS = ['rnn', 'gru', 'lstm'] as const;
export type RecurrentKind = (typeof RECURRENT_KINDS)[number];

/** Options for {@link RecurrentLM.create}. */
export interface RecurrentOptions {
  /** 'rnn', 'gru' or 'lstm'. */
  cell: RecurrentKind;
  vocab: Vocabulary;
  /** Positions per word row, T: the longest word + 1 (see sequenceLength). */
  blockSize: number;
  /** Embedding dimension, makemore.py's n_embd (default 64). */
  embedDim?: number;
  /** Hidden state size, makemore.py's n_embd2 (default 64). */
  hidden?: number;
  /** Seed of the initialization (default 42). */
  seed?: number;
  /** Backend name or a ready backend to share (default 'wasm'). */
  backend?: BackendOption;
}

/** The hyper-parameters of a {@link RecurrentLM}, as saved in its {@link ModelState}. */
export interface RecurrentConfig extends SequenceConfig {
  embedDim: number;
  hidden: number;
}

const CELLS: Record<RecurrentKind, (hidden: number) => RecurrentCell> = {
  rnn: (h) => new RNNCell(h),
  gru: (h) => new GRUCell(h),
  lstm: (h) => new LSTMCell(h),
};

function layers(kind: RecurrentKind, V: number, c: RecurrentConfig): { root: Sequential; cell: RecurrentCell } {
  const cell = CELLS[kind](c.hidden);
  const output = new Linear(V, { weightInit: (fanIn) => uniformInit(1 / Math.sqrt(fanIn)) });
  return { root: new Sequential([['', new Embedding(V, c.embedDim, { name: 'embedding' })], ['cell', cell], ['output', output]]), cell };
}

export class RecurrentLM extends SequenceModel<RecurrentConfig> {
  readonly kind: RecurrentKind;
  private readonly sampler: RecurrentSampler;

  private constructor(kind: RecurrentKind, vocab: Vocabulary, config: RecurrentConfig, backend: Awaited<ReturnType<typeof resolveBackend>>) {
    const { root, cell } = layers(kind, vocab.size, config);
    super(`RecurrentLM(${kind})`, vocab, config, backend, root);
    this.kind = kind;
    this.sampler = new RecurrentSampler(backend, this.net, cell, config.embedDim, vocab.size);
  }

  /** A new, initialized model (see the module comment for the initialization). */
  static async create(options: RecurrentOptions): Promise<RecurrentLM> {
    const who = 'RecurrentLM.create';
    if (!options || !(options.vocab instanceof Vocabulary)) {
      throw new Error(`${who}: vocab must be a Vocabulary, got ${options?.vocab === undefined ? 'undefined' : typeof options.vocab}`);
    }
    const kind = checkKind(options.cell, who);
    return new RecurrentLM(kind, options.vocab, checkConfig(options, who), await resolveBackend(options.backend, who));
  }

  /** The model saved by toJSON, on the given backend (default 'wasm'), in eval mode. */
  static async fromJSON(state: ModelState, options: { backend?: BackendOption } = {}): Promise<RecurrentLM> {
    const who = 'RecurrentLM.fromJSON';
    const kind = checkKind(state?.kind, who);
    const config = checkConfig((state.config ?? {}) as Partial<RecurrentConfig>, `${who}: config`);
    return new RecurrentLM(kind, Vocabulary.fromChars(state.vocab), config, await resolveBackend(options.backend, who)).restore(state);
  }

  override sample(options: SampleOptions = {}): string[] {
    this.sampler.reset();
    return super.sample(options);
  }

  /** One cell step per call for words that grew by one character since the last call (see RecurrentSampler). */
  protected override nextScores(contexts: Int32Array, B: number, out: Float64Array): void {
    this.sampler.scores(this.config.blockSize - 1, (c, b, o) => super.nextScores(c, b, o))(contexts, B, out);
  }

  override dispose(): void {
    this.sampler.dispose();
    super.dispose();
  }
}

function checkKind(kind: unknown, who: string): RecurrentKind {
  if (!(RECURRENT_KINDS as readonly unknown[]).includes(kind)) {
    throw new Error(`${who}: cell must be one of ${RECURRENT_KINDS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(kind)}`);
  }
  return kind as RecurrentKind;
}

/** Defaults and validation of the hyper-parameters; errors name the option and its value. */
function checkConfig(o: Partial<RecurrentConfig>, who: string): RecurrentConfig {
  const { blockSize, embedDim = 64, hidden = 64, seed = 42 } = o;
  const positive = (name: string, v: unknown, min = 1): void => {
    if (!Number.isInteger(v) || (v as number) < min) throw new Error(`${who}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  };
  positive('blockSize', blockSize, 2);
  positive('embedDim', embedDim);
  positive('hidden', hidden);
  if (!Number.isInteger(seed)) throw new Error(`${who}: seed must be an integer, got ${seed}`);
  return { blockSize: blockSize!, embedDim, hidden, seed };
}

/**
 * A recurrent kind (issue 14) with makemore.py's defaults: n_embd 64, n_embd2 64, AdamW lr 5e-4, betas (0.9, 0.99),
 * eps 1e-8, weight decay 0.01, batch 32 words, constant learning rate. T is the longest word of every split + 1.
 */
function recurrentEntry(cell: RecurrentKind, summary: string): ModelKindEntry<RecurrentLM> {
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
      const { blockSize, embedDim, hidden } = m.config;
      return `${cell}, T ${blockSize}, embed ${embedDim}, hidden ${hidden}; ${m.parameterCount} parameters`;
    },
    pictures: (m) => ({ embedding: { weights: m.embedding(), dim: m.config.embedDim } }),
  };
}

/** The vanilla RNN kind of the registry. */
export const RNN_KIND = recurrentEntry('rnn', 'rnn: embeddings → vanilla RNN cell over the word → Linear at every position (makemore.py RNN)');
/** The GRU kind of the registry. */
export const GRU_KIND = recurrentEntry('gru', 'gru: embeddings → GRU cell over the word → Linear at every position (makemore.py GRU)');
/** The LSTM kind of the registry. */
export const LSTM_KIND = recurrentEntry('lstm', 'lstm: embeddings → LSTM cell over the word → Linear at every position');
