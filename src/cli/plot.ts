/**
 * `makemore plot`: SVG pictures of a saved model: loss curve, bigram heatmap, character embedding scatter.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { modelKind, type AnyModel } from '../models/registry.ts';
import { bigramHeatmapSvg } from '../plot/bigram-heatmap.ts';
import { embeddingScatterSvg } from '../plot/embedding-scatter.ts';
import { historyPoints, historyProblem } from '../plot/history-check.ts';
import { lossCurveSvg } from '../plot/loss-curve.ts';
import { MAX_HEATMAP_CHARS, topCharacters } from '../plot/top-characters.ts';
import { UsageError, type FlagSpec } from './args.ts';
import { EXIT, flag, type Command } from './command.ts';
import { openModel } from './open-model.ts';
import { checkOutputFile } from './out-path.ts';

const flags: FlagSpec[] = [
  { name: 'model', type: 'string', arg: 'FILE', help: 'model file written by makemore train (required)' },
  { name: 'out', type: 'string', arg: 'DIR', help: 'directory for the SVG files (created if needed)', defaultText: '.' },
];

export { bigramCountsOf } from '../models/registry.ts';

/** The heatmap of at most {@link MAX_HEATMAP_CHARS} characters, the most frequent ones; the title says when cut. */
function heatmap(chars: readonly string[], values: ArrayLike<number>, mode: 'count' | 'probability'): string {
  const subset = topCharacters(chars, values);
  const what = mode === 'count' ? 'Bigram counts' : 'Bigram probabilities P(next | previous)';
  const title = subset.total > subset.chars.length ? `${what}: the ${subset.chars.length} most frequent of ${subset.total} characters` : undefined;
  return bigramHeatmapSvg({ chars: subset.chars, values: subset.values, mode, title });
}

/** The `plot` command. */
export const plotCommand: Command = {
  name: 'plot',
  summary: 'SVG pictures of a saved model (loss curve, bigram heatmap, embeddings)',
  description:
    'Writes SVG files that open in any browser:\n' +
    '  loss.svg       the training and dev loss against the step (models trained with steps: bigram, mlp)\n' +
    '  bigram.svg     the V×V bigram grid with the pair and its count (ngram) or probability (bigram) in each cell\n' +
    `                 (the ${MAX_HEATMAP_CHARS} most frequent characters of a larger vocabulary)\n` +
    '  embedding.svg  the characters at their 2-D embedding (mlp; projected on 2 principal components if embed > 2)',
  flags,
  examples: 'Example:\n  makemore plot --model model.json --out plots',
  async run(parsed, context) {
    const modelPath = flag<string>(parsed, 'model');
    const dir = flag<string>(parsed, 'out', '.');
    // the JS backend: plotting reads parameters, it does not need the fast kernels
    const { file, model } = await openModel(modelPath, 'js', 'plot', (t) => context.stderr.write(t));
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new UsageError(`--out: cannot create directory '${dir}' (${(error as Error).message})`, 'plot');
    }
    const problem = historyProblem(file.training.history);
    if (problem !== undefined) {
      throw new UsageError(`--model: model file '${modelPath}': its training history is malformed (${problem}); nothing was plotted`, 'plot');
    }
    const label = `${file.model.kind} model '${modelPath}'`;
    const svgs: [string, () => string][] = [];
    const history = historyPoints(file.training.history);
    if (history.length > 0) svgs.push(['loss.svg', () => lossCurveSvg(history, { title: `Loss of the ${label}` })]);
    const chars = (model as AnyModel).vocab.chars;
    const pictures = modelKind(file.model.kind, 'plot').pictures(model as AnyModel);
    const { heatmap: grid, embedding } = pictures;
    if (grid) svgs.push(['bigram.svg', () => heatmap(chars, grid.values, grid.mode)]);
    if (embedding && embedding.dim >= 2) svgs.push(['embedding.svg', () => embeddingScatterSvg({ chars, ...embedding })]);
    // every output checked before the first is written: never replace the model file itself, a link or a device
    for (const [name] of svgs) checkOutputFile(join(dir, name), [{ flag: '--model', path: modelPath! }], 'plot', '--out');
    const written: string[] = [];
    for (const [name, svg] of svgs) {
      writeFileAtomic(join(dir, name), svg());
      written.push(join(dir, name));
    }
    if (written.length === 0) context.stdout.write(`nothing to plot for the ${label}\n`);
    for (const path of written) context.stdout.write(`wrote ${path}\n`);
    return EXIT.ok;
  },
};
