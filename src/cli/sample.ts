/**
 * `makemore sample`: new words from a saved model.
 */
import type { BackendName } from '../backend/index.ts';
import { UsageError, type FlagSpec } from './args.ts';
import { EXIT, flag, type Command } from './command.ts';
import { MAX_SAMPLE_COUNT, MAX_SAMPLE_LENGTH } from './limits.ts';
import { MAX_SEED } from '../seed.ts';
import { checkVocabulary, openModel } from './open-model.ts';

const flags: FlagSpec[] = [
  { name: 'model', type: 'string', arg: 'FILE', help: 'model file written by makemore train (required)' },
  { name: 'count', type: 'int', min: 1, max: MAX_SAMPLE_COUNT, arg: 'N', help: 'how many words', defaultText: '20' },
  { name: 'seed', type: 'int', min: 0, max: MAX_SEED, arg: 'S', help: 'seed of the sampling PRNG: the same seed gives the same words', defaultText: '42' },
  {
    name: 'temperature',
    type: 'number',
    min: 0,
    exclusiveMin: true,
    arg: 'T',
    help: 'below 1: more typical words, above 1: more surprising ones',
    defaultText: '1',
  },
  { name: 'prefix', type: 'string', arg: 'TEXT', help: 'every word starts with these characters' },
  { name: 'top-k', type: 'int', min: 1, arg: 'K', help: 'draw only among the K most likely next characters', defaultText: 'all' },
  { name: 'max-length', type: 'int', min: 1, max: MAX_SAMPLE_LENGTH, arg: 'N', help: 'cut words at this many characters', defaultText: '50' },
  { name: 'backend', type: 'enum', values: ['wasm', 'js'], arg: 'NAME', help: 'numeric backend: wasm or js', defaultText: 'wasm' },
];

/** The `sample` command. */
export const sampleCommand: Command = {
  name: 'sample',
  summary: 'print new words drawn from a saved model',
  description: 'Prints new words drawn from a saved model, one per line.',
  flags,
  examples: 'Example:\n  makemore sample --model model.json --count 5 --seed 7 --prefix ma',
  async run(parsed, context) {
    const prefix = flag<string>(parsed, 'prefix', '');
    const maxLength = flag<number>(parsed, 'max-length', 50);
    if ([...prefix].length > maxLength) {
      throw new UsageError(
        `--prefix: ${[...prefix].length} characters is longer than --max-length ${maxLength}; raise --max-length or shorten the prefix`,
        'sample',
      );
    }
    const { file, model } = await openModel(flag<string>(parsed, 'model'), flag<BackendName>(parsed, 'backend', 'wasm'), 'sample', (t) => context.stderr.write(t));
    checkVocabulary([prefix], file.model.vocab, '--prefix', 'sample', 'the prefix');
    const words = model.sample({
      count: flag<number>(parsed, 'count', 20),
      seed: flag<number>(parsed, 'seed', 42),
      temperature: flag<number>(parsed, 'temperature', 1),
      maxLength,
      prefix,
      topK: parsed.has('top-k') ? flag<number>(parsed, 'top-k', 0) : undefined,
    });
    for (const word of words) context.stdout.write(`${word}\n`);
    return EXIT.ok;
  },
};
