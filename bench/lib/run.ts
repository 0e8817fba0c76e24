/**
 * The loop both benchmark entries share (`bench/index.ts`, `bench/kernels.ts`): build each comparison group,
 * measure it interleaved, hand its results on.
 */
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
  progress(text: string): void;
}

/**
 * Measures the groups whose `bench label` contains `filter` (all without one), in order, one group at a time so
 * each is built just before it is timed and freed right after; returns every result in group order.
 */
export async function runGroups(
  groups: readonly GroupSpec[], timing: TimingOptions, filter: string | undefined, out: BenchOutput,
): Promise<Result[]> {
  const results: Result[] = [];
  for (const g of groups) {
    if (filter && !`${g.bench} ${g.label}`.includes(filter)) continue;
    const measured = await measureGroup(await g.make(), timing);
    for (const r of measured) out.result(r, measured);
    out.progress(`${g.bench} ${g.label}: ${measured.map((r) => `${r.impl} ${formatTime(r.median_us)}`).join(', ')}`);
    results.push(...measured);
  }
  return results;
}
