/**
 * `npm run bench:diagnostics`: what diagnostics cost a training run. The part-3 MLP (wasm, batch 32) trains through
 * `train()` for `--steps` steps per round without diagnostics and with `diagnosticsEvery: 100` (histograms of every
 * activation, gradient and parameter), interleaved round by round so a noisy shared machine slows both alike (one
 * model continues through all rounds). Prints one JSON line per side (median µs per step over the rounds, all
 * rounds), then the overhead: the median of the rounds' paired ratios, and the direct cost of one diagnostics call
 * in steps timed back to back (÷ every = the overhead it implies).
 *
 *   npm run bench:diagnostics -- [--rounds 9] [--steps 2000] [--every 100] [--hidden 200]
 */
import { buildContexts, defaultNames, MLP, train, Vocabulary } from '../src/index.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const rounds = Number(arg('rounds', '9'));
const steps = Number(arg('steps', '2000'));
const every = Number(arg('every', '100'));
const hidden = arg('hidden', '200').split(',').map(Number);

const words = defaultNames();
const vocab = Vocabulary.fromWords(words);
const data = buildContexts(words, vocab, 3);
// one model for both sides: the same memory placement, so only the diagnostics differ
const model = await MLP.create({ vocab, hidden, seed: 1, backend: 'wasm' });
type Side = 'plain' | 'diagnostics';
let diagnosed = 0;

/** µs per step of one round of `steps` steps; the model keeps training from where the last round left it. */
async function round(side: Side): Promise<number> {
  const t0 = performance.now();
  await train(model.train(), {
    data: { train: data }, steps, batchSize: 32, lr: 0.01, seed: 3, evalEvery: steps, yieldEveryMs: 1e9,
    ...(side === 'diagnostics' ? { diagnosticsEvery: every, onDiagnostics: () => void diagnosed++ } : {}),
  });
  return ((performance.now() - t0) * 1000) / steps;
}

const times: Record<Side, number[]> = { plain: [], diagnostics: [] };
await round('plain'); // warm-up: tier-up of both paths
await round('diagnostics');
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? (['plain', 'diagnostics'] as const) : (['diagnostics', 'plain'] as const);
  for (const side of order) times[side].push(await round(side));
}
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const config = `mlp hidden ${hidden.join(',')} batch 32, ${steps} steps/round`;
for (const side of ['plain', 'diagnostics'] as const) {
  console.log(JSON.stringify({
    bench: 'train-diagnostics', impl: 'wasm', config: `${config}, ${side === 'plain' ? 'no diagnostics' : `diagnosticsEvery ${every}`}`,
    median_us: +median(times[side]).toFixed(2), runs: times[side].map((t) => +t.toFixed(2)),
  }));
}
// the ratio of each round's pair (run back to back, so they share the machine's load), then its median
const ratio = median(times.plain.map((p, r) => times.diagnostics[r]! / p));
// and the direct cost: one diagnostics call against one step, timed back to back on the same model
const direct: number[] = [];
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) model.diagnostics();
  const t1 = performance.now();
  await train(model.train(), { data: { train: data }, steps: 200, batchSize: 32, lr: 0.01, seed: 3, evalEvery: 200, yieldEveryMs: 1e9 });
  direct.push((t1 - t0) / 20 / ((performance.now() - t1) / 200));
}
console.log(JSON.stringify({
  bench: 'train-diagnostics', config, every, ratio_median_of_pairs: +ratio.toFixed(4), overhead_percent: +(100 * (ratio - 1)).toFixed(2),
  one_diagnostics_in_steps: +median(direct).toFixed(2), implied_overhead_percent: +((100 * median(direct)) / every).toFixed(2),
  diagnostics_computed: diagnosed,
}));
