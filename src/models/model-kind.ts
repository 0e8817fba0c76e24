/**
 * The shape of a model kind's entry: its settings (CLI flags, demo fields) with their defaults, how it trains by
 * default, how to create, load and describe one of its models, and what pictures they have. Each model file exports
 * its entry; src/models/registry.ts lists them. This file knows no model class, so every model file can import it.
 */
import type { Backend } from '../backend/index.ts';
import type { Vocabulary } from '../data/vocabulary.ts';
import type { OptimizerSpec } from '../nn/optim.ts';
import type { BackendOption } from './backend-option.ts';
import type { LanguageModel, ModelState } from './model.ts';

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
  /** A setting that is off unless a flag turns it on (`--allow-symmetric`). */
  | { type: 'on-switch'; default: false }
  /** One of a few names (`--init kaiming`). */
  | { type: 'enum'; values: readonly string[]; default: string }
  /** A number that, when not given, is null: the model decides (`--output-scale 0.01`). */
  | { type: 'optional-number'; min: number; default: null }
);

/** Setting values by key. */
export type ModelSettings = Record<string, number | number[] | boolean | string | null>;

/** How a model kind trains when the user says nothing. */
export interface TrainingDefaults {
  steps: number;
  lr: number;
  /**
   * 'half': the learning rate drops to lr/10 at steps/2 (lecture parts 2–3); `{ fraction }`: at ⌊fraction·steps⌋
   * (part 5: 0.75, 150k of 200k); 'never': constant.
   */
  lrDecay: 'half' | 'never' | { fraction: number };
  /** Minibatches of `batchSize` (false: the full batch every step). */
  minibatch: boolean;
  /** The optimizer and its settings (AdamW's betas and eps here are the defaults of --beta1/--beta2). */
  optimizer: OptimizerSpec;
  /**
   * What `--weight-decay` means: the optimizer's weight decay, or a model setting (the NeuralBigram's λ of the
   * λ·mean(W²) term, given to `create` as `regularization`).
   */
  weightDecay: { meaning: 'optimizer'; default: number } | { meaning: 'regularization'; default: number };
  /** Built on layers, so `train --diagnostics-every` can report per-layer statistics. */
  diagnostics?: boolean;
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

/**
 * One model kind, whose models are `M`. The methods take and give an `M`, so an entry needs no casts; the registry
 * widens every entry to the union of the library's models (methods, not function properties, so that widening
 * type-checks).
 */
export interface ModelKindEntry<M extends LanguageModel> {
  /** One line for help texts, e.g. 'mlp (embeddings, BatchNorm, tanh)'. */
  summary: string;
  options: readonly ModelOption[];
  /** Trained by steps (absent: fit by counting, e.g. the n-gram model). */
  training?: TrainingDefaults;
  /**
   * Checks settings that constrain each other (each one alone is checked by its option's type): the problem, with the
   * flags of the settings involved, or undefined.
   */
  validate?(settings: ModelSettings): { flags: string[]; message: string } | undefined;
  /**
   * A new model from its settings (defaults filled in) on a backend (ignored by counting models). `words` are the
   * training words (a counting model is fit on them); `allWords` every split's, e.g. to size a sequence model's rows
   * to the longest word.
   */
  create(vocab: Vocabulary, settings: ModelSettings, context: CreateContext): Promise<M>;
  fromJSON(state: ModelState, options: { backend?: BackendOption }): Promise<M>;
  /** One line describing a model of this kind, e.g. its sizes and parameter count. */
  describe(model: M): string;
  pictures(model: M): ModelPictures;
}
