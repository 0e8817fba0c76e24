import type { Result } from './timing.ts';

/**
 * One result as the JSON line of the benchmark contract:
 * `{"bench","impl","shape"|"config","median_us","gflops"?,"runs"}` (plus `note` when the case has one), and
 * `vs_wasm` when given (see {@link ratioToReference}).
 */
export function jsonLine(r: Result, vsWasm?: number): string {
  const o: Record<string, unknown> = { bench: r.bench, impl: r.impl };
  if (r.shape !== undefined) o.shape = r.shape;
  if (r.config !== undefined) o.config = r.config;
  o.median_us = round(r.median_us, 2);
  if (r.gflops !== undefined) o.gflops = round(r.gflops, 3);
  o.runs = r.runs;
  if (vsWasm !== undefined) o.vs_wasm = round(vsWasm, 2);
  if (r.note !== undefined) o.note = r.note;
  return JSON.stringify(o);
}

/** The implementation every ratio is taken against: ours. */
export const REFERENCE_IMPL = 'wasm';

/**
 * How many times longer `r` took than ours (wasm) in its comparison group: its median ÷ wasm's median (so js's
 * ratio is wasm's speed-up over the JS backend). Undefined for wasm itself and when the group has no wasm result.
 */
export function ratioToReference(r: Result, group: readonly Result[]): number | undefined {
  if (r.impl === REFERENCE_IMPL) return undefined;
  const ref = group.find((g) => g.impl === REFERENCE_IMPL);
  return ref ? r.median_us / ref.median_us : undefined;
}

/** Column order of the implementations in the table (others follow in order of appearance). */
const IMPL_ORDER = ['wasm', 'js', 'tfjs-wasm', 'tfjs-cpu', 'simd-roof'];

/**
 * A Markdown table with one row per comparison group (bench + shape/config): the median of each implementation,
 * GFLOP/s where declared, and how many times slower each other implementation is than ours (wasm). Notes become
 * numbered footnotes.
 */
export function table(results: readonly Result[]): string {
  const impls = [...new Set(results.map((r) => r.impl))].sort(
    (a, b) => rank(a) - rank(b),
  );
  const groups = new Map<string, Result[]>();
  for (const r of results) {
    const key = `${r.bench}\u0000${r.shape ?? r.config ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  const others = impls.filter((i) => i !== REFERENCE_IMPL);
  const hasRef = impls.includes(REFERENCE_IMPL);
  const head = ['bench', 'shape / config', ...impls.map((i) => `${i}`), ...(hasRef ? others.map((i) => `${i} ÷ wasm`) : [])];
  const notes: string[] = [];
  const rows: string[][] = [];
  for (const g of groups.values()) {
    const first = g[0]!;
    const byImpl = new Map(g.map((r) => [r.impl, r]));
    const row = [first.bench, first.shape ?? first.config ?? ''];
    for (const i of impls) {
      const r = byImpl.get(i);
      if (!r) {
        row.push('—');
        continue;
      }
      let cell = formatTime(r.median_us);
      if (r.gflops !== undefined) cell += ` (${r.gflops.toFixed(1)} GF/s)`;
      if (r.note) {
        let n = notes.indexOf(r.note);
        if (n < 0) n = notes.push(r.note) - 1;
        cell += ` [${n + 1}]`;
      }
      row.push(cell);
    }
    if (hasRef) {
      for (const i of others) {
        const r = byImpl.get(i);
        const ratio = r && ratioToReference(r, g);
        row.push(ratio !== undefined ? `${ratio.toFixed(2)}×` : '—');
      }
    }
    rows.push(row);
  }
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const out = [line(head), line(head.map((_, k) => (k < 2 ? '---' : '---:'))), ...rows.map(line)];
  notes.forEach((n, k) => out.push('', `[${k + 1}] ${n}`));
  return out.join('\n');
}

/** µs below 1 ms, ms above. */
export function formatTime(us: number): string {
  if (us < 10) return `${us.toFixed(2)} µs`;
  if (us < 1000) return `${us.toFixed(1)} µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(2)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

function rank(impl: string): number {
  const k = IMPL_ORDER.indexOf(impl);
  return k < 0 ? IMPL_ORDER.length : k;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
