/**
 * `npm run reference -- --only part3`: the loss log of makemore lecture 3 — one MLP run per row (block 3, embed 10,
 * hidden 200, batch 32, lr 0.1 then 0.01 from half the steps), each row one initialization fix more than the last:
 * original (`naive`), fix softmax (output ×0.01), fix tanh (hidden ×0.2), kaiming, add BatchNorm. Prints each row's
 * initial loss and final train/dev loss beside the lecture's figures. The lecture splits the names differently
 * (and trains on its own seed), so the rows are compared with each other, not with the lecture to the digit.
 */
import { MLP, train, type BackendName, type MLPOptions, type Vocabulary, type WordSplits } from '../src/index.ts';

/** One row: its settings and the lecture's final train/dev losses. */
const ROWS: { name: string; options: Partial<MLPOptions>; lecture: [number, number] }[] = [
  { name: 'original', options: { init: 'naive', batchNorm: false }, lecture: [2.1245, 2.1682] },
  { name: 'fix softmax', options: { init: 'naive', batchNorm: false, outputScale: 0.01 }, lecture: [2.07, 2.13] },
  { name: 'fix tanh', options: { init: 'naive', batchNorm: false, outputScale: 0.01, hiddenScale: 0.2 }, lecture: [2.0356, 2.1027] },
  { name: 'kaiming', options: { init: 'kaiming', batchNorm: false, outputScale: 0.01 }, lecture: [2.0377, 2.107] },
  { name: 'add BatchNorm', options: { init: 'kaiming', batchNorm: true, outputScale: 0.01 }, lecture: [2.0668, 2.1048] },
];

export interface Part3Setup {
  vocab: Vocabulary;
  splits: WordSplits;
  steps: number;
  seed: number;
  backend: BackendName;
  report(figures: Record<string, unknown>, pass: boolean, line: string): void;
}

const r5 = (x: number): number => Number(x.toFixed(5));

/** Trains the five rows and reports the table, with the checks of issue 12. */
export async function runPart3(s: Part3Setup): Promise<void> {
  const lnV = Math.log(s.vocab.size);
  const half = Math.floor(s.steps / 2);
  const rows: { name: string; initial: number; train: number; dev: number; lecture: [number, number]; seconds: number }[] = [];
  for (const row of ROWS) {
    const model = await MLP.create({ vocab: s.vocab, blockSize: 3, embedDim: 10, hidden: [200], seed: s.seed, backend: s.backend, ...row.options });
    let initial = NaN;
    const start = performance.now();
    await train(model, {
      data: { train: s.splits.train }, steps: s.steps, batchSize: 32, seed: s.seed, lr: (i) => (i < half ? 0.1 : 0.01),
      progressEvery: 1, evalEvery: s.steps,
      onProgress: (p) => {
        if (p.step === 1) initial = p.trainLoss; // the first minibatch's loss, before any update
        if (p.step % Math.max(1, Math.round(s.steps / 10)) === 0) process.stderr.write(`  part3 ${row.name} step ${p.step}/${s.steps} loss ${p.trainLoss.toFixed(4)}\n`);
      },
    });
    const seconds = (performance.now() - start) / 1000;
    rows.push({ name: row.name, initial, train: model.nll(s.splits.train), dev: model.nll(s.splits.dev), lecture: row.lecture, seconds });
  }
  const full = s.steps >= 200000;
  const initialOk = rows[0]!.initial > 15 && rows.slice(1).every((r) => Math.abs(r.initial - lnV) <= 0.1);
  const orderOk = rows.every((r, i) => i === 0 || r.dev <= rows[i - 1]!.dev + 0.01);
  const lastOk = rows.slice(-2).every((r) => r.dev <= 2.12);
  const pass = initialOk && (!full || (orderOk && lastOk));
  const table = rows.map((r) => ({
    row: r.name, initialLoss: r5(r.initial), train: r5(r.train), dev: r5(r.dev), lectureTrain: r.lecture[0], lectureDev: r.lecture[1], seconds: Math.round(r.seconds),
  }));
  s.report({ steps: s.steps, lnV: r5(lnV), rows: table, initialOk, orderOk, lastTwoUnder212: lastOk }, pass,
    `loss log (${s.steps} steps each): ` + rows.map((r) => `${r.name} ${r.initial.toFixed(2)} → ${r.train.toFixed(4)}/${r.dev.toFixed(4)}`).join('; ') +
      (full ? '' : ' (shortened: only the initial losses are checked; the order and ≤ 2.12 need 200k steps)'));
  console.log('| row | initial loss | train | dev | lecture train | lecture dev |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.name} | ${r.initial.toFixed(4)} | ${r.train.toFixed(4)} | ${r.dev.toFixed(4)} | ${r.lecture[0]} | ${r.lecture[1]} |`);
}
