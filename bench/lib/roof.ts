/**
 * The FLOP floor of a model step on this machine, measured in the same run as the step: a `simd-roof` case that does
 * the step's FLOPs (as `KERNEL_TABLE` counts them) as f32x4 mul + add pairs on registers only
 * (`assembly/bench/simd-roof.ts`, compiled here on first use, not part of the kernels). Timed interleaved with the
 * step, its median is what the step would take if every FLOP ran at the SIMD128 roof with no memory traffic, no
 * other instruction and no call: no kernel of ours can beat it, so `wasm ÷ roof` is how far the step is from its floor.
 */
import { readFileSync } from 'node:fs';
import type { Case } from './timing.ts';

/** FLOPs of one iteration of the roof loop: 12 chains × (mul + add) × 4 lanes. */
const FLOPS_PER_ITERATION = 96;

/** `iterations` rounds of the roof loop; returns lane 0 of the chains' sum (so that no chain is dead code). */
export type RoofFn = (iterations: number) => number;
let roofFn: Promise<RoofFn> | undefined;

/** The roof loop, compiled on first call (about a second) and instantiated once; m = 0.5, a = 1, c0 = 0.25 in lane 0. */
export function loadRoof(): Promise<RoofFn> {
  roofFn ??= compileRoof();
  return roofFn;
}

async function compileRoof(): Promise<RoofFn> {
  const { default: asc } = await import('assemblyscript/asc');
  const source = readFileSync(new URL('../../assembly/bench/simd-roof.ts', import.meta.url), 'utf8');
  // the kernels' own settings (asconfig.json): -O3, SIMD on, no relaxed SIMD
  const out = await asc.compileString({ 'simd-roof.ts': source }, {
    optimizeLevel: 3, shrinkLevel: 1, runtime: 'stub', noAssert: true, initialMemory: 1, enable: ['simd'], disable: ['relaxed-simd'],
  });
  if (out.error || !out.binary) throw new Error(`bench: assembly/bench/simd-roof.ts did not compile: ${out.stderr.toString()}`);
  const module = await WebAssembly.compile(new Uint8Array(out.binary)); // a copy over a plain ArrayBuffer
  const instance = await WebAssembly.instantiate(module, { env: { abort: () => { throw new Error('simd-roof: abort'); } } });
  const { roof, memory } = instance.exports as { roof: (p: number, n: number) => number; memory: WebAssembly.Memory };
  const p = 1024; // past the module's (empty) static data
  // c ← 0.5·c + 1 converges to 2: no overflow, no subnormals, whatever the count
  new Float32Array(memory.buffer, p, 12).set([0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1, 0.25, 0.5, 0.75, 1]);
  return (iterations) => roof(p, iterations);
}

/** The step's FLOPs per call, counted by running it once on its profiling backend (no timing). */
async function stepFlops(step: Case): Promise<number> {
  const profiled = await step.profile!();
  try {
    profiled.profiler.reset();
    profiled.run();
    return [...profiled.profiler.tallies().values()].reduce((a, t) => a + t.flops, 0);
  } finally {
    profiled.dispose();
  }
}

/**
 * The `simd-roof` case of a group: as many roof iterations as `step` (a case that can be profiled) has FLOPs, under
 * the same bench and config, so the table's `simd-roof ÷ wasm` column is the share of the floor in our step.
 */
export async function roofCase(step: Case): Promise<Case> {
  const roof = await loadRoof();
  const flops = await stepFlops(step);
  const iterations = Math.max(1, Math.round(flops / FLOPS_PER_ITERATION));
  let out = 0;
  return {
    bench: step.bench, impl: 'simd-roof', ...(step.config !== undefined ? { config: step.config } : {}),
    flops: iterations * FLOPS_PER_ITERATION,
    note: 'simd-roof: the step\'s FLOPs as f32x4 mul + add pairs on 12 register chains (no loads, stores or calls): its floor on this machine',
    run() {
      out = roof(iterations);
    },
    verify() {
      if (!Number.isFinite(out)) throw new Error(`simd-roof: the chains became ${out}`);
    },
  };
}

/** Appends the roof case of the group's wasm step (when the group has one that can be profiled). */
export async function withRoof(cases: Case[]): Promise<Case[]> {
  const wasm = cases.find((c) => c.impl === 'wasm' && c.profile);
  return wasm ? [...cases, await roofCase(wasm)] : cases;
}
