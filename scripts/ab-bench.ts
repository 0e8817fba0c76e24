/**
 * Before/after for every end-to-end row of `npm run bench`: this checkout against another one (`--base DIR`, e.g. a
 * git worktree of the commit before a change, built), interleaved run by run so that a noisy shared machine slows
 * both alike.
 *
 *   git worktree add ../base <commit> && (cd ../base && ln -s ../main/node_modules && npm run asbuild)
 *   npx tsx scripts/ab-bench.ts --base ../base [--rounds 5] [--filter=mlp] [--impl=wasm,js] [--quick] [--table]
 *
 * Each round runs one child process per side, the order alternating from round to round (base, current; current,
 * base; …). A child imports that side's own `bench/e2e.ts` (its model steps and configurations, so a row means what
 * it meant at that commit) and its `src/`, keeps the cases of the chosen implementations (default: wasm; TF.js
 * cases are built, as the groups build them, but not timed) and times them with this checkout's harness
 * (`bench/lib/timing.ts`: warm-up, interleaved samples, median). Rows are matched by bench, config and impl.
 *
 * stdout: one JSON line per row,
 *   {"bench":"mlp-step","impl":"wasm","config":"…","base_us":…,"current_us":…,"ratio":…,"rounds":5,"round_ratios":[…]}
 * with base_us and current_us the medians over the rounds of each side's per-round median, and ratio (current ÷ base,
 * below 1 = faster now) the median of the per-round ratios: each round's two sides ran back to back, so that ratio
 * sees the least drift. `--table` prints the Markdown table instead; progress goes to stderr.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { formatTime } from '../bench/lib/report.ts';
import { FULL_TIMING, median, QUICK_TIMING, measureGroup, type Case } from '../bench/lib/timing.ts';

interface Options {
  base: string;
  rounds: number;
  filter?: string;
  impls: string[];
  quick: boolean;
  table: boolean;
}

/** One row of one side in one round. */
export interface Row {
  bench: string;
  impl: string;
  config: string;
  median_us: number;
}

/** Parses the command line (see the header); unknown flags throw, naming the flag. */
export function parseAbArgs(argv: readonly string[]): Options {
  const o: Options = { base: '', rounds: 5, impls: ['wasm'], quick: false, table: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--base') o.base = argv[++i] ?? '';
    else if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a.startsWith('--filter=')) o.filter = a.slice('--filter='.length);
    else if (a.startsWith('--impl=')) o.impls = a.slice('--impl='.length).split(',');
    else if (a === '--quick') o.quick = true;
    else if (a === '--table') o.table = true;
    else throw new Error(`ab-bench: unknown argument '${a}' (use --base DIR, --rounds N, --filter=TEXT, --impl=LIST, --quick, --table)`);
  }
  if (!o.base) throw new Error('ab-bench: --base DIR (another checkout, built) is required');
  if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error(`ab-bench: --rounds must be an integer >= 1, got ${o.rounds}`);
  return o;
}

/** The child: times the selected e2e rows of the checkout at `root` once, printing one JSON line per row. */
async function child(root: string, filter: string | undefined, impls: Set<string>, quick: boolean): Promise<void> {
  const load = (path: string) => import(pathToFileURL(resolve(root, path)).href);
  const { createBackend } = await load('src/backend/index.ts');
  const { e2eGroups } = await load('bench/e2e.ts');
  const { loadCorpus } = await load('bench/lib/data.ts');
  const { initTf } = await load('bench/tfjs/setup.ts');
  await initTf(); // the groups build their TF.js cases too
  const backends = new Map([['wasm', await createBackend('wasm')], ['js', await createBackend('js')]]);
  const groups = e2eGroups(loadCorpus(), backends, quick) as { bench: string; label: string; make(): Promise<Case[]> }[];
  for (const g of groups) {
    if (filter && !`${g.bench} ${g.label}`.includes(filter)) continue;
    const cases = await g.make();
    for (const c of cases) if (!impls.has(c.impl)) c.dispose?.();
    const kept = cases.filter((c) => impls.has(c.impl));
    if (kept.length === 0) continue;
    for (const r of await measureGroup(kept, quick ? QUICK_TIMING : FULL_TIMING)) {
      process.stdout.write(JSON.stringify({ bench: r.bench, impl: r.impl, config: r.config ?? r.shape ?? '', median_us: r.median_us }) + '\n');
    }
  }
}

/** Runs one side's child and returns its rows. */
async function runSide(root: string, o: Options): Promise<Row[]> {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', root, `--impl=${o.impls.join(',')}`];
  if (o.filter) args.push(`--filter=${o.filter}`);
  if (o.quick) args.push('--quick');
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 24, cwd: fileURLToPath(new URL('..', import.meta.url)) });
  return stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
}

/** The before/after rows: per row, both sides' medians over the rounds and the median of the per-round ratios. */
export function compare(rounds: { base: Row[]; current: Row[] }[]): Record<string, unknown>[] {
  const key = (r: Row) => `${r.bench}\u0000${r.config}\u0000${r.impl}`;
  const keys = [...new Set(rounds.flatMap((r) => [...r.current, ...r.base].map(key)))];
  return keys.map((k) => {
    const [bench, config, impl] = k.split('\u0000');
    const base: number[] = [], current: number[] = [], ratios: number[] = [];
    for (const r of rounds) {
      const b = r.base.find((x) => key(x) === k), c = r.current.find((x) => key(x) === k);
      if (b) base.push(b.median_us);
      if (c) current.push(c.median_us);
      if (b && c) ratios.push(c.median_us / b.median_us);
    }
    const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      bench, impl, config,
      base_us: base.length ? round(median(base)) : null,
      current_us: current.length ? round(median(current)) : null,
      ratio: ratios.length ? round(median(ratios), 4) : null,
      rounds: ratios.length,
      round_ratios: ratios.map((x) => round(x, 3)),
    };
  });
}

function markdown(rows: Record<string, unknown>[], base: string): string {
  const t = (x: unknown) => (typeof x === 'number' ? formatTime(x) : '—');
  const lines = [
    `| bench | config | impl | base (${base}) | current | current ÷ base |`, '| --- | --- | --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.bench} | ${r.config} | ${r.impl} | ${t(r.base_us)} | ${t(r.current_us)} | ${typeof r.ratio === 'number' ? `${r.ratio.toFixed(3)}×` : '—'} |`),
  ];
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    const rest = argv.slice(2);
    const impls = new Set((rest.find((a) => a.startsWith('--impl='))?.slice(7) ?? 'wasm').split(','));
    await child(argv[1]!, rest.find((a) => a.startsWith('--filter='))?.slice(9), impls, rest.includes('--quick'));
    return;
  }
  const o = parseAbArgs(argv);
  const sides = { base: resolve(o.base), current: fileURLToPath(new URL('..', import.meta.url)) };
  const rounds: { base: Row[]; current: Row[] }[] = [];
  for (let r = 0; r < o.rounds; r++) {
    const order = r % 2 === 0 ? (['base', 'current'] as const) : (['current', 'base'] as const);
    const got = { base: [] as Row[], current: [] as Row[] };
    for (const side of order) {
      const t0 = performance.now();
      got[side] = await runSide(sides[side], o);
      process.stderr.write(`ab-bench: round ${r + 1}/${o.rounds} ${side}: ${got[side].length} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    rounds.push(got);
  }
  const rows = compare(rounds);
  if (o.table) process.stdout.write(markdown(rows, o.base) + '\n');
  else for (const r of rows) process.stdout.write(JSON.stringify(r) + '\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
