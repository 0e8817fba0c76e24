/**
 * The loop both benchmark entries share (`bench/index.ts`, `bench/kernels.ts`): build each comparison group,
 * measure it interleaved, hand its results on — and, in the profile mode, profile the cases that can be (our model
 * steps) right after their group was timed, against the plain medians just measured.
 */
import { stepProfile, type StepProfile } from './profile.ts';
import { formatTime } from './report.ts';
import { measureGroup, type Case, type Result, type TimingOptions } from './timing.ts';

/** One comparison group: every implementation of one kernel or step at one shape or configuration. */
export interface GroupSpec {
  bench: string;
  /** The shape (kernels) or configuration (end to end) label. */
  label: string;
  /** Build the cases (allocating their inputs); they free themselves through `Case.dispose`. */
  make(): Promise<Case[]>;
}

/** Where the results go: the tests collect them, the command lines print them. */
export interface BenchOutput {
  /** One result; `group` holds every result of its comparison group (for ratios). */
  result(r: Result, group: readonly Result[]): void;
  /** One step's profile (profile mode only). */
  profile?(p: StepProfile): void;
  progress(text: string): void;
}

/** How long to profile one step: steps for `warmupMs` (uncounted), then until `ms` have passed and `minSteps` ran. */
export interface ProfileTiming {
  warmupMs: number;
  ms: number;
  minSteps: number;
}

/** Full runs: half a second of profiled steps after 150 ms of warm-up. */
export const FULL_PROFILE: ProfileTiming = { warmupMs: 150, ms: 500, minSteps: 5 };
/** `--quick`: every code path, one step without warm-up (the JS Transformer's step takes a second): rough shares. */
export const QUICK_PROFILE: ProfileTiming = { warmupMs: 0, ms: 5, minSteps: 1 };

/** What else `runGroups` does besides timing. */
export interface RunOptions {
  /** Only these implementations (the others' cases are disposed unmeasured). */
  impls?: ReadonlySet<string>;
  /** Profile the cases that offer it, this long. */
  profile?: ProfileTiming;
}

/**
 * Measures the groups whose `bench label` contains `filter` (all without one), in order, one group at a time so
 * each is built just before it is timed and freed right after; returns every result in group order.
 */
export async function runGroups(
  groups: readonly GroupSpec[], timing: TimingOptions, filter: string | undefined, out: BenchOutput, options: RunOptions = {},
): Promise<Result[]> {
  const results: Result[] = [];
  for (const g of groups) {
    if (filter && !`${g.bench} ${g.label}`.includes(filter)) continue;
    const cases = await selected(await g.make(), options.impls);
    if (cases.length === 0) continue;
    const measured = await measureGroup(cases, timing);
    for (const r of measured) out.result(r, measured);
    out.progress(`${g.bench} ${g.label}: ${measured.map((r) => `${r.impl} ${formatTime(r.median_us)}`).join(', ')}`);
    results.push(...measured);
    if (!options.profile) continue;
    for (const [i, c] of cases.entries()) {
      if (!c.profile) continue;
      const p = await profileCase(c, measured[i]!, options.profile);
      out.profile?.(p);
      out.progress(`  profile ${c.impl}: ${(p.flops / 1e6).toFixed(3)} MFLOP/step, ${p.gflops.toFixed(2)} GF/s, ` +
        `outside kernels ${(100 * p.outside_kernels_share).toFixed(0)}%`);
    }
  }
  return results;
}

/** The cases of the selected implementations; the others are disposed. */
async function selected(cases: Case[], impls: ReadonlySet<string> | undefined): Promise<Case[]> {
  if (!impls) return cases;
  for (const c of cases) if (!impls.has(c.impl)) c.dispose?.();
  return cases.filter((c) => impls.has(c.impl));
}

/** Runs the case's profiled step (warm-up, then the counted steps) and reads the profile against `plain`. */
async function profileCase(c: Case, plain: Result, t: ProfileTiming): Promise<StepProfile> {
  const step = await c.profile!();
  let steps = 0;
  let wallMs: number;
  try {
    const w0 = performance.now();
    while (performance.now() - w0 < t.warmupMs) step.run();
    step.profiler.reset();
    const t0 = performance.now();
    while (steps < t.minSteps || performance.now() - t0 < t.ms) {
      step.run();
      steps++;
    }
    wallMs = performance.now() - t0;
  } finally {
    step.dispose();
  }
  const id = { bench: c.bench, impl: c.impl, config: c.config ?? c.shape ?? '' };
  return stepProfile(id, step.profiler, steps, plain.median_us, wallMs);
}
