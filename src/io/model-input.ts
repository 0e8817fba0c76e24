/**
 * One model document for the library and the CLI: a complete model file (format, version, checksum, model, training)
 * or a bare model state (what `toJSON()` returns). Files are checked in full, checksum included; a bare state carries
 * no checksum, so only its structure can be checked — callers say so (the CLI prints a note).
 */
import type { ModelState } from '../models/model.ts';
import {
  checkModelFile, checkModelState, isBareModelState, isObject, MODEL_FILE_VERSION, ModelFileError, parseModelJson,
  type DecodeOptions, type ModelFile, type TrainingInfo,
} from './model-file.ts';

/** A model file as it is written: what `encodeModelFile` produces, parsed. */
export interface ModelFileDocument {
  format: string;
  version: number;
  checksum: string;
  model: ModelState;
  training?: TrainingInfo;
}

/** Whatever may hold a model: a state, a decoded file, a file document, or the JSON text of either. */
export type ModelSource = ModelState | ModelFile | ModelFileDocument | string;

/** A checked model document and whether it was a bare state (no checksum, no training record). */
export interface ModelInput {
  file: ModelFile;
  bare: boolean;
}

/**
 * Checks a parsed document of either shape. A model file gets every check of {@link checkModelFile}; a bare state the
 * structural ones, and comes back as a file of the current version with an empty training record.
 * @throws ModelFileError naming `source`
 */
export function modelInputFromDocument(doc: unknown, source: string, options: DecodeOptions = {}): ModelInput {
  if (!isBareModelState(doc)) return { file: checkModelFile(doc, source, options), bare: false };
  const state = doc as Record<string, unknown>;
  checkModelState(state, (problem) => {
    throw new ModelFileError(source, `(a bare model state) ${problem}`);
  });
  if (options.kind !== undefined && state.kind !== options.kind) {
    throw new ModelFileError(source, `holds a ${String(state.kind)} model, expected a ${options.kind} model`);
  }
  return { file: { version: MODEL_FILE_VERSION, model: state as unknown as ModelState, training: {} }, bare: true };
}

/** {@link modelInputFromDocument} of JSON text. */
export function decodeModelInput(text: string, source: string, options: DecodeOptions = {}): ModelInput {
  return modelInputFromDocument(parseModelJson(text, source), source, options);
}

/**
 * The model state in any {@link ModelSource}: JSON text is parsed; a file document is checked (checksum included);
 * a decoded {@link ModelFile} (from `decodeModelFile` / `loadModelFile`) gives its `model`; a state is itself.
 */
export function modelStateOf(input: ModelSource, source: string): ModelState {
  const doc: unknown = typeof input === 'string' ? parseModelJson(input, source) : input;
  if (isObject(doc) && doc.format !== undefined) return checkModelFile(doc, source).model;
  if (isObject(doc) && doc.kind === undefined && isObject(doc.model) && typeof doc.version === 'number') {
    return doc.model as unknown as ModelState; // already decoded, so already checked
  }
  return doc as ModelState;
}
