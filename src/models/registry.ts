/**
 * The one list of model kinds. Each entry (exported by its model's file, shaped as src/models/model-kind.ts says)
 * tells how to create a model from named settings, how to load it, which settings (CLI flags, demo fields) it takes
 * with their defaults, how it trains by default, and what pictures it has. The CLI, the model-file loader, train(),
 * `plot` and the web worker all consult this table; adding a model is its file plus one line here.
 */
import { BIGRAM_KIND, type NeuralBigram } from './bigram.ts';
import { BOW_KIND, type BoW } from './bow.ts';
import { MLP_KIND, type MLP } from './mlp.ts';
import type { LanguageModel } from './model.ts';
import type { ModelKindEntry as KindEntryOf, ModelSettings, TrainingDefaults } from './model-kind.ts';
import { NGRAM_KIND, type NGramModel } from './ngram.ts';
import { GRU_KIND, LSTM_KIND, RNN_KIND, type RecurrentLM } from './recurrent.ts';
import { TRANSFORMER_KIND, type Transformer } from './transformer.ts';
import { WAVENET_KIND, type WaveNet } from './wavenet.ts';

export type { CreateContext, ModelOption, ModelPictures, ModelSettings, TrainingDefaults } from './model-kind.ts';
export { bigramCountsOf } from './ngram.ts';

/** Any model of the library. */
export type AnyModel = NGramModel | NeuralBigram | MLP | WaveNet | RecurrentLM | Transformer | BoW;

/** One model kind; without a type argument, its models are any of the library's (what {@link modelKind} gives). */
export type ModelKindEntry<M extends LanguageModel = AnyModel> = KindEntryOf<M>;

/** Every model kind, by the name used in files, flags and the API, in the order of the lectures. */
export const MODEL_REGISTRY = {
  ngram: NGRAM_KIND,
  bigram: BIGRAM_KIND,
  mlp: MLP_KIND,
  wavenet: WAVENET_KIND,
  // recurrent (issue 14)
  rnn: RNN_KIND,
  gru: GRU_KIND,
  lstm: LSTM_KIND,
  // transformer (issue 15)
  transformer: TRANSFORMER_KIND,
  bow: BOW_KIND,
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

/** A model's state is a LanguageModel whatever its kind: the registry's entries all build one. */
export type { LanguageModel };
