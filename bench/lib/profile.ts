/**
 * The profile mode of `npm run bench`: where a model's training step spends its time, per kernel family.
 *
 * A {@link KernelProfiler} wraps a backend's raw kernels: each call is timed with `performance.now()` and its count,
 * time and FLOPs (from the call's sizes through the row's `flops` in `KERNEL_TABLE`) are added to the kernel's tally.
 * The timer's own cost inside the timed interval is calibrated once (a wrapped no-op) and taken off every call.
 * {@link profiledBackend} puts the wrapper under a Backend that shares the arena, so a model built on it runs its
 * usual step — models read `backend.raw` at every call — with every kernel call counted.
 *
 * The step's time is the plain (un-profiled) median of the same step from the timed run: the achieved GFLOP/s is the
 * step's FLOPs over it, and the share of a family is its kernel time over it; what the kernels do not account for is
 * the time outside kernels (JS bookkeeping: the layers' loop, copies into the arena, the loss check). When the
 * kernels' time exceeds the plain step (noise), the shares are of the kernels' time and the outside share is 0, so
 * the shares always sum to 1.
 */
import { Backend } from '../../src/backend/backend.ts';
import {
  KERNEL_NAMES, KERNEL_TABLE, type Dim, type KernelFamily, type KernelName, type Kernels, type Sizes,
} from '../../src/backend/kernels.ts';
import { median } from './timing.ts';

/** What one kernel (or family) did over the profiled steps. */
export interface Tally {
  calls: number;
  /** Time inside the kernel calls, ms, the timer's cost already taken off. */
  ms: number;
  flops: number;
}

type AnyFn = (...args: unknown[]) => unknown;

/** Times `fn` into `tally`, `flopsOf` turning the call's arguments into its FLOPs. */
function timed(fn: AnyFn, tally: Tally, flopsOf: (args: unknown[]) => number): AnyFn {
  return (...args: unknown[]): unknown => {
    const t0 = performance.now();
    const r = fn(...args);
    const t1 = performance.now();
    tally.calls++;
    tally.ms += t1 - t0;
    tally.flops += flopsOf(args);
    return r;
  };
}

/** A kernel's FLOPs from its call's arguments: the size arguments by name, then the row's count. */
function flopCounter(kernel: KernelName): (args: unknown[]) => number {
  const spec = KERNEL_TABLE[kernel];
  const at: [Dim, number][] = [];
  spec.args.forEach((a, i) => {
    if (a.kind === 'size') at.push([a.name, i]);
  });
  const flops = spec.flops as (s: Sizes) => number;
  return (args) => {
    const s = {} as Record<Dim, number>;
    for (const [d, i] of at) s[d] = args[i] as number;
    return flops(s);
  };
}

/** The timer's cost per call inside the timed interval, ms: the median over batches of a wrapped no-op's mean. */
export function calibrateTimer(batches = 15, calls = 2000): number {
  const tally: Tally = { calls: 0, ms: 0, flops: 0 };
  const noop = timed(() => undefined, tally, () => 0);
  const means: number[] = [];
  for (let b = 0; b < batches; b++) {
    tally.ms = 0;
    for (let i = 0; i < calls; i++) noop(i);
    means.push(tally.ms / calls);
  }
  return median(means);
}

/** Counting wrappers over one backend's raw kernels; {@link KernelProfiler.reset} starts a new count. */
export class KernelProfiler {
  /** The wrapped kernels: same names and signatures as the raw ones. */
  readonly kernels: Kernels;
  /** The timer's cost per call (ms), taken off every call's time in {@link KernelProfiler.tallies}. */
  readonly timerMs: number;
  private readonly raw: Record<KernelName, Tally>;

  constructor(raw: Kernels, timerMs = calibrateTimer()) {
    this.timerMs = timerMs;
    this.raw = {} as Record<KernelName, Tally>;
    const kernels = {} as Record<KernelName, AnyFn>;
    for (const name of KERNEL_NAMES) {
      const tally: Tally = { calls: 0, ms: 0, flops: 0 };
      this.raw[name] = tally;
      kernels[name] = timed(raw[name] as AnyFn, tally, flopCounter(name));
    }
    this.kernels = kernels as unknown as Kernels;
  }

  /** Zeroes every tally (after a warm-up). */
  reset(): void {
    for (const t of Object.values(this.raw)) Object.assign(t, { calls: 0, ms: 0, flops: 0 });
  }

  /** The kernels that were called, with the timer's cost taken off (never below 0). */
  tallies(): Map<KernelName, Tally> {
    const out = new Map<KernelName, Tally>();
    for (const name of KERNEL_NAMES) {
      const t = this.raw[name];
      if (t.calls > 0) out.set(name, { calls: t.calls, ms: Math.max(0, t.ms - t.calls * this.timerMs), flops: t.flops });
    }
    return out;
  }
}

/** A Backend over the same arena whose raw kernels are the profiler's: build the model to profile on it. */
export function profiledBackend(be: Backend, profiler: KernelProfiler): Backend {
  return new Backend(be.name, be.arena, profiler.kernels);
}

/** One family's part of a step, per step. */
export interface FamilyProfile {
  share: number;
  us: number;
  gflops: number;
  calls: number;
  flops: number;
}

/** Where one step's time went: FLOPs and kernel time per step, shares of the plain step time. */
export interface StepProfile {
  bench: string;
  impl: string;
  config: string;
  /** The plain (un-profiled) median step time, µs. */
  step_us: number;
  /** Steps profiled. */
  steps: number;
  /** FLOPs of one step (every kernel, from the table). */
  flops: number;
  /** flops ÷ step_us. */
  gflops: number;
  /** Time in kernels per step, µs. */
  kernel_us: number;
  outside_kernels_us: number;
  outside_kernels_share: number;
  /** Family → its part, in order of time. */
  families: Record<string, FamilyProfile>;
  /** Kernel → its part, in order of time (share and GFLOP/s as for families). */
  kernels: Record<string, FamilyProfile>;
  /** A profiled step's wall time (with the timers), µs: how much the profiling itself costs. */
  profiled_step_us: number;
  /** The timer's calibrated cost per call, ns. */
  timer_ns: number;
}

/**
 * The profile of `steps` steps from the profiler's tallies, against the plain median step time `stepUs`; `wallMs`
 * is how long the profiled steps took in all.
 */
export function stepProfile(
  id: { bench: string; impl: string; config: string }, profiler: KernelProfiler, steps: number, stepUs: number, wallMs: number,
): StepProfile {
  const tallies = profiler.tallies();
  const families = new Map<KernelFamily, Tally>();
  for (const [name, t] of tallies) {
    const f = KERNEL_TABLE[name].family;
    const sum = families.get(f) ?? { calls: 0, ms: 0, flops: 0 };
    families.set(f, { calls: sum.calls + t.calls, ms: sum.ms + t.ms, flops: sum.flops + t.flops });
  }
  const perStepUs = (ms: number) => (ms * 1000) / steps;
  const kernelUs = perStepUs([...tallies.values()].reduce((a, t) => a + t.ms, 0));
  const flops = [...tallies.values()].reduce((a, t) => a + t.flops, 0) / steps;
  const outsideUs = Math.max(0, stepUs - kernelUs);
  const whole = kernelUs + outsideUs; // = max(step, kernels): the shares sum to 1
  const part = (t: Tally): FamilyProfile => {
    const us = perStepUs(t.ms);
    return { share: us / whole, us, gflops: us > 0 ? t.flops / steps / (us * 1e3) : 0, calls: t.calls / steps, flops: t.flops / steps };
  };
  const byTime = <K extends string>(m: Map<K, Tally>): Record<string, FamilyProfile> =>
    Object.fromEntries([...m].sort((a, b) => b[1].ms - a[1].ms).map(([k, t]) => [k, part(t)]));
  return {
    ...id,
    step_us: stepUs,
    steps,
    flops,
    gflops: flops / (stepUs * 1e3),
    kernel_us: kernelUs,
    outside_kernels_us: outsideUs,
    outside_kernels_share: outsideUs / whole,
    families: byTime(families),
    kernels: byTime(tallies),
    profiled_step_us: (wallMs * 1000) / steps,
    timer_ns: profiler.timerMs * 1e6,
  };
}
