/**
 * Before/after for every end-to-end row of `npm run bench`: this checkout against another one (`--base DIR`, e.g. a
 * git worktree of the commit before a change, built), interleaved run by run so that a noisy shared machine slows
 * both alike.
 *
 *   git worktree add ../base <commit> && (cd ../base && ln -s ../main/node_modules && npm run asbuild)
 *   npx tsx scripts/ab-bench.ts --base ../base [--rounds 15] [--filter=mlp] [--impl=wasm,js] [--quick] [--table]
 *
 * One child process per side stays up for the whole run: it imports that side's own `bench/e2e.ts` (its model steps
 * and configurations, so a row means what it meant at that commit) and its `src/`, builds the cases of the chosen
 * implementations (default: wasm; TF.js cases are built, as the groups build them, then dropped), warms each up and
 * calibrates its inner loop (~20 ms a sample). Then, round after round, every row is timed on one side and right
 * after on the other (3 samples each, median), the side going first alternating by round and by row: the two
 * figures of a pair are a fraction of a second apart, so the load of a shared machine moves both alike. Rows are
 * matched by bench, config and impl; a row only one side has is reported with the other side empty.
 *
 * stdout: one JSON line per row,
 *   {"bench":"mlp-step","impl":"wasm","config":"…","base_us":…,"current_us":…,"ratio":…,"rounds":5,"round_ratios":[…]}
 * with base_us and current_us the medians over the rounds, and ratio (current ÷ base, below 1 = faster now) the
 * median of the per-round ratios: each pair ran back to back, so that ratio sees the least drift. `--table` prints the Markdown table instead; progress goes to stderr.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatTime } from '../bench/lib/report.ts';
import { median, type Case } from '../bench/lib/timing.ts';

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
  const o: Options = { base: '', rounds: 15, impls: ['wasm'], quick: false, table: false };
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

/** How a serving child samples a row: calls per sample (calibrated to `sampleMs`), samples per request. */
const SERVE = { full: { warmupMs: 150, sampleMs: 20, samples: 3 }, quick: { warmupMs: 2, sampleMs: 1, samples: 1 } };

/** Time `calls` calls of `run`, ms per call. */
function sample(run: () => unknown, calls: number): number {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) run();
  return (performance.now() - t0) / calls;
}

/**
 * The child: builds the selected e2e cases of the checkout at `root` (with that checkout's own `bench/e2e.ts`),
 * warms each up, prints the rows as one JSON line, then answers each row index read from stdin with the median µs of
 * a few samples of that row, until stdin closes.
 */
async function serve(root: string, filter: string | undefined, impls: Set<string>, quick: boolean): Promise<void> {
  const load = (path: string) => import(pathToFileURL(resolve(root, path)).href);
  const { createBackend } = await load('src/backend/index.ts');
  const { e2eGroups } = await load('bench/e2e.ts');
  const { loadCorpus } = await load('bench/lib/data.ts');
  const { initTf } = await load('bench/tfjs/setup.ts');
  await initTf(); // the groups build their TF.js cases too
  const backends = new Map([['wasm', await createBackend('wasm')], ['js', await createBackend('js')]]);
  const groups = e2eGroups(loadCorpus(), backends, quick) as { bench: string; label: string; make(): Promise<Case[]> }[];
  const t = quick ? SERVE.quick : SERVE.full;
  const cases: { c: Case; calls: number }[] = [];
  for (const g of groups) {
    if (filter && !`${g.bench} ${g.label}`.includes(filter)) continue;
    for (const c of await g.make()) {
      if (!impls.has(c.impl)) {
        c.dispose?.();
        continue;
      }
      let n = 1, perCall = 0;
      for (let spent = 0; spent < t.warmupMs; n *= 2) spent += (perCall = sample(c.run, n)) * n;
      cases.push({ c, calls: Math.max(1, Math.round(t.sampleMs / Math.max(perCall, 1e-6))) });
    }
  }
  process.stdout.write(JSON.stringify({ rows: cases.map(({ c }) => ({ bench: c.bench, impl: c.impl, config: c.config ?? c.shape ?? '' })) }) + '\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const { c, calls } = cases[Number(line)]!;
    const ms = median(Array.from({ length: t.samples }, () => sample(c.run, calls)));
    process.stdout.write(JSON.stringify({ median_us: ms * 1000 }) + '\n');
  }
  for (const { c } of cases) c.verify?.();
}

/** A serving child of one side: its rows, and a function that times one of them. */
interface Side {
  rows: Omit<Row, 'median_us'>[];
  time(i: number): Promise<number>;
  close(): void;
}

/** Starts one side's child and waits for its rows. */
async function startSide(root: string, o: Options): Promise<Side> {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', root, `--impl=${o.impls.join(',')}`];
  if (o.filter) args.push(`--filter=${o.filter}`);
  if (o.quick) args.push('--quick');
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'], cwd: fileURLToPath(new URL('..', import.meta.url)) });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const r = await lines.next();
    if (r.done) throw new Error(`ab-bench: the child for ${root} ended early`);
    return JSON.parse(r.value) as Record<string, unknown>;
  };
  const { rows } = (await next()) as { rows: Side['rows'] };
  return {
    rows,
    async time(i) {
      child.stdin.write(`${i}\n`);
      return (await next()).median_us as number;
    },
    close: () => child.stdin.end(),
  };
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
  if (argv[0] === '--serve') {
    const rest = argv.slice(2);
    const impls = new Set((rest.find((a) => a.startsWith('--impl='))?.slice(7) ?? 'wasm').split(','));
    await serve(argv[1]!, rest.find((a) => a.startsWith('--filter='))?.slice(9), impls, rest.includes('--quick'));
    return;
  }
  const o = parseAbArgs(argv);
  const roots = { base: resolve(o.base), current: fileURLToPath(new URL('..', import.meta.url)) };
  const sides = { base: await startSide(roots.base, o), current: await startSide(roots.current, o) };
  const key = (r: Omit<Row, 'median_us'>) => `${r.bench}\u0000${r.config}\u0000${r.impl}`;
  const all = [...new Map([...sides.current.rows, ...sides.base.rows].map((r) => [key(r), r])).values()];
  const rounds: { base: Row[]; current: Row[] }[] = [];
  try {
    for (let r = 0; r < o.rounds; r++) {
      const got = { base: [] as Row[], current: [] as Row[] };
      for (const [j, row] of all.entries()) {
        // the side that goes first alternates by round and by row
        const order = (r + j) % 2 === 0 ? (['base', 'current'] as const) : (['current', 'base'] as const);
        for (const side of order) {
          const i = sides[side].rows.findIndex((x) => key(x) === key(row));
          if (i >= 0) got[side].push({ ...row, median_us: await sides[side].time(i) });
        }
      }
      rounds.push(got);
      process.stderr.write(`ab-bench: round ${r + 1}/${o.rounds} done\n`);
    }
  } finally {
    sides.base.close();
    sides.current.close();
  }
  const rows = compare(rounds);
  if (o.table) process.stdout.write(markdown(rows, o.base) + '\n');
  else for (const r of rows) process.stdout.write(JSON.stringify(r) + '\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
