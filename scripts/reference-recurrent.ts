/**
 * The recurrent parts of `npm run reference` (issue 14): makemore.py's RNN and GRU, and the LSTM, at makemore.py's
 * defaults (n_embd = n_embd2 = 64, AdamW lr 5e-4, betas 0.9/0.99, eps 1e-8, weight decay 0.01, batch 32 words),
 * 20,000 steps. PyTorch reaches a test loss of 2.049 (RNN, 11,803 parameters) and 1.994 (GRU, 28,315) on makemore.py's
 * split; ours is judged on the mean of dev and test of our 80/10/10 split. `makemoreSplit` trains on all but 1,000
 * shuffled words and tests on those (dev = test), to compare with makemore.py's own figures.
 */
import {
  RecurrentLM, Rng, sequenceLength, train, type BackendName, type RecurrentKind, type Vocabulary, type WordSplits,
} from '../src/index.ts';

/**
 * The issue's bounds, set a little above PyTorch's test loss on makemore.py's split. PyTorch running makemore.py's own
 * RNN and GRU on OUR split (20,000 steps) lands at 2.078 and 2.034 (mean of dev and test; our LSTM cell written in
 * PyTorch: 2.029), above them as ours does: our split trains on 17% fewer words and holds out others (see the README,
 * "Why the bounds are missed").
 */
const TARGETS: Record<RecurrentKind, { mean: number; parameters?: number; torch?: number }> = {
  rnn: { mean: 2.07, parameters: 11803, torch: 2.049 },
  gru: { mean: 2.02, parameters: 28315, torch: 1.994 },
  lstm: { mean: 2.02 },
};

/** What a recurrent part needs from the reference script. */
export interface RecurrentRun {
  cell: RecurrentKind;
  words: readonly string[];
  vocab: Vocabulary;
  splits: WordSplits;
  steps: number;
  seed: number;
  backend: BackendName;
  makemoreSplit: boolean;
  /** Set when `splits` came from --split-file: named in the report, and the bound (set for our split) is not checked. */
  splitName?: string;
  report: (figures: Record<string, unknown>, pass: boolean, line: string) => void;
}

const round = (x: number, d = 5): number => Number(x.toFixed(d));

/** Trains one recurrent model and reports its figures (see the module comment). */
export async function runRecurrent(r: RecurrentRun): Promise<void> {
  const { cell, words, vocab, steps, seed, backend, makemoreSplit } = r;
  // makemore.py: test_set_size = min(1000, 10% of the words), the rest trains; no dev set
  const shuffled = new Rng(seed).shuffle(words.slice());
  const splits: WordSplits = makemoreSplit ? { train: shuffled.slice(1000), dev: shuffled.slice(0, 1000), test: shuffled.slice(0, 1000) } : r.splits;
  const model = await RecurrentLM.create({ cell, vocab, blockSize: sequenceLength(words), embedDim: 64, hidden: 64, seed, backend });
  const start = performance.now();
  // the dev loss every 500 steps, as makemore.py evaluates its test set and keeps the best (on its split dev = test)
  const result = await train(model, {
    data: { train: splits.train, dev: splits.dev }, evalEvery: 500, steps, batchSize: 32, seed, lr: 5e-4,
    optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01 },
    progressEvery: Math.max(1, Math.round(steps / 20)),
    onProgress: (p) => process.stderr.write(`  ${cell} step ${p.step}/${p.steps} loss ${p.trainLoss.toFixed(4)} (${Math.round(p.stepsPerSecond)} steps/s)\n`),
  });
  const seconds = (performance.now() - start) / 1000;
  const losses = { train: model.nll(splits.train), dev: model.nll(splits.dev), test: model.nll(splits.test) };
  const mean = (losses.dev + losses.test) / 2;
  const bestDev = Math.min(...result.history.map((h) => h.devLoss ?? Infinity));
  const want = TARGETS[cell];
  const full = steps >= 20000 && !makemoreSplit && r.splitName === undefined;
  const countOk = want.parameters === undefined || model.parameterCount === want.parameters;
  r.report({
    parameters: model.parameterCount, steps, backend, split: r.splitName ?? (makemoreSplit ? 'makemore (1000 test words)' : 'ours (80/10/10)'),
    train: round(losses.train), dev: round(losses.dev), test: round(losses.test), mean: round(mean), bestDevEvery500: round(bestDev),
    torchTest: want.torch ?? null, seconds: round(seconds, 1), stepsPerSecond: Math.round(steps / seconds),
    samples: model.sample({ count: 8, seed }),
  }, countOk && (!full || mean <= want.mean),
  `${model.parameterCount} parameters${want.parameters ? ` (makemore.py ${want.parameters})` : ''}; mean of dev and test ` +
    `${mean.toFixed(4)}${makemoreSplit ? ' (makemore.py split: test = dev)' : r.splitName ? ` (${r.splitName})` : ''}` +
    `${full ? ` (want ≤ ${want.mean}${want.torch ? `; PyTorch test ${want.torch}` : ''})` : ' (the bound is checked at 20,000 steps on our split)'} ` +
    `in ${seconds.toFixed(0)} s`);
  model.dispose();
}
