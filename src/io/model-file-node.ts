/**
 * Saving and loading model files in Node: atomic writes, and read errors that name the file.
 */
import { readFileSync } from 'node:fs';
import type { ModelState } from '../models/model.ts';
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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ModelFileError(path, 'does not exist');
    if (code === 'EISDIR') throw new ModelFileError(path, 'is a directory, not a file');
    throw new ModelFileError(path, `cannot be read (${(error as Error).message})`);
  }
  return decodeModelFile(text, path, options);
}
