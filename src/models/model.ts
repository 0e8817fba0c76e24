/**
 * What every model shares, so the training loop, the CLI, the model files and the browser demo can treat them alike.
 */

import type { OptimizerSpec } from '../nn/optim.ts';

/** A model family's name, as the registry (src/models/registry.ts) lists them. */
export type ModelKind = string;

/** Options for {@link LanguageModel.sample}. */
export interface SampleOptions {
  /** How many words (default 10). */
  count?: number;
  /** Seed of the sampling PRNG (default 42). The same seed gives the same words. */
  seed?: number;
  /** Divides the logits (log-probabilities for count models) before the softmax; 1 is the model itself (default 1). */
  temperature?: number;
  /** Stop a word after this many characters (default 50). */
  maxLength?: number;
  /** Every sample starts with these characters (default ''). */
  prefix?: string;
  /**
   * Draw only among the topK most likely next characters (ties with the K-th included, as makemore.py's torch.topk
   * cut-off); default: all characters.
   */
  topK?: number;
}

/** A named float32 tensor of a saved model, its data as base64 of little-endian float32. */
export interface TensorState {
  shape: number[];
  data: string;
}

/**
 * A model as a JSON-serializable document: the kind, its hyper-parameters, the vocabulary (the characters after `.`,
 * in index order) and its tensors (parameters and buffers such as BatchNorm running statistics, or counts).
 */
export interface ModelState {
  kind: ModelKind;
  config: Record<string, unknown>;
  vocab: string[];
  tensors: Record<string, TensorState>;
  /** Neural models: the optimizer's settings, update count and state (absent in files of format 1). */
  optimizer?: SavedOptimizer;
}

/** The interface every model implements. */
export interface LanguageModel {
  readonly kind: ModelKind;
  /** Mean negative log-likelihood per predicted character over the words (each word ends with `.`). */
  nll(words: readonly string[]): number;
  /** New words, drawn from the model with a seeded PRNG. */
  sample(options?: SampleOptions): string[];
  /** The model's state, for saving: `fromJSON` of the same class restores an identical model. */
  toJSON(): ModelState;
}

/** How a model file stores the optimizer. */
export interface SavedOptimizer {
  /** The optimizer and its settings, e.g. { kind: 'adamw', beta1: 0.9, ... }. */
  spec: OptimizerSpec;
  /** Updates done (AdamW's t). */
  step: number;
  /** The state values (stateSlots × padded parameter floats); absent when the optimizer keeps none. */
  state?: TensorState;
}
