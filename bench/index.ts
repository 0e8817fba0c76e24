/**
 * `npm run bench`: kernels and whole training steps, ours (wasm, JS backend) against TensorFlow.js (wasm, cpu),
 * every comparison measured interleaved in this one process.
 *
 *   npm run bench                     full run (a few minutes)
 *   npm run bench -- --quick          every code path with small work and short samples: seconds, rough figures
 *   npm run bench -- --table          the Markdown table (and the targets) on stdout instead of the JSON lines
 *   npm run bench -- --filter=mlp     only the groups whose bench or shape/config contains the text
 *   npm run bench -- --only=e2e       only the end-to-end groups (or --only=kernels)
 *
 * stdout: one JSON line per implementation and group,
 *   {"bench":"matmul","impl":"wasm","shape":"32x30x200","median_us":…,"gflops":…,"runs":…}
 *   {"bench":"mlp-step","impl":"tfjs-wasm","config":"block3 embed10 hidden[200] BN batch32","median_us":…,"runs":…,"note":…}
 * stderr: progress, then the table with the ratios and the targets.
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { createBackend } from '../src/backend/index.ts';
import { e2eGroups, MLP_CONFIGS, mlpLabel } from './e2e.ts';
import { loadCorpus } from './lib/data.ts';
import { kernelGroups, type OurBackends } from './lib/kernel-cases.ts';
import { jsonLine, table } from './lib/report.ts';
import { runGroups, type BenchOutput, type GroupSpec } from './lib/run.ts';
import { checkTargets, formatTargets } from './lib/targets.ts';
import { FULL_TIMING, QUICK_TIMING, type Result } from './lib/timing.ts';
import { initTf } from './tfjs/setup.ts';

/** Parsed command line. */
export interface BenchArgs {
  quick: boolean;
  table: boolean;
  filter?: string;
  only?: 'kernels' | 'e2e';
}

/** Parses the flags above; unknown flags throw, naming the flag. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, table: false };
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a === '--table') args.table = true;
    else if (a.startsWith('--filter=')) args.filter = a.slice('--filter='.length);
    else if (a === '--only=kernels' || a === '--only=e2e') args.only = a.slice('--only='.length) as 'kernels' | 'e2e';
    else throw new Error(`bench: unknown argument '${a}' (use --quick, --table, --filter=TEXT, --only=kernels|e2e)`);
  }
  return args;
}

/** Runs the selected groups and returns every result (in group order). */
export async function runBench(args: BenchArgs, out: BenchOutput): Promise<Result[]> {
  const t0 = performance.now();
  await initTf();
  const backends: OurBackends = new Map([
    ['wasm', await createBackend('wasm')],
    ['js', await createBackend('js')],
  ] as const);
  const corpus = loadCorpus();
  out.progress(
    `bench: ${args.quick ? 'quick' : 'full'} run on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), ` +
      `Node ${process.version}, data: ${corpus.source} (${corpus.words.length} words)`,
  );
  const groups: GroupSpec[] = [];
  if (args.only !== 'e2e') groups.push(...kernelGroups(backends, args.quick));
  if (args.only !== 'kernels') groups.push(...e2eGroups(corpus, backends, args.quick));
  const results = await runGroups(groups, args.quick ? QUICK_TIMING : FULL_TIMING, args.filter, out);
  out.progress(`bench: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return results;
}

/** The table plus the target checks, as Markdown. */
export function summary(results: readonly Result[]): string {
  const checks = checkTargets(results, mlpLabel(MLP_CONFIGS[0]!));
  return `${table(results)}\n\nTargets (ours = wasm):\n${formatTargets(checks)}\n`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const results = await runBench(args, {
    result: (r) => {
      if (!args.table) process.stdout.write(jsonLine(r) + '\n');
    },
    progress: (text) => process.stderr.write(text + '\n'),
  });
  if (args.table) process.stdout.write(summary(results));
  else process.stderr.write('\n' + summary(results));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
