/**
 * The messages between the demo page (main.ts) and its training worker (worker.ts). Everything is structured-clone
 * friendly: plain objects, arrays and numbers (a number crosses postMessage as the exact float64).
 */

import type { RegisteredKind } from '../src/models/registry.ts';
import type { Diagnostics } from '../src/nn/diagnostics.ts';
import type { InitScheme } from '../src/nn/init-schemes.ts';

/** A model kind, as the library's registry names them. */
export type Kind = RegisteredKind;

/** Everything that defines a run: with the same text and config, Node computes the very same numbers. */
export interface RunConfig {
  kind: Kind;
  seed: number;
  /** ngram: characters per event (2 is the bigram). */
  order: number;
  /** ngram: pseudo-count added to every count. */
  smoothing: number;
  /** bigram: L2 regularization strength. */
  regularization: number;
  /** mlp, wavenet: characters of context. */
  blockSize: number;
  /** mlp, wavenet: embedding dimension per character. */
  embedDim: number;
  /** mlp: width of each hidden layer; wavenet: one width for every level, or one per level. */
  hidden: number[];
  /** mlp: BatchNorm after the hidden pre-activation (the WaveNet always has it). */
  batchNorm: boolean;
  /** wavenet: consecutive positions fused per level (blockSize must be a power of it). */
  flatten: number;
  /** mlp: initialization scheme of the Linear layers (optional: 'lecture' when absent). */
  init?: InitScheme;
  /** mlp: compute diagnostics every this many steps (optional: 0 or absent, never). */
  diagnosticsEvery?: number;
  /** transformer: blocks (n_layer). */
  layers: number;
  /** transformer: attention heads (n_head; divides embed). */
  heads: number;
  /** transformer, bow: channels (n_embd). */
  embed: number;
  steps: number;
  batchSize: number;
  lr: number;
  /** The first decayStep steps use lr, the later ones lr / 10 (src/lr-schedule.ts, as the CLI's --lr-decay-at); null never. */
  decayStep: number | null;
  weightDecay: number;
  evalEvery: number;
}

/** Page → worker. */
export type ToWorker =
  /** Start a new run on the words of `text` (one per line). */
  | { type: 'train'; text: string; config: RunConfig; temperature: number }
  /** Stop the current run after the step in progress. */
  | { type: 'stop' }
  /** Continue a stopped run up to its configured number of steps. */
  | { type: 'resume' }
  /** Draw words from the current model. */
  | { type: 'sample'; count: number; seed: number; temperature: number };

/** One point of a loss curve. */
export interface LossPoint {
  step: number;
  loss: number;
}

/** Worker → page. */
export type FromWorker =
  | { type: 'ready' }
  /** The words were read and split; `bigrams` is the vocab × vocab count matrix of the training words, row-major. */
  | { type: 'data'; words: number; train: number; dev: number; test: number; vocab: string[]; bigrams: number[] }
  /** Progress since the last message: minibatch losses, and a dev evaluation when one happened. */
  | { type: 'progress'; step: number; steps: number; train: LossPoint[]; dev: LossPoint[]; stepsPerSecond: number }
  | { type: 'samples'; words: string[]; seed: number; temperature: number }
  /** Per-layer statistics of one training step (mlp, every diagnosticsEvery steps). */
  | { type: 'diagnostics'; step: number; diagnostics: Diagnostics }
  /** The run ended (all steps done, or stopped). The losses are exact: the test compares them with Node's. */
  | {
      type: 'finished';
      stopped: boolean;
      step: number;
      steps: number;
      trainLoss: number;
      devLoss: number;
      /** The n-gram model's test NLL; NaN for trained models (the page shows their train and dev losses). */
      testLoss: number;
      stepsPerSecond: number;
    }
  /** A failure; `about: 'words'` when the word list is the cause (the page shows it in the Words panel). */
  | { type: 'error'; message: string; about?: 'words' | 'run' };
