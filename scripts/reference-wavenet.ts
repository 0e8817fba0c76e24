/**
 * The performance log of makemore part 5, on our split: the four models the lecture trains (200,000 steps of batch
 * 32, SGD lr 0.1 then 0.01 from three quarters of the steps), each a {@link WaveNet} — flatten = blockSize is the
 * flat MLP of the first rows. Used by scripts/reference.ts (`npm run reference -- --only wavenet`).
 */
import { train, WaveNet, type BackendName, type Vocabulary, type WordSplits } from '../src/index.ts';

/** One row of the lecture's log: the model and the figures the lecture reports (its own split). */
export interface WaveNetRow {
  name: string;
  what: string;
  blockSize: number;
  embedDim: number;
  hidden: number;
  flatten: number;
  lecture: { train: number; val: number };
}

/** The lecture's rows, in its order (the 22K hierarchical row after the BatchNorm fix). */
export const WAVENET_ROWS: readonly WaveNetRow[] = [
  { name: 'flat3', what: 'context 3, flat (12K)', blockSize: 3, embedDim: 10, hidden: 200, flatten: 3, lecture: { train: 2.058, val: 2.105 } },
  { name: 'flat8', what: 'context 8, flat (22K)', blockSize: 8, embedDim: 10, hidden: 200, flatten: 8, lecture: { train: 1.918, val: 2.027 } },
  { name: 'tree22k', what: 'context 8, hierarchical (22K)', blockSize: 8, embedDim: 10, hidden: 68, flatten: 2, lecture: { train: 1.912, val: 2.022 } },
  { name: 'tree76k', what: 'context 8, hierarchical (76K)', blockSize: 8, embedDim: 24, hidden: 128, flatten: 2, lecture: { train: 1.769, val: 1.993 } },
];

/** What one row measured. */
export interface WaveNetResult {
  row: WaveNetRow;
  parameters: number;
  steps: number;
  train: number;
  dev: number;
  test: number;
  seconds: number;
  stepsPerSecond: number;
  samples: string[];
}

/** Trains one row of the log and measures it; progress goes to stderr. */
export async function runWaveNetRow(
  row: WaveNetRow,
  o: { vocab: Vocabulary; splits: WordSplits; steps: number; seed: number; backend: BackendName },
): Promise<WaveNetResult> {
  const { vocab, splits, steps, seed, backend } = o;
  const model = await WaveNet.create({
    vocab, blockSize: row.blockSize, embedDim: row.embedDim, hidden: row.hidden, flatten: row.flatten, seed, backend,
  });
  // the lecture: lr 0.1 for i < 150000 of 200000, then 0.01
  const decayAt = Math.floor(steps * 0.75);
  const start = performance.now();
  await train(model, {
    data: { train: splits.train }, steps, batchSize: 32, seed,
    lr: (i) => (i < decayAt ? 0.1 : 0.01),
    progressEvery: Math.max(1, Math.round(steps / 20)),
    onProgress: (p) => process.stderr.write(
      `  wavenet ${row.name} step ${p.step}/${p.steps} loss ${p.trainLoss.toFixed(4)} (${Math.round(p.stepsPerSecond)} steps/s)\n`,
    ),
  });
  const seconds = (performance.now() - start) / 1000;
  return {
    row, parameters: model.parameterCount, steps,
    train: model.nll(splits.train), dev: model.nll(splits.dev), test: model.nll(splits.test),
    seconds, stepsPerSecond: steps / seconds, samples: model.sample({ count: 8, seed }),
  };
}

/** The log as a text table: ours beside the lecture's. */
export function waveNetTable(results: readonly WaveNetResult[]): string {
  const lines = [
    '| model | params | steps | train | dev | test | lecture train | lecture val | wall time | steps/s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.row.what} | ${r.parameters.toLocaleString('en-US')} | ${r.steps} | ${r.train.toFixed(3)} | ${r.dev.toFixed(3)} | ` +
        `${r.test.toFixed(3)} | ${r.row.lecture.train.toFixed(3)} | ${r.row.lecture.val.toFixed(3)} | ${formatSeconds(r.seconds)} | ` +
        `${Math.round(r.stepsPerSecond)} |`,
    );
  }
  return lines.join('\n');
}

function formatSeconds(s: number): string {
  return s < 120 ? `${s.toFixed(0)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
