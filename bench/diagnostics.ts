/**
 * `npm run bench:diagnostics`: what diagnostics cost a training run. The part-3 MLP (wasm, batch 32) trains through
 * `train()` for `--steps` steps per round in three ways, interleaved round by round so a noisy shared machine slows
 * them alike (one model continues through all rounds):
 * - `plain`: no diagnostics;
 * - `hooks`: `diagnosticsEvery: 100` with the model's diagnostics replaced by a no-op — the control: what the timing
 *   reports when the diagnostics themselves cost nothing (on a loaded machine this is not 0);
 * - `diagnostics`: `diagnosticsEvery: 100` computing every histogram, mean and std.
 * Prints one JSON line per side (median µs per step, all rounds), then the medians of the rounds' paired ratios
 * against `plain` — on a loaded machine both move by several percent from round to round — and the cost of each
 * diagnostics call measured inside a long training run against the `every` steps before it (same moment, same load),
 * as a median in steps: ÷ every, the overhead it implies. The first call (compilation, scratch allocation) is apart.
 *
 *   npm run bench:diagnostics -- [--rounds 15] [--steps 1000] [--every 100] [--hidden 200]
 */
import { buildContexts, defaultNames, MLP, train, Vocabulary, type Diagnostics } from '../src/index.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const rounds = Number(arg('rounds', '15'));
const steps = Number(arg('steps', '1000'));
const every = Number(arg('every', '100'));
const hidden = arg('hidden', '200').split(',').map(Number);

const words = defaultNames();
const vocab = Vocabulary.fromWords(words);
const data = buildContexts(words, vocab, 3);
const model = await MLP.create({ vocab, hidden, seed: 1, backend: 'wasm' });
const SIDES = ['plain', 'hooks', 'diagnostics'] as const;
type Side = (typeof SIDES)[number];
model.trainStep(data.X.subarray(0, 96), data.Y.subarray(0, 32), 0); // a step, so there is something to diagnose
const cached = model.diagnostics();
const noop = (): Diagnostics => cached;
let diagnosed = 0;

/** µs per step of one round of `steps` steps; the model keeps training from where the last round left it. */
async function round(side: Side): Promise<number> {
  const m = model as unknown as { diagnostics?: () => Diagnostics };
  if (side === 'hooks') m.diagnostics = noop;
  else delete m.diagnostics; // the class's own
  const t0 = performance.now();
  await train(model.train(), {
    data: { train: data }, steps, batchSize: 32, lr: 0.01, seed: 3, evalEvery: steps, yieldEveryMs: 1e9,
    ...(side === 'plain' ? {} : { diagnosticsEvery: every, onDiagnostics: () => void diagnosed++ }),
  });
  return ((performance.now() - t0) * 1000) / steps;
}

const times: Record<Side, number[]> = { plain: [], hooks: [], diagnostics: [] };
for (const side of SIDES) await round(side); // warm-up: tier-up of every path
for (let r = 0; r < rounds; r++) {
  const order = SIDES.map((_, i) => SIDES[(i + r) % SIDES.length]!); // each side takes each position in turn
  for (const side of order) times[side].push(await round(side));
}
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const config = `mlp hidden ${hidden.join(',')} batch 32, ${steps} steps/round`;
for (const side of SIDES) {
  console.log(JSON.stringify({
    bench: 'train-diagnostics', impl: 'wasm', config: `${config}, ${side}${side === 'plain' ? '' : ` every ${every}`}`,
    median_us: +median(times[side]).toFixed(2), runs: times[side].map((t) => +t.toFixed(2)),
  }));
}
// the ratio of each round's pair (run back to back, so they share the machine's load), then its median
const paired = (side: Side): number => median(times.plain.map((p, r) => times[side][r]! / p));
// the cost measured inside the training loop: each diagnostics call against the `every` steps just before it (the
// same moment's load), over one long run; the first call (compilation, scratch allocation) is reported apart
delete (model as unknown as { diagnostics?: unknown }).diagnostics;
const own = model.diagnostics.bind(model);
const inLoop: number[] = [];
let first = NaN;
let lastEnd = performance.now();
(model as unknown as { diagnostics: typeof own }).diagnostics = (o) => {
  const t0 = performance.now();
  const d = own(o);
  const t1 = performance.now();
  if (Number.isNaN(first)) first = t1 - t0;
  else inLoop.push((t1 - t0) / ((t0 - lastEnd) / every));
  lastEnd = t1;
  return d;
};
await train(model.train(), {
  data: { train: data }, steps: every * (rounds * 10 + 1), batchSize: 32, lr: 0.01, seed: 3, evalEvery: every * (rounds * 10 + 1),
  yieldEveryMs: 1e9, diagnosticsEvery: every, onDiagnostics: () => void diagnosed++,
});
const pct = (x: number): number => +(100 * (x - 1)).toFixed(2);
console.log(JSON.stringify({
  bench: 'train-diagnostics', config, every,
  overhead_percent: pct(paired('diagnostics')), control_overhead_percent: pct(paired('hooks')),
  one_diagnostics_in_steps: +median(inLoop).toFixed(2), implied_overhead_percent: +((100 * median(inLoop)) / every).toFixed(2),
  first_call_ms: +first.toFixed(2), calls_in_loop: inLoop.length,
  diagnostics_computed: diagnosed,
}));
