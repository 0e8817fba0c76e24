/**
 * `npm run bench:kernels`: every kernel of the contract alone, wasm vs JS backend, at the shapes makemore uses plus
 * square matmuls for the SIMD core's ceiling (the list: `contractKernelGroups` in `bench/lib/kernel-cases.ts`).
 * Same harness as `npm run bench` (`bench/lib`): interleaved sampling, medians, the same JSON lines and table.
 *
 *   npm run bench:kernels                       full run (a minute or two)
 *   npm run bench:kernels -- --quick            no 256³/512³, short samples: seconds, rough figures
 *   npm run bench:kernels -- --table            the Markdown table on stdout instead of the JSON lines
 *   npm run bench:kernels -- --filter=matmul    only the groups whose kernel or shape contains the text
 *   npm run bench:kernels -- --impl=wasm        one backend only (no ratios)
 *
 * stdout: one JSON line per kernel, shape and backend, as `npm run bench` prints them, plus `vs_wasm` on the JS line:
 *   {"bench":"matmul","impl":"wasm","shape":"32x30x200","median_us":…,"gflops":…,"runs":…}
 *   {"bench":"matmul","impl":"js","shape":"32x30x200","median_us":…,"gflops":…,"runs":…,"vs_wasm":…}
 * `bench` is the kernel's name; shapes are M×K×N for matmuls (C[M×N]), else M×N, B×T×D or n; `gflops` for every
 * kernel that computes (FLOPs as its row of `KERNEL_TABLE` counts them; memory moves have none); `vs_wasm` = the JS
 * median ÷ the wasm median of the same kernel and shape, i.e. how many times faster wasm is. stderr: progress, then
 * the table.
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { createBackend } from '../src/backend/index.ts';
import { contractKernelGroups } from './lib/kernel-cases.ts';
import { jsonLine, ratioToReference, table } from './lib/report.ts';
import { runGroups, type BenchOutput } from './lib/run.ts';
import { FULL_TIMING, QUICK_TIMING, type Result } from './lib/timing.ts';

/** Parsed command line. */
export interface KernelBenchArgs {
  quick: boolean;
  table: boolean;
  filter?: string;
  impl?: 'wasm' | 'js';
}

/** Parses the flags above; unknown flags throw, naming the flag. */
export function parseKernelArgs(argv: readonly string[]): KernelBenchArgs {
  const args: KernelBenchArgs = { quick: false, table: false };
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a === '--table') args.table = true;
    else if (a.startsWith('--filter=')) args.filter = a.slice('--filter='.length);
    else if (a === '--impl=wasm' || a === '--impl=js') args.impl = a.slice('--impl='.length) as 'wasm' | 'js';
    else throw new Error(`bench:kernels: unknown argument '${a}' (use --quick, --table, --filter=TEXT, --impl=wasm|js)`);
  }
  return args;
}

/** Runs the selected kernel groups and returns every result (in group order). */
export async function runKernelBench(args: KernelBenchArgs, out: BenchOutput): Promise<Result[]> {
  const t0 = performance.now();
  const impls = args.impl ? [args.impl] : (['wasm', 'js'] as const);
  const backends = new Map(await Promise.all(impls.map(async (impl) => [impl, await createBackend(impl)] as const)));
  out.progress(
    `bench:kernels: ${args.quick ? 'quick' : 'full'} run on ${os.cpus()[0]?.model ?? 'unknown CPU'} ` +
      `(${os.cpus().length} cores), Node ${process.version}`,
  );
  const timing = args.quick ? QUICK_TIMING : FULL_TIMING;
  const results = await runGroups(contractKernelGroups(backends, args.quick), timing, args.filter, out);
  out.progress(`bench:kernels: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return results;
}

async function main(): Promise<void> {
  const args = parseKernelArgs(process.argv.slice(2));
  const results = await runKernelBench(args, {
    result: (r, group) => {
      if (!args.table) process.stdout.write(jsonLine(r, ratioToReference(r, group)) + '\n');
    },
    progress: (text) => process.stderr.write(text + '\n'),
  });
  if (args.table) process.stdout.write(table(results) + '\n');
  else process.stderr.write('\n' + table(results) + '\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
