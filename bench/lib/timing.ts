/**
 * Timing for the benchmarks: warm-up, calibrated inner loops, interleaved rounds, medians.
 *
 * The machine is shared and noisy, so a single figure means little; a ratio between two implementations means
 * something only when both were measured under the same noise. Hence: every comparison group (one bench, one
 * shape) is measured round-robin — one sample of each implementation per round, the starting implementation
 * rotating — and each figure is the median of its samples.
 */
import type { KernelProfiler } from './profile.ts';
import { median } from './median.ts';

export { median };

/** One thing to time: a single call of `run` is one operation (one kernel call, one training step). */
export interface Case {
  /** What is measured, e.g. `matmul`, `mlp-step`. */
  bench: string;
  /** Who computes it, e.g. `wasm`, `js`, `tfjs-wasm`, `tfjs-cpu`. */
  impl: string;
  /** Kernel shape (e.g. `32x30x200` = M×K×N), for kernel benches. */
  shape?: string;
  /** Model configuration, for end-to-end benches. */
  config?: string;
  /** Floating-point operations per call, when meaningful (reported as GFLOP/s). */
  flops?: number;
  /** A short remark shown in the table (e.g. how TF.js computes the embedding). */
  note?: string;
  /** Called outside the timed region before each sample (e.g. to switch the active TF.js backend). */
  before?: () => void | Promise<void>;
  /** Called outside the timed region with the number of calls about to be timed (e.g. to make fresh inputs). */
  prepare?: (calls: number) => void;
  /** One operation. */
  run: () => unknown;
  /** Called outside the timed region after each sample (e.g. to dispose outputs). */
  after?: () => void;
  /** Called once after the measurements, before dispose: throws if the case went wrong (e.g. a loss became NaN). */
  verify?: () => void;
  /** Called once when the case is done (free its memory). */
  dispose?: () => void;
  /**
   * Our model steps: builds the same step again on a profiling backend (see `profile.ts`), for the profile mode. The
   * caller runs it and disposes it (after this case's own dispose: it allocates anew).
   */
  profile?: () => Promise<ProfiledStep>;
}

/** A step built on a profiling backend: its profiler, one step, and how to free it. */
export interface ProfiledStep {
  profiler: KernelProfiler;
  run: () => unknown;
  dispose: () => void;
}

/** One measured case: its median and the samples it came from. */
export interface Result {
  bench: string;
  impl: string;
  shape?: string;
  config?: string;
  note?: string;
  /** Median time of one call over the samples, in microseconds. */
  median_us: number;
  /** GFLOP/s at the median, when the case declared its flops. */
  gflops?: number;
  /** Number of timed samples the median is taken over (each sample averages `calls` calls). */
  runs: number;
  /** Calls per sample. */
  calls: number;
}

/** How long and how often to measure. */
export interface TimingOptions {
  /** Target duration of one sample in ms: the inner loop repeats the call until it lasts about this long. */
  sampleMs: number;
  /** Samples per case (the median is taken over these). */
  runs: number;
  /** Fewest samples per case, even when a call is slow. */
  minRuns: number;
  /** Time budget per case in ms: slow cases take fewer samples (but at least minRuns). */
  caseBudgetMs: number;
  /** Warm-up duration per case in ms (JIT tiers, wasm tier-up, TF.js kernel caches, page faults). */
  warmupMs: number;
}

/**
 * Full runs: 15 samples of about 20 ms per case; a case whose calls are slow gets as many as fit in 3 s, but at
 * least 3 (TF.js cpu's full-batch bigram step takes seconds, and the whole run must stay under 5 minutes).
 */
export const FULL_TIMING: TimingOptions = { sampleMs: 20, runs: 15, minRuns: 3, caseBudgetMs: 3000, warmupMs: 150 };
/** `--quick`: enough to exercise every code path in seconds; the figures are rough. */
export const QUICK_TIMING: TimingOptions = { sampleMs: 1, runs: 3, minRuns: 2, caseBudgetMs: 60, warmupMs: 2 };

const now = (): number => performance.now();

/** Time `calls` calls of the case (with its per-sample hooks outside the timed region); returns ms per call. */
async function sample(c: Case, calls: number): Promise<number> {
  await c.before?.();
  c.prepare?.(calls);
  const t0 = now();
  for (let i = 0; i < calls; i++) c.run();
  const t1 = now();
  c.after?.();
  return (t1 - t0) / calls;
}

/**
 * Measure a comparison group interleaved: warm each case up and calibrate its inner loop, then run rounds in
 * which every case that still needs samples takes one, starting with a different case each round.
 */
export async function measureGroup(cases: readonly Case[], opt: TimingOptions): Promise<Result[]> {
  const calls: number[] = [];
  const want: number[] = [];
  for (const c of cases) {
    // Warm-up doubles the call count until warmupMs is spent; the last pass's time per call calibrates the loop.
    let n = 1;
    let spent = 0;
    let perCall = 0;
    for (;;) {
      perCall = await sample(c, n);
      spent += perCall * n;
      if (spent >= opt.warmupMs) break;
      n *= 2;
    }
    const k = Math.max(1, Math.round(opt.sampleMs / Math.max(perCall, 1e-6)));
    calls.push(k);
    const runs = Math.floor(opt.caseBudgetMs / (k * Math.max(perCall, 1e-6)));
    want.push(Math.max(opt.minRuns, Math.min(opt.runs, runs)));
  }
  const samples: number[][] = cases.map(() => []);
  const rounds = Math.max(...want);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < cases.length; j++) {
      const i = (r + j) % cases.length;
      if (samples[i]!.length >= want[i]!) continue;
      samples[i]!.push(await sample(cases[i]!, calls[i]!));
    }
  }
  try {
    for (const c of cases) c.verify?.();
  } finally {
    for (const c of cases) c.dispose?.();
  }
  return cases.map((c, i) => {
    const ms = median(samples[i]!);
    const res: Result = { bench: c.bench, impl: c.impl, median_us: ms * 1000, runs: samples[i]!.length, calls: calls[i]! };
    if (c.shape !== undefined) res.shape = c.shape;
    if (c.config !== undefined) res.config = c.config;
    if (c.note !== undefined) res.note = c.note;
    if (c.flops !== undefined) res.gflops = c.flops / (ms * 1e6);
    return res;
  });
}
