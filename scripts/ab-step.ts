/**
 * A/B timing of training steps between this checkout and another one (an older commit in a git worktree), in one
 * process, interleaved round by round so that a noisy shared machine slows both alike:
 *
 *   git worktree add ../base <commit> && (cd ../base && ln -s ../main/node_modules && npm run asbuild)
 *   npx tsx scripts/ab-step.ts --base ../base [--rounds 9] [--steps 2000] [--batch 32] [--hidden 200]
 *
 * Both sides build the same MLP (part-3 configuration by default) on the wasm backend and run `trainStep` on the same
 * pre-drawn minibatches, as `npm run bench`'s mlp-step does. Prints one JSON line per side (median µs per step over
 * the rounds, all rounds) and the ratio current / base.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Lib {
  MLP: { create(o: Record<string, unknown>): Promise<{ trainStep(X: Int32Array, Y: Int32Array, lr: number): number; setBatchSize(n: number): void }> };
  Vocabulary: { fromWords(w: string[]): unknown };
  buildContexts(w: string[], v: unknown, block: number): { X: Int32Array; Y: Int32Array; count: number };
  defaultNames(): string[];
  Rng: new (seed: number) => { int(n: number): number };
}

const arg = (name: string, fallback?: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const base = arg('base');
if (!base) throw new Error('ab-step: --base DIR (another checkout with built wasm) is required');
const rounds = Number(arg('rounds', '9'));
const steps = Number(arg('steps', '2000'));
const batch = Number(arg('batch', '32'));
const hidden = (arg('hidden', '200') ?? '200').split(',').map(Number);

async function side(root: string): Promise<() => number> {
  const lib = (await import(pathToFileURL(resolve(root, 'src/index.ts')).href)) as Lib;
  const words = lib.defaultNames();
  const vocab = lib.Vocabulary.fromWords(words);
  const c = lib.buildContexts(words, vocab, 3);
  const rng = new lib.Rng(1);
  const batches = Array.from({ length: 64 }, () => {
    const X = new Int32Array(batch * 3), Y = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      const r = rng.int(c.count);
      X.set(c.X.subarray(r * 3, r * 3 + 3), b * 3);
      Y[b] = c.Y[r]!;
    }
    return { X, Y };
  });
  const model = await lib.MLP.create({ vocab, blockSize: 3, embedDim: 10, hidden, batchNorm: true, momentum: 0.001, seed: 1, backend: 'wasm' });
  model.setBatchSize(batch);
  let i = 0;
  return () => {
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) {
      const b = batches[i++ % batches.length]!;
      model.trainStep(b.X, b.Y, 0.01);
    }
    return ((performance.now() - t0) * 1000) / steps;
  };
}

const sides = { base: await side(resolve(base)), current: await side(resolve('.')) };
const times: Record<string, number[]> = { base: [], current: [] };
for (const run of Object.values(sides)) run(); // warm-up: tier-up of both
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? (['base', 'current'] as const) : (['current', 'base'] as const);
  for (const name of order) times[name]!.push(sides[name]());
}
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!;
for (const name of ['base', 'current']) {
  console.log(JSON.stringify({ bench: 'mlp-step-ab', side: name, hidden, batch, median_us: +median(times[name]!).toFixed(2), rounds: times[name]!.map((t) => +t.toFixed(2)) }));
}
console.log(JSON.stringify({ bench: 'mlp-step-ab', ratio_current_over_base: +(median(times.current!) / median(times.base!)).toFixed(4) }));
