/**
 * `npm run bench`: kernels and whole training steps, ours (wasm, JS backend) against TensorFlow.js (wasm, cpu),
 * every comparison measured interleaved in this one process.
 *
 *   npm run bench                     full run (a few minutes)
 *   npm run bench -- --quick          every code path with small work and short samples: seconds, rough figures
 *   npm run bench -- --table          the Markdown table (and the targets) on stdout instead of the JSON lines
 *   npm run bench -- --filter=mlp     only the groups whose bench or shape/config contains the text
 *   npm run bench -- --only=e2e       only the end-to-end groups (or --only=kernels)
 *   npm run bench -- --impl=wasm,js   only these implementations (wasm, js, tfjs-wasm, tfjs-cpu, simd-roof; no ratios to a missing one)
 *   npm run bench -- --profile        only the profile: every model step on our two backends, timed, then profiled
 *
 * Every run (full or --quick) profiles each model step of ours after its group was timed: every kernel call of half a
 * second of steps (at least 5; --quick: one step) timed on its own (bench/lib/profile.ts), so the step's FLOPs (as
 * `KERNEL_TABLE` counts them), its GFLOP/s (over the plain median) and the share of the step per kernel family and
 * outside the kernels are known.
 * `--profile` skips the kernel groups and TF.js (a minute instead of several).
 *
 * Every matmul-bound model step (MLP, WaveNet, RNN/GRU/LSTM, Transformer) also gets a `simd-roof` case in its group
 * (bench/lib/roof.ts): the step's FLOPs as mul + add pairs on registers alone, timed interleaved with it — the
 * step's floor on this machine in this run, so `simd-roof ÷ wasm` is the share of the step no kernel could remove.
 *
 * stdout: one JSON line per implementation and group,
 *   {"bench":"matmul","impl":"wasm","shape":"32x30x200","median_us":…,"gflops":…,"runs":…}
 *   {"bench":"mlp-step","impl":"tfjs-wasm","config":"block3 embed10 hidden[200] BN batch32","median_us":…,"runs":…,"note":…}
 * and one per profiled step (no median_us; see bench/lib/profile-report.ts),
 *   {"bench":"mlp-step","impl":"wasm","config":…,"profile":{"step_us":…,"flops":…,"gflops":…,"families":{"matmul":
 *    {"share":…,"us":…,"gflops":…,"calls":…,"flops":…},…},"outside_kernels_share":…,…}}
 * stderr: progress, then the table with the ratios and the targets, then the profile table (--table: all on stdout).
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { createBackend } from '../src/backend/index.ts';
import { e2eGroups, MLP_CONFIGS, mlpLabel } from './e2e.ts';
import { loadCorpus } from './lib/data.ts';
import { kernelGroups, type OurBackends } from './lib/kernel-cases.ts';
import type { StepProfile } from './lib/profile.ts';
import { profileLine, profileTable } from './lib/profile-report.ts';
import { jsonLine, table } from './lib/report.ts';
import { FULL_PROFILE, QUICK_PROFILE, runGroups, type BenchOutput, type GroupSpec } from './lib/run.ts';
import { checkTargets, formatTargets, part3Floor } from './lib/targets.ts';
import { FULL_TIMING, QUICK_TIMING, type Result } from './lib/timing.ts';
import { initTf } from './tfjs/setup.ts';

/** Parsed command line. */
export interface BenchArgs {
  quick: boolean;
  table: boolean;
  filter?: string;
  only?: 'kernels' | 'e2e';
  /** Only these implementations. */
  impls?: string[];
  /** The profile only (our model steps). */
  profile: boolean;
}

const IMPLS = ['wasm', 'js', 'tfjs-wasm', 'tfjs-cpu', 'simd-roof'];

/** Parses the flags above; unknown flags throw, naming the flag. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, table: false, profile: false };
  const usage = '--quick, --table, --filter=TEXT, --only=kernels|e2e, --impl=LIST, --profile';
  for (const a of argv) {
    if (a === '--quick') args.quick = true;
    else if (a === '--table') args.table = true;
    else if (a === '--profile') args.profile = true;
    else if (a.startsWith('--filter=')) args.filter = a.slice('--filter='.length);
    else if (a === '--only=kernels' || a === '--only=e2e') args.only = a.slice('--only='.length) as 'kernels' | 'e2e';
    else if (a.startsWith('--impl=')) {
      const list = a.slice('--impl='.length).split(',');
      const bad = list.find((i) => !IMPLS.includes(i));
      if (bad !== undefined) throw new Error(`bench: unknown implementation '${bad}' in '${a}' (use ${IMPLS.join(', ')})`);
      args.impls = list;
    } else throw new Error(`bench: unknown argument '${a}' (use ${usage})`);
  }
  if (args.profile && args.only === 'kernels') throw new Error("bench: --profile profiles the model steps; it cannot go with '--only=kernels'");
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
  if (args.only !== 'e2e' && !args.profile) groups.push(...kernelGroups(backends, args.quick));
  if (args.only !== 'kernels') groups.push(...e2eGroups(corpus, backends, args.quick));
  const impls = args.impls ?? (args.profile ? ['wasm', 'js', 'simd-roof'] : undefined);
  const results = await runGroups(groups, args.quick ? QUICK_TIMING : FULL_TIMING, args.filter, out, {
    ...(impls ? { impls: new Set(impls) } : {}),
    profile: args.quick ? QUICK_PROFILE : FULL_PROFILE,
  });
  out.progress(`bench: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return results;
}

/** The table plus the target checks, then the profile table when there are profiles, as Markdown. */
export function summary(results: readonly Result[], profiles: readonly StepProfile[] = []): string {
  const checks = checkTargets(results, mlpLabel(MLP_CONFIGS[0]!));
  const floor = part3Floor(results, mlpLabel(MLP_CONFIGS[0]!));
  const text = `${table(results)}\n\nTargets (ours = wasm):\n${formatTargets(checks)}\n${floor ? `${floor}\n` : ''}`;
  return profiles.length ? `${text}\nProfile of the model steps:\n\n${profileTable(profiles)}\n` : text;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const profiles: StepProfile[] = [];
  const results = await runBench(args, {
    result: (r) => {
      if (!args.table) process.stdout.write(jsonLine(r) + '\n');
    },
    profile: (p) => {
      profiles.push(p);
      if (!args.table) process.stdout.write(profileLine(p) + '\n');
    },
    progress: (text) => process.stderr.write(text + '\n'),
  });
  if (args.table) process.stdout.write(summary(results, profiles));
  else process.stderr.write('\n' + summary(results, profiles));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
