/**
 * Saving and loading model files in Node: atomic writes, and read errors that name the file.
 */
import type { ModelState } from '../models/model.ts';
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

/**
 * Writes a model file atomically: after a crash or a full disk, `path` holds either its previous content or the new
 * complete file.
 */
export function saveModelFile(
  path: string,
  model: ModelState,
  training: TrainingInfo = {},
  options: AtomicWriteOptions = {},
): void {
  writeFileAtomic(path, encodeModelFile(model, training), options);
}

/**
 * Reads and checks a model file (see {@link decodeModelFile}).
 * @throws ModelFileError naming the file: missing, unreadable, truncated, corrupt, newer version or wrong kind
 */
export function loadModelFile(path: string, options: DecodeOptions = {}): ModelFile {
  let bytes: Uint8Array;
  try {
    bytes = readInputFile(path, MAX_MODEL_FILE_READ_BYTES);
  } catch (error) {
    if (error instanceof InputFileError) throw new ModelFileError(path, error.problem);
    throw error;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ModelFileError(path, 'is not UTF-8 text: it is damaged, or not a model file');
  }
  return decodeModelFile(text, path, options);
}
