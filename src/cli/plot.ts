/**
 * `makemore plot`: SVG pictures of a saved model: loss curve, bigram heatmap, character embedding scatter.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { NeuralBigram } from '../models/bigram.ts';
import { MLP } from '../models/mlp.ts';
import { NGramModel } from '../models/ngram.ts';
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

/**
 * For an n-gram model, the V×V counts of (previous, next) character pairs: the table itself for n = 2, summed over the
 * older context characters for n > 2 (which gives exactly the bigram counts, since contexts are padded with `.`).
 */
export function bigramCountsOf(model: NGramModel): Float64Array | undefined {
  const V = model.vocab.size;
  if (model.n < 2) return undefined;
  const table = model.counts();
  const out = new Float64Array(V * V);
  for (let k = 0; k < table.length; k++) out[k % (V * V)] += table[k];
  return out;
}

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
    if (model instanceof NGramModel) {
      const counts = bigramCountsOf(model);
      if (counts) write('bigram.svg', bigramHeatmapSvg({ chars: model.vocab.chars, values: counts, mode: 'count' }));
    } else if (model instanceof NeuralBigram) {
      write('bigram.svg', bigramHeatmapSvg({ chars: model.vocab.chars, values: model.probabilities(), mode: 'probability' }));
    } else if (model instanceof MLP) {
      const weights = model.embedding();
      const dim = model.config.embedDim;
      if (dim >= 2) write('embedding.svg', embeddingScatterSvg({ chars: model.vocab.chars, weights, dim }));
    }
    if (written.length === 0) context.stdout.write(`nothing to plot for the ${label}\n`);
    for (const path of written) context.stdout.write(`wrote ${path}\n`);
    return EXIT.ok;
  },
};
