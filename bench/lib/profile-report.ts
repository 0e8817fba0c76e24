/**
 * The profile mode's output: one JSON line per profiled step, and the Markdown profile table.
 *
 *   {"bench":"mlp-step","impl":"wasm","config":"…","profile":{"step_us":…,"flops":…,"gflops":…,"kernel_us":…,
 *    "outside_kernels_us":…,"outside_kernels_share":…,"families":{"matmul":{"share":…,"us":…,"gflops":…,"calls":…,
 *    "flops":…},…},"kernels":{…},"steps":…,"profiled_step_us":…,"timer_ns":…}}
 *
 * A profile line has no `median_us`: it is not a timing result (its `step_us` is the median of the result line of
 * the same bench, impl and config).
 */
import type { FamilyProfile, StepProfile } from './profile.ts';
import { formatTime } from './report.ts';

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const r4 = (x: number): number => Math.round(x * 10000) / 10000;

function part(p: FamilyProfile): Record<string, number> {
  return { share: r4(p.share), us: r3(p.us), gflops: r3(p.gflops), calls: r3(p.calls), flops: Math.round(p.flops) };
}

/** The JSON line of one profile. */
export function profileLine(p: StepProfile): string {
  const map = (m: Record<string, FamilyProfile>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, part(v)]));
  return JSON.stringify({
    bench: p.bench, impl: p.impl, config: p.config,
    profile: {
      step_us: r3(p.step_us), flops: Math.round(p.flops), gflops: r3(p.gflops), kernel_us: r3(p.kernel_us),
      outside_kernels_us: r3(p.outside_kernels_us), outside_kernels_share: r4(p.outside_kernels_share),
      families: map(p.families), kernels: map(p.kernels),
      steps: p.steps, profiled_step_us: r3(p.profiled_step_us), timer_ns: r3(p.timer_ns),
    },
  });
}

/** The families in the order of the table's columns: by their total share over all the profiles. */
function familyOrder(profiles: readonly StepProfile[]): string[] {
  const total = new Map<string, number>();
  for (const p of profiles) for (const [f, v] of Object.entries(p.families)) total.set(f, (total.get(f) ?? 0) + v.share);
  return [...total].sort((a, b) => b[1] - a[1]).map(([f]) => f);
}

const pct = (x: number): string => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;

function flopsText(f: number): string {
  return f >= 1e9 ? `${(f / 1e9).toFixed(2)} G` : f >= 1e6 ? `${(f / 1e6).toFixed(2)} M` : `${(f / 1e3).toFixed(1)} k`;
}

/**
 * The profile table: one row per step and backend — the plain median step, its FLOPs, the achieved GFLOP/s, then
 * per family its share of the profiled step (and its own GFLOP/s inside its kernels), and the share outside them.
 */
export function profileTable(profiles: readonly StepProfile[]): string {
  if (profiles.length === 0) return '';
  const families = familyOrder(profiles);
  const head = ['bench', 'config', 'impl', 'step', 'FLOP/step', 'GF/s', ...families, 'outside kernels'];
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const rows = profiles.map((p) => [
    p.bench, p.config, p.impl, formatTime(p.step_us), flopsText(p.flops), p.gflops.toFixed(2),
    ...families.map((f) => {
      const v = p.families[f];
      if (!v) return '—';
      return v.flops > 0 ? `${pct(v.share)} (${v.gflops.toFixed(1)} GF/s)` : pct(v.share);
    }),
    pct(p.outside_kernels_share),
  ]);
  return [
    line(head), line(head.map((_, k) => (k < 3 ? '---' : '---:'))), ...rows.map(line), '',
    'Step: the plain median. Family columns: the share of the profiled steps\' time spent in the family\'s kernels (in ' +
      'brackets: its GFLOP/s inside them); outside kernels: the rest (JS bookkeeping). FLOPs as `KERNEL_TABLE` counts ' +
      'them (one per operation; matmul 2·M·K·N); GF/s = FLOP/step ÷ step.',
  ].join('\n');
}
