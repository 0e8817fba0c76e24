/**
 * `makemore plot`: SVG pictures of a saved model: loss curve, bigram heatmap, character embedding scatter.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { modelKind, type AnyModel } from '../models/registry.ts';
import { bigramHeatmapSvg } from '../plot/bigram-heatmap.ts';
import { embeddingScatterSvg } from '../plot/embedding-scatter.ts';
import { lossCurveSvg } from '../plot/loss-curve.ts';
import { UsageError, type FlagSpec } from './args.ts';
import { EXIT, flag, type Command } from './command.ts';
import { openModel } from './open-model.ts';

const flags: FlagSpec[] = [
  { name: 'model', type: 'string', arg: 'FILE', help: 'model file written by makemore train (required)' },
  { name: 'out', type: 'string', arg: 'DIR', help: 'directory for the SVG files (created if needed)', defaultText: '.' },
];

export { bigramCountsOf } from '../models/registry.ts';

/** The `plot` command. */
export const plotCommand: Command = {
  name: 'plot',
  summary: 'SVG pictures of a saved model (loss curve, bigram heatmap, embeddings)',
  description:
    'Writes SVG files that open in any browser:\n' +
    '  loss.svg       the training and dev loss against the step (models trained with steps: bigram, mlp)\n' +
    '  bigram.svg     the V×V bigram grid with the pair and its count (ngram) or probability (bigram) in each cell\n' +
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
    const written: string[] = [];
    const write = (name: string, svg: string): void => {
      const path = join(dir, name);
      writeFileAtomic(path, svg);
      written.push(path);
    };
    const label = `${file.model.kind} model '${modelPath}'`;
    const history = file.training.history ?? [];
    if (history.length > 0) write('loss.svg', lossCurveSvg(history, { title: `Loss of the ${label}` }));
    const chars = (model as AnyModel).vocab.chars;
    const pictures = modelKind(file.model.kind, 'plot').pictures(model as AnyModel);
    if (pictures.heatmap) write('bigram.svg', bigramHeatmapSvg({ chars, ...pictures.heatmap }));
    if (pictures.embedding && pictures.embedding.dim >= 2) write('embedding.svg', embeddingScatterSvg({ chars, ...pictures.embedding }));
    if (written.length === 0) context.stdout.write(`nothing to plot for the ${label}\n`);
    for (const path of written) context.stdout.write(`wrote ${path}\n`);
    return EXIT.ok;
  },
};
