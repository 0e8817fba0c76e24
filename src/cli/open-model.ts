/**
 * Opening a model file for a CLI command: file problems become usage errors that name `--model`.
 */
import type { BackendName } from '../backend/index.ts';
import { ModelFileError, type ModelFile } from '../io/model-file.ts';
import { loadModelInput } from '../io/model-file-node.ts';
import { modelFromJSON } from '../io/load-model.ts';
import type { LanguageModel } from '../models/model.ts';
import { excerpt } from '../data/excerpt.ts';
import { UsageError } from './args.ts';

/** A loaded model with its file. */
export interface OpenedModel {
  file: ModelFile;
  model: LanguageModel;
}

/** Where a command's notes go (stderr): a bare state is accepted, with a word that nothing could check it. */
export type NoteSink = (text: string) => void;

/**
 * Reads and checks the file only (no model built). A bare `toJSON()` state is accepted too: `note` is told that it
 * carries no checksum.
 */
export function readModelFlag(path: string | undefined, command: string, note?: NoteSink): ModelFile {
  if (path === undefined) throw new UsageError(`--model: required (the model file written by 'makemore train --out FILE')`, command);
  try {
    const { file, bare } = loadModelInput(path);
    if (bare) {
      note?.(
        `makemore ${command}: note: '${path}' is a bare model state (toJSON() output), not a model file: it carries ` +
          'no checksum, so damage to it cannot be detected\n',
      );
    }
    return file;
  } catch (error) {
    if (error instanceof ModelFileError) throw new UsageError(`--model: ${error.message}`, command);
    throw error;
  }
}

/** Reads the file and rebuilds the model on the backend. */
export async function openModel(path: string | undefined, backend: BackendName, command: string, note?: NoteSink): Promise<OpenedModel> {
  const file = readModelFlag(path, command, note);
  let model: LanguageModel;
  try {
    model = await modelFromJSON(file.model, { backend });
  } catch (error) {
    // the file passed its checksum, so this is a state the model code does not accept (e.g. inconsistent shapes)
    throw new UsageError(`--model: model file '${path}': ${(error as Error).message}`, command);
  }
  return { file, model };
}

/**
 * The first character of any word that the model's vocabulary lacks, as a usage error naming `flag`: evaluation and
 * prefixes can only use characters the model was trained on.
 */
export function checkVocabulary(
  words: readonly string[],
  vocab: readonly string[],
  flag: string,
  command: string,
  noun = 'the word',
): void {
  const known = new Set(vocab);
  for (const word of words) {
    for (const ch of word) {
      if (!known.has(ch)) {
        throw new UsageError(
          `${flag}: ${noun} ${excerpt(word)} has the character ${excerpt(ch)}, which the model's ` +
            `vocabulary (${vocab.length} characters: ${excerpt(vocab.join(''), 60)}) does not contain`,
          command,
        );
      }
    }
  }
}
