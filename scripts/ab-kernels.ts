/**
 * A/B timing of the matmul kernels between two builds of `kernels.wasm`, in one process, interleaved round by round
 * so that the noise of a shared machine slows both alike:
 *
 *   npx tsx scripts/ab-kernels.ts [--base ../wt-base16] [--current .] [--passes 3] [--rounds 7] [--sample-ms 2] [--filter TEXT] [--table]
 *
 * Each side's module is instantiated raw (its own memory; A, B and C placed past its static data) and fed the same
 * inputs (allocated once per shape, all shapes side by side). Shapes: every matmul call of makemore's training steps plus square ones (`bench/lib/matmul-shapes.ts`);
 * `--filter` keeps those whose `form MxKxN model` contains the text. Each pass over the shapes times `--rounds` rounds
 * per shape, a round being one sample of each side (the first side alternating), a sample about `--sample-ms` of
 * back-to-back calls. Times are medians over all samples; `speedup` is the median of the rounds' base ÷ current.
 *
 * stdout: one JSON line per shape,
 *   {"bench":"matmul-ab","form":"matmulNT","shape":"32x200x30","acc":false,"model":"mlp b32","base_us":…,
 *    "current_us":…,"base_gflops":…,"current_gflops":…,"speedup":…,"same_bits":true}
 * `speedup` > 1: current is faster; `same_bits`: both sides wrote identical C. Then
 * a summary line (geometric-mean speedup, worst and best shape); with `--table`, a Markdown table on stdout instead.
 */
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { resolve } from 'node:path';
import { fillNormal } from '../bench/lib/data.ts';
import { MATMUL_SHAPES, type MatmulShape } from '../bench/lib/matmul-shapes.ts';
import { median } from '../bench/lib/timing.ts';

type Mm = (c: number, a: number, b: number, M: number, K: number, N: number, acc: number) => void;
interface Side { name: 'base' | 'current'; memory: WebAssembly.Memory; heap: number; mm: Record<MatmulShape['form'], Mm> }

// Compile both modules with the optimising tier up front: with dynamic tiering, when each side's functions reach
// TurboFan depends on a background thread that a busy machine delays, and a side still on Liftoff times 2× slower.
if (!process.argv.includes('--tiering')) v8.setFlagsFromString('--no-liftoff');

const arg = (name: string, fallback?: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const rounds = Number(arg('rounds', '7'));
const passes = Number(arg('passes', '3'));
const sampleMs = Number(arg('sample-ms', '2'));
const filter = arg('filter');
const asTable = process.argv.includes('--table');

async function load(name: Side['name'], dir: string): Promise<Side> {
  const bytes = readFileSync(resolve(dir, 'build/kernels.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, {});
  const x = instance.exports as Record<string, unknown>;
  const heap = ((x.heapBase as () => number)() + 15) & ~15;
  return { name, memory: x.memory as WebAssembly.Memory, heap, mm: { matmul: x.matmul as Mm, matmulTN: x.matmulTN as Mm, matmulNT: x.matmulNT as Mm } };
}

/**
 * Places A, B and C (random, the same values on both sides) past the side's previous allocations; returns one call,
 * C's view, and `tame` which scales A down for timing accumulating calls (C would otherwise grow without bound).
 */
function setup(side: Side, s: MatmulShape): { run: () => void; c: () => Float32Array; tame: () => void } {
  const { M, K, N } = s;
  const pa = side.heap, pb = pa + ((M * K * 4 + 15) & ~15), pc = pb + ((K * N * 4 + 15) & ~15);
  const end = pc + M * N * 4;
  side.heap = (end + 15) & ~15;
  if (end > side.memory.buffer.byteLength) side.memory.grow(Math.ceil((end - side.memory.buffer.byteLength) / 65536));
  fillNormal(new Float32Array(side.memory.buffer, pa, M * K), 1);
  fillNormal(new Float32Array(side.memory.buffer, pb, K * N), 2);
  fillNormal(new Float32Array(side.memory.buffer, pc, M * N), 3);
  const f = side.mm[s.form], acc = s.acc ? 1 : 0;
  return {
    run: () => f(pc, pa, pb, M, K, N, acc),
    c: () => new Float32Array(side.memory.buffer, pc, M * N),
    tame: () => void (s.acc && fillNormal(new Float32Array(side.memory.buffer, pa, M * K), 1, 1e-6)),
  };
}

function timeCalls(run: () => void, calls: number): number {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) run();
  return ((performance.now() - t0) * 1000) / calls;
}

const sides = [await load('base', arg('base', '../wt-base16')!), await load('current', arg('current', '.')!)];
const shapes = MATMUL_SHAPES.filter((s) => !filter || `${s.form} ${s.M}x${s.K}x${s.N} ${s.model}`.includes(filter));
interface Entry { s: MatmulShape; runs: { run: () => void }[]; calls: number; same: boolean; t: number[][]; ratios: number[] }
const entries: Entry[] = shapes.map((s) => {
  const runs = sides.map((side) => setup(side, s));
  // one call each from the same C: identical bits means the same float operations in the same order
  for (const r of runs) r.run();
  const [cb, cc] = runs.map((r) => r.c());
  const same = cb!.every((v, i) => Object.is(v, cc![i]));
  for (const r of runs) r.tame();
  for (const r of runs) timeCalls(r.run, 20); // warm-up
  const calls = Math.max(1, Math.round((sampleMs * 1000) / timeCalls(runs[0]!.run, 50)));
  return { s, runs, calls, same, t: [[], []], ratios: [] };
});
// Passes over the whole list, so that a burst of load elsewhere hits a few samples of many shapes rather than all
// samples of one; within a pass, rounds alternate which side goes first. The speedup is the median over rounds of
// base ÷ current of the two adjacent samples, which cancels noise slower than a round.
for (let p = 0; p < passes; p++) {
  for (const e of entries) {
    for (let r = 0; r < rounds; r++) {
      const pair = [0, 0];
      for (const i of r % 2 ? [1, 0] : [0, 1]) e.t[i]!.push((pair[i] = timeCalls(e.runs[i]!.run, e.calls)));
      e.ratios.push(pair[0]! / pair[1]!);
    }
  }
  if (asTable) process.stderr.write('.');
}
const lines: Record<string, unknown>[] = entries.map(({ s, t, ratios, same }) => {
  const [b, c] = t.map(median) as [number, number];
  const flops = 2 * s.M * s.K * s.N;
  return {
    bench: 'matmul-ab', form: s.form, shape: `${s.M}x${s.K}x${s.N}`, acc: s.acc, model: s.model,
    base_us: +b.toFixed(3), current_us: +c.toFixed(3), base_gflops: +(flops / b / 1e3).toFixed(1),
    current_gflops: +(flops / c / 1e3).toFixed(1), speedup: +median(ratios).toFixed(3), same_bits: same,
  };
});
if (!asTable) for (const l of lines) console.log(JSON.stringify(l));
const sp = lines.map((l) => l.speedup as number);
const worst = lines.reduce((a, l) => ((l.speedup as number) < (a.speedup as number) ? l : a));
const best = lines.reduce((a, l) => ((l.speedup as number) > (a.speedup as number) ? l : a));
const summary = {
  bench: 'matmul-ab-summary', shapes: lines.length, geomean_speedup: +Math.exp(sp.reduce((a, x) => a + Math.log(x), 0) / sp.length).toFixed(3),
  worst: `${worst.form} ${worst.shape} ${worst.speedup}`, best: `${best.form} ${best.shape} ${best.speedup}`,
  all_same_bits: lines.every((l) => l.same_bits),
};
if (!asTable) {
  console.log(JSON.stringify(summary));
} else {
  process.stderr.write('\n');
  const rows = lines.map((l) => `| ${l.form} | ${l.shape}${l.acc ? ' acc' : ''} | ${l.model} | ${l.base_us} (${l.base_gflops}) | ${l.current_us} (${l.current_gflops}) | ${(l.speedup as number).toFixed(2)}× | ${l.same_bits ? 'yes' : 'no'} |`);
  console.log(['| form | M×K×N | model | base µs (GF/s) | current µs (GF/s) | speedup | same bits |', '|---|---|---|---|---|---|---|', ...rows].join('\n'));
  console.log(`\ngeomean speedup ${summary.geomean_speedup}× over ${summary.shapes} shapes; worst ${summary.worst}; best ${summary.best}`);
}
