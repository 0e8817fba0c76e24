/**
 * `makemore plot`: SVG pictures of a saved model: loss curve, bigram heatmap, character embedding scatter.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { MODEL_KINDS, MODEL_REGISTRY, modelKind, type AnyModel } from '../models/registry.ts';
import { bigramHeatmapSvg } from '../plot/bigram-heatmap.ts';
import { embeddingScatterSvg } from '../plot/embedding-scatter.ts';
import { historyPoints, historyProblem } from '../plot/history-check.ts';
import { lossCurveSvg } from '../plot/loss-curve.ts';
import { MAX_HEATMAP_CHARS, topCharacters } from '../plot/top-characters.ts';
import { UsageError, type FlagSpec } from './args.ts';
import { EXIT, flag, type Command } from './command.ts';
import { openModel } from './open-model.ts';
import { checkOutputFile } from './out-path.ts';
import { DIAGNOSTIC_FIGURES, logFigures } from './plot-log.ts';
import type { DiagnosticFigure } from '../plot/diagnostics.ts';

const flags: FlagSpec[] = [
  { name: 'model', type: 'string', arg: 'FILE', help: 'model file written by makemore train (this or --log is required)' },
  { name: 'log', type: 'string', arg: 'FILE', help: 'run log written by makemore train --log: draw the diagnostics figures' },
  {
    name: 'what', type: 'enum', values: DIAGNOSTIC_FIGURES, arg: 'FIGURE',
    help: 'with --log: activations, gradients, weights (histograms per layer) or updates (update:data over steps)', defaultText: 'all four',
  },
  { name: 'step', type: 'int', min: 0, arg: 'N', help: 'with --log: the diagnostics step of the histograms', defaultText: 'the last' },
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

/** The kinds trained by steps, which have a loss curve. */
const TRAINED = MODEL_KINDS.filter((k) => MODEL_REGISTRY[k].training !== undefined);

/** The `plot` command. */
export const plotCommand: Command = {
  name: 'plot',
  summary: 'SVG pictures of a saved model (loss curve, bigram heatmap, embeddings)',
  description:
    'Writes SVG files that open in any browser:\n' +
    `  loss.svg       the training and dev loss against the step (models trained with steps: ${TRAINED.join(', ')})\n` +
    '  bigram.svg     the V×V bigram grid with the pair and its count (ngram) or probability (bigram) in each cell\n' +
    `                 (the ${MAX_HEATMAP_CHARS} most frequent characters of a larger vocabulary)\n` +
    '  embedding.svg  the characters at their 2-D embedding (mlp, wavenet; projected on 2 principal components if embed > 2)\n' +
    'or, from a run log (train --diagnostics-every N --log FILE), the diagnostics figures of lecture 3:\n' +
    '  activations.svg, gradients.svg, weights.svg  histograms per layer at one step\n' +
    '  updates.svg    log10 update:data of each weight over the steps, with the guide line at -3',
  flags,
  examples: 'Examples:\n  makemore plot --model model.json --out plots\n  makemore plot --log run.jsonl --what activations --out plots',
  async run(parsed, context) {
    const dir = flag<string>(parsed, 'out', '.');
    const logPath = flag<string>(parsed, 'log');
    if (logPath !== undefined) {
      if (parsed.has('model')) throw new UsageError('--log: plots a run log; give --model or --log, not both', 'plot');
      const what = parsed.has('what') ? [flag<DiagnosticFigure>(parsed, 'what')!] : DIAGNOSTIC_FIGURES;
      const figures = logFigures(logPath, what, flag<number>(parsed, 'step'));
      makeDir(dir);
      for (const [name, svg] of figures) {
        writeFileAtomic(join(dir, name), svg);
        context.stdout.write(`wrote ${join(dir, name)}\n`);
      }
      return EXIT.ok;
    }
    for (const f of ['what', 'step']) if (parsed.has(f)) throw new UsageError(`--${f}: applies to --log`, 'plot');
    const modelPath = flag<string>(parsed, 'model');
    // the JS backend: plotting reads parameters, it does not need the fast kernels
    const { file, model } = await openModel(modelPath, 'js', 'plot', (t) => context.stderr.write(t));
    makeDir(dir);
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

function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`--out: cannot create directory '${dir}' (${(error as Error).message})`, 'plot');
  }
}
