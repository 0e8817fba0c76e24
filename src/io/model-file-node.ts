/**
 * Saving and loading model files in Node: atomic writes, and read errors that name the file.
 */
import type { LanguageModel, ModelState } from '../models/model.ts';
import { InputFileError, readInputFile } from './input-file.ts';
import { MAX_MODEL_FILE_READ_BYTES } from './model-size.ts';
import { writeFileAtomic, type AtomicWriteOptions } from './atomic-write.ts';
import {
  decodeModelFile,
  encodeModelFile,
  ModelFileError,
  type DecodeOptions,
  type ModelFile,
  type TrainingInfo,
} from './model-file.ts';
import { decodeModelInput, type ModelInput } from './model-input.ts';

/**
 * Writes a model file (format, version, checksum, the model's state and the training record) atomically: after a
 * crash or a full disk, `path` holds either its previous content or the new complete file.
 * @param model a model (its `toJSON()` is saved) or a model state
 */
export function saveModelFile(
  path: string,
  model: LanguageModel | ModelState,
  training: TrainingInfo = {},
  options: AtomicWriteOptions = {},
): void {
  const state = typeof (model as LanguageModel).toJSON === 'function' ? (model as LanguageModel).toJSON() : (model as ModelState);
  writeFileAtomic(path, encodeModelFile(state, training), options);
}

/**
 * Reads and checks a model file (see {@link decodeModelFile}).
 * @throws ModelFileError naming the file: missing, unreadable, truncated, corrupt, newer version or wrong kind
 */
export function loadModelFile(path: string, options: DecodeOptions = {}): ModelFile {
  return decodeModelFile(readModelText(path), path, options);
}

/**
 * Reads a model file or a bare `toJSON()` state (see {@link decodeModelInput}); `bare` says which it was, since a
 * bare state has no checksum to check.
 */
export function loadModelInput(path: string, options: DecodeOptions = {}): ModelInput {
  return decodeModelInput(readModelText(path), path, options);
}

/** The text of a model file: a regular file of a sane size (never a FIFO or device), valid UTF-8. */
function readModelText(path: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readInputFile(path, MAX_MODEL_FILE_READ_BYTES);
  } catch (error) {
    if (error instanceof InputFileError) throw new ModelFileError(path, error.problem);
    throw error;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ModelFileError(path, 'is not UTF-8 text: it is damaged, or not a model file');
  }
}
