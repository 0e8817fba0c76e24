/**
 * Any saved model back as a model object, whatever its kind and whatever shape it comes in (a model file, a decoded
 * file, JSON text, or a bare `toJSON()` state): the document is checked here, the registry builds the model.
 */
import type { BackendOption } from '../models/backend-option.ts';
import { modelKind, type AnyModel } from '../models/registry.ts';
import { modelStateOf, type ModelSource } from './model-input.ts';

/**
 * The model a {@link ModelState} describes, whatever its kind. Neural models are placed on `backend` (default
 * 'wasm'); an n-gram model needs none. Neural models come back in eval mode.
 *
 * `input` may also be a complete model file — the parsed document `encodeModelFile` / `saveModelFile` / `makemore
 * train --out` write (its checksum is checked; a damaged file throws a ModelFileError), the {@link ModelFile} that
 * `decodeModelFile` / `loadModelFile` return — or the JSON text of any of these.
 */
export async function modelFromJSON(input: ModelSource, options: { backend?: BackendOption } = {}): Promise<AnyModel> {
  const state = modelStateOf(input, 'modelFromJSON input');
  return modelKind(state?.kind, 'modelFromJSON').fromJSON(state, options);
}
