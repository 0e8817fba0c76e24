/**
 * `makemore eval`: mean negative log-likelihood of a saved model on a word list.
 */
import type { BackendName } from '../backend/index.ts';
import type { FlagSpec } from './args.ts';
import { UsageError } from './args.ts';
import { EXIT, flag, type Command } from './command.ts';
import { loadWords } from './data.ts';
import { checkVocabulary, openModel } from './open-model.ts';
import { formatLoss, jsonNumber } from './progress.ts';

const flags: FlagSpec[] = [
  { name: 'model', type: 'string', arg: 'FILE', help: 'model file written by makemore train (required)' },
  { name: 'data', type: 'string', arg: 'FILE', help: 'words to evaluate on, one per line (required)' },
  { name: 'backend', type: 'enum', values: ['wasm', 'js'], arg: 'NAME', help: 'numeric backend: wasm or js', defaultText: 'wasm' },
  { name: 'json', type: 'boolean', help: 'print one JSON object {"nll", "count", "words"} instead of text' },
];

/** The `eval` command. */
export const evalCommand: Command = {
  name: 'eval',
  summary: 'mean negative log-likelihood of a saved model on a word list',
  description:
    'Prints the mean negative log-likelihood (nats per character, the loss of makemore) of a saved model on the words\n' +
    'of a file, and how many characters it predicted (each character of each word plus one end marker per word).',
  flags,
  examples: 'Example:\n  makemore eval --model model.json --data names.txt',
  async run(parsed, context) {
    const dataPath = flag<string>(parsed, 'data');
    if (dataPath === undefined) throw new UsageError('--data: required (a text file with one word per line)', 'eval');
    const modelPath = flag<string>(parsed, 'model');
    const { words, source } = loadWords(dataPath, 'eval');
    const { file, model } = await openModel(modelPath, flag<BackendName>(parsed, 'backend', 'wasm'), 'eval', (t) => context.stderr.write(t));
    checkVocabulary(words, file.model.vocab, '--data', 'eval');
    const nll = model.nll(words);
    let count = 0;
    for (const word of words) count += [...word].length + 1;
    if (flag(parsed, 'json', false)) {
      context.stdout.write(`${JSON.stringify({ event: 'eval', nll: jsonNumber(nll), count, words: words.length })}\n`);
    } else {
      context.stdout.write(
        `${file.model.kind} model '${modelPath}' on '${source}': mean NLL ${formatLoss(nll)} ` +
          `over ${count} characters (${words.length} words)\n`,
      );
    }
    return EXIT.ok;
  },
};
