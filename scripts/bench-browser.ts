/**
 * `npm run bench:browser`: MLP training steps per second in Chromium (the bundle, wasm inlined) against Node (the
 * library's sources under tsx, and the same bundle), for the same model and data on the wasm backend.
 *
 * The model is the lecture's: 3 characters of context, 10-dim embeddings, 200 hidden units with BatchNorm, minibatches
 * of 32, on the embedded names. Each round times `steps` steps of `train()` after a warm-up; rounds alternate between
 * the runtimes and the median is reported, so a busy machine hurts all of them alike.
 *
 * Options: --steps N (default 3000), --rounds N (default 5).
 */
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { build } from './build.ts';
import { serveStatic } from './static-server.ts';
import { launchChromium } from '../test/browser/chromium.ts';
import * as source from '../src/index.ts';
import { defaultNames } from '../src/data/default-names.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`bench:browser: --${name} must be a positive integer, got ${process.argv[i + 1]}`);
  return v;
};
const steps = arg('steps', 3000);
const rounds = arg('rounds', 5);

/** Creates the model once; `round()` trains `steps` more steps and returns steps per second. Same text in both runtimes. */
const TIMING = `
export async function prepare(lib, words, steps) {
  const vocab = lib.Vocabulary.fromWords(words);
  const model = await lib.MLP.create({ vocab, blockSize: 3, embedDim: 10, hidden: [200], batchNorm: true, seed: 1, backend: 'wasm' });
  const contexts = lib.buildContexts(words, vocab, 3);
  let seed = 1;
  const run = (n) => lib.train(model, { data: { train: contexts }, steps: n, batchSize: 32, lr: 0.1, seed: seed++, evalEvery: n, yieldEveryMs: 1000 });
  await run(300); // warm-up: tier-up of the wasm and of the JS around it
  return {
    async round() {
      const t0 = performance.now();
      await run(steps);
      return steps / ((performance.now() - t0) / 1000);
    },
  };
}
`;

const site = mkdtempSync(join(tmpdir(), 'makemore-bench-'));
const dist = join(site, 'dist');
await build({ outdir: dist, types: false, demo: false });
copyFileSync(join(dist, 'makemore.js'), join(site, 'makemore.js'));
writeFileSync(join(site, 'timing.js'), TIMING);
writeFileSync(join(site, 'index.html'), `<!doctype html><title>bench</title>
<script type="module">
  import * as lib from './makemore.js';
  import { prepare } from './timing.js';
  const words = await (await fetch('./words.json')).json();
  window.bench = await prepare(lib, words, ${steps});
  window.ready = true;
</script>`);
const words = defaultNames();
writeFileSync(join(site, 'words.json'), JSON.stringify(words));

const { prepare } = (await import(pathToFileURL(join(site, 'timing.js')).href)) as {
  prepare(lib: unknown, words: string[], steps: number): Promise<{ round(): Promise<number> }>;
};
const bundle = await import(pathToFileURL(join(site, 'makemore.js')).href);
const nodeSource = await prepare(source, words, steps);
const nodeBundle = await prepare(bundle, words, steps);

const server = await serveStatic({ mounts: { '/': site } });
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => (window as { ready?: boolean }).ready === true, undefined, { timeout: 120_000 });
  const chromium = { round: () => page.evaluate(() => (window as unknown as { bench: { round(): Promise<number> } }).bench.round()) };

  const runtimes = { 'Chromium (dist/makemore.js)': chromium, 'Node (src, tsx)': nodeSource, 'Node (dist/makemore.js)': nodeBundle };
  const results: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, rt] of Object.entries(runtimes)) (results[name] ??= []).push(await rt.round());
  }
  const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ua = await page.evaluate(() => navigator.userAgent);
  console.log(`MLP 3×10 → 200 (BatchNorm) → ${words.length} words, batch 32, ${steps} steps × ${rounds} rounds, steps/s`);
  console.log(`Node ${process.version}; ${ua.match(/HeadlessChrome\/[\d.]+/)?.[0] ?? ua}`);
  const base = median(results['Node (src, tsx)']!);
  for (const [name, xs] of Object.entries(results)) {
    const m = median(xs);
    const best = Math.max(...xs);
    console.log(
      `  ${name.padEnd(28)} median ${m.toFixed(0).padStart(6)} steps/s (${(m / base).toFixed(2)}× Node src), ` +
        `best ${best.toFixed(0).padStart(6)}; rounds ${xs.map((x) => x.toFixed(0)).join(' ')}`,
    );
  }
  const raw = readFileSync(join(dist, 'makemore.js'));
  console.log(`dist/makemore.js: ${(raw.length / 1024).toFixed(1)} KB raw, ${(gzipSync(raw, { level: 9 }).length / 1024).toFixed(1)} KB gzipped (wasm inlined)`);
} finally {
  await browser.close();
  await server.close();
  rmSync(site, { recursive: true, force: true });
}
