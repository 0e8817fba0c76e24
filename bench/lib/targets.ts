import type { Result } from './timing.ts';

/** One performance target of the project, checked against the results of one run. */
export interface TargetCheck {
  what: string;
  /** Measured speed-up of ours (wasm) over the other implementation; NaN when not measured. */
  ratio: number;
  goal: number;
  met: boolean;
}

/** The makemore-shaped matmul groups (everything below 128³): the part-3 net's forward and backward products. */
function isMakemoreShape(r: Result): boolean {
  if (!r.bench.startsWith('matmul') || !r.shape) return false;
  const [M, K, N] = r.shape.split('x').map(Number);
  return !(M === K && K === N);
}

function speedup(results: readonly Result[], pick: (r: Result) => boolean, other: string): number {
  const ours = results.find((r) => pick(r) && r.impl === 'wasm');
  const them = results.find((r) => pick(r) && r.impl === other);
  return ours && them ? them.median_us / ours.median_us : Number.NaN;
}

/**
 * The issues' targets: MLP step at the part-3 configuration ≥ 20× TF.js wasm and ≥ 20× our JS backend (≥ 30× since
 * issue 16; ≥ 20× for the part-5 WaveNet step, when it was run); matmul at 512³ ≥ 1.25× TF.js wasm; matmul at the
 * makemore shapes ≥ 1.5× TF.js wasm (each shape; the slowest is reported).
 */
export function checkTargets(results: readonly Result[], part3Label: string): TargetCheck[] {
  const out: TargetCheck[] = [];
  const add = (what: string, ratio: number, goal: number): void => {
    out.push({ what, ratio, goal, met: ratio >= goal });
  };
  const part3 = (r: Result): boolean => r.bench === 'mlp-step' && r.config === part3Label;
  add('MLP step, part-3 config, vs TF.js wasm', speedup(results, part3, 'tfjs-wasm'), 20);
  add('MLP step, part-3 config, vs our JS backend', speedup(results, part3, 'js'), 20);
  // issue 16 raises the bar against our JS backend (its ≥ 20× TF.js wasm is the line above)
  add('MLP step, part-3 config, vs our JS backend (issue 16)', speedup(results, part3, 'js'), 30);
  // one WaveNet configuration per run (the lecture's, or its small --quick version)
  const wavenet = (r: Result): boolean => r.bench === 'wavenet-step';
  if (results.some(wavenet)) {
    add('WaveNet step, part-5 config, vs TF.js wasm', speedup(results, wavenet, 'tfjs-wasm'), 20);
    add('WaveNet step, part-5 config, vs our JS backend', speedup(results, wavenet, 'js'), 20);
  }
  // transformer (issue 15): makemore.py's Transformer step, batch 32
  const step = (r: Result): boolean => r.bench === 'transformer-step';
  if (results.some(step)) {
    add('Transformer step vs TF.js wasm', speedup(results, step, 'tfjs-wasm'), 10);
    add('Transformer step vs our JS backend', speedup(results, step, 'js'), 20);
  }
  for (const form of ['matmul', 'matmulTN', 'matmulNT']) {
    const r = speedup(results, (x) => x.bench === form && x.shape === '512x512x512', 'tfjs-wasm');
    if (!Number.isNaN(r)) add(`${form} 512³ vs TF.js wasm`, r, 1.25);
  }
  const shapes = [...new Set(results.filter(isMakemoreShape).map((r) => `${r.bench} ${r.shape}`))];
  const ratios = shapes.map((s) => ({ s, r: speedup(results, (x) => `${x.bench} ${x.shape}` === s, 'tfjs-wasm') }));
  if (ratios.length) {
    const worst = ratios.reduce((a, b) => (b.r < a.r ? b : a));
    add(`matmul at makemore shapes vs TF.js wasm (slowest: ${worst.s})`, worst.r, 1.5);
  }
  // recurrent (issue 14): each cell's training step ≥ 10× TF.js wasm and ≥ 20× our JS backend
  for (const cell of ['rnn', 'gru', 'lstm']) {
    const step = (r: Result): boolean => r.bench === `${cell}-step`;
    const tfWasm = speedup(results, step, 'tfjs-wasm');
    if (!Number.isNaN(tfWasm)) add(`${cell.toUpperCase()} step vs TF.js wasm`, tfWasm, 10);
    const js = speedup(results, step, 'js');
    if (!Number.isNaN(js)) add(`${cell.toUpperCase()} step vs our JS backend`, js, 20);
  }
  return out;
}

/** Issue 16's absolute goal for the part-3 MLP step, on a quiet machine. */
export const PART3_GOAL_US = 50;

/**
 * The part-3 MLP step against issue 16's ≤ 50 µs and against its FLOP floor measured in the same run (the
 * `simd-roof` case, bench/lib/roof.ts), as one Markdown line; undefined when either was not measured.
 */
export function part3Floor(results: readonly Result[], part3Label: string): string | undefined {
  const find = (impl: string) => results.find((r) => r.bench === 'mlp-step' && r.config === part3Label && r.impl === impl);
  const step = find('wasm');
  const roof = find('simd-roof');
  if (!step || !roof || roof.gflops === undefined) return undefined;
  const met = step.median_us <= PART3_GOAL_US ? 'met' : 'NOT met';
  const flops = roof.gflops * roof.median_us * 1e3;
  const ratio = step.median_us / roof.median_us;
  return `- MLP step, part-3 config: ${step.median_us.toFixed(1)} µs (target ≤ ${PART3_GOAL_US} µs, issue 16) ${met}. ` +
    `Its ${(flops / 1e6).toFixed(2)} MFLOP at this run's SIMD128 roof (${roof.gflops.toFixed(1)} GF/s) take ` +
    `${roof.median_us.toFixed(1)} µs: the step is ${ratio.toFixed(2)}× its floor, and ≤ ${PART3_GOAL_US} µs needs the ` +
    `whole step at ${(flops / PART3_GOAL_US / 1e3).toFixed(1)} GF/s, or a roof of ` +
    `${((roof.gflops * step.median_us) / PART3_GOAL_US).toFixed(1)} GF/s at that ratio`;
}

/** The checks as Markdown lines. */
export function formatTargets(checks: readonly TargetCheck[]): string {
  return checks
    .map((c) => `- ${c.what}: ${Number.isNaN(c.ratio) ? 'not measured' : `${c.ratio.toFixed(2)}×`} (target ≥ ${c.goal}×) ${c.met ? 'met' : 'NOT met'}`)
    .join('\n');
}
