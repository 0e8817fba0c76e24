/**
 * Restoring any saved model from its {@link ModelState}, whatever its kind.
 */
import { modelStateOf, type ModelSource } from '../io/model-input.ts';
import type { BackendOption } from './backend-option.ts';
import { NeuralBigram } from './bigram.ts';
import { MLP } from './mlp.ts';
import type { ModelState } from './model.ts';
import { NGramModel } from './ngram.ts';

/** Any model of the library. */
export type AnyModel = NGramModel | NeuralBigram | MLP;

/**
 * The model a {@link ModelState} describes: dispatches on `state.kind`. Neural models are placed on `backend`
 * (default 'wasm'); an n-gram model needs none. An MLP comes back in eval mode.
 *
 * `input` may also be a complete model file — the parsed document `encodeModelFile` / `saveModelFile` / `makemore
 * train --out` write (its checksum is checked; a damaged file throws a ModelFileError), the {@link ModelFile} that
 * `decodeModelFile` / `loadModelFile` return — or the JSON text of any of these.
 */
export async function modelFromJSON(input: ModelSource, options: { backend?: BackendOption } = {}): Promise<AnyModel> {
  const state: ModelState = modelStateOf(input, 'modelFromJSON input');
  switch (state?.kind) {
    case 'ngram':
      return NGramModel.fromJSON(state);
    case 'bigram':
      return NeuralBigram.fromJSON(state, options);
    case 'mlp':
      return MLP.fromJSON(state, options);
    default:
      throw new Error(`modelFromJSON: unknown model kind ${JSON.stringify(state?.kind)} (expected 'ngram', 'bigram' or 'mlp')`);
  }
}
