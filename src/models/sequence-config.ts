/** Checks shared by the sequence models' configurations (vocabulary, row length, seed); errors name the value. */
import { Vocabulary } from '../data/vocabulary.ts';
import type { SequenceConfig } from './sequence-model.ts';

/** The vocabulary must be a Vocabulary, blockSize an integer ≥ 2 (a start token and one character), seed an integer. */
export function checkSequenceConfig(o: { vocab?: unknown; blockSize?: unknown; seed?: unknown }, who: string): SequenceConfig {
  if (!(o?.vocab instanceof Vocabulary)) {
    throw new Error(`${who}: vocab must be a Vocabulary, got ${o?.vocab === undefined ? 'undefined' : typeof o.vocab}`);
  }
  const { blockSize, seed = 42 } = o;
  if (!Number.isInteger(blockSize) || (blockSize as number) < 2) {
    throw new Error(`${who}: blockSize (T, the longest word + 1) must be an integer >= 2, got ${String(blockSize)}`);
  }
  if (!Number.isInteger(seed)) throw new Error(`${who}: seed must be an integer, got ${String(seed)}`);
  return { blockSize: blockSize as number, seed: seed as number };
}
