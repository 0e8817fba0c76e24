/**
 * The profile mode of `npm run bench`: where a model's training step spends its time, per kernel family.
 *
 * A {@link KernelProfiler} wraps a backend's raw kernels: each call is timed with `performance.now()` and its count,
 * time and FLOPs (from the call's sizes through the row's `flops` in `KERNEL_TABLE`) are added to the kernel's tally.
 * The wrapper's own cost is calibrated once on no-op kernels ({@link calibrateTimer}) and taken off: its part inside
 * the timed interval from every call, the rest from the profiled steps' wall time.
 * {@link profiledBackend} puts the wrapper under a Backend that shares the arena, so a model built on it runs its
 * usual step — models read `backend.raw` at every call — with every kernel call counted.
 *
 * The achieved GFLOP/s is the step's FLOPs over the plain (un-profiled) median of the same step from the timed run.
 * The shares are of the profiled steps' own time, so that the parts and the whole come from the same steps on a
 * machine whose load drifts: a family's share is its kernels' time over it; what the kernels do not account for is
 * the time outside kernels (JS bookkeeping: the layers' loop, copies into the arena, the loss check).
 */
import { Backend } from '../../src/backend/backend.ts';
import {
  KERNEL_NAMES, KERNEL_TABLE, type Dim, type KernelFamily, type KernelName, type Kernels, type Sizes,
} from '../../src/backend/kernels.ts';
import { median } from './median.ts';

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
  const s = {} as Record<Dim, number>; // reused: no allocation per call
  return (args) => {
    for (const [d, i] of at) s[d] = args[i] as number;
    return flops(s);
  };
}

/**
 * What the wrapper costs per call, ms: `insideMs` falls inside the timed interval (taken off each kernel's time),
 * `outsideMs` around it (the spread call, the FLOP count, the tally), taken off the profiled step's wall time.
 */
export interface TimerCost {
  insideMs: number;
  outsideMs: number;
}

/**
 * Calibrates {@link TimerCost} on no-op kernels called with every row's arguments in turn (so the call sites see as
 * many targets as in a step): the tallied time per call is the inside part; the wall time per call over that of the
 * bare no-ops, less the inside part, the outside part. Medians over `rounds`.
 */
export function calibrateTimer(rounds = 15, calls = 300): TimerCost {
  const bare = KERNEL_NAMES.map((): AnyFn => () => 0);
  const noops = Object.fromEntries(KERNEL_NAMES.map((n, i) => [n, bare[i]])) as unknown as Kernels;
  const profiler = new KernelProfiler(noops, { insideMs: 0, outsideMs: 0 });
  const wrapped = KERNEL_NAMES.map((n) => profiler.kernels[n] as AnyFn);
  const argv = KERNEL_NAMES.map((n) => KERNEL_TABLE[n].args.map((a) => (a.kind === 'flag' ? false : 4)));
  const inside: number[] = [], total: number[] = [];
  const n = calls * wrapped.length;
  for (let r = -1; r < rounds; r++) { // round −1 warms the call sites up
    profiler.reset();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) for (let k = 0; k < wrapped.length; k++) wrapped[k]!(...argv[k]!);
    const t1 = performance.now();
    for (let i = 0; i < calls; i++) for (let k = 0; k < bare.length; k++) bare[k]!(...argv[k]!);
    const t2 = performance.now();
    if (r < 0) continue;
    inside.push([...profiler.tallies().values()].reduce((a, t) => a + t.ms, 0) / n);
    total.push((t1 - t0 - (t2 - t1)) / n);
  }
  const insideMs = median(inside);
  return { insideMs, outsideMs: Math.max(0, median(total) - insideMs) };
}

/** Counting wrappers over one backend's raw kernels; {@link KernelProfiler.reset} starts a new count. */
export class KernelProfiler {
  /** The wrapped kernels: same names and signatures as the raw ones. */
  readonly kernels: Kernels;
  /** The wrapper's cost per call; the inside part is taken off every call's time in {@link KernelProfiler.tallies}. */
  readonly cost: TimerCost;
  private readonly raw: Record<KernelName, Tally>;

  constructor(raw: Kernels, cost: TimerCost = calibrateTimer()) {
    this.cost = cost;
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

  /** The kernels that were called, with the timer's inside cost taken off (never below 0). */
  tallies(): Map<KernelName, Tally> {
    const out = new Map<KernelName, Tally>();
    for (const name of KERNEL_NAMES) {
      const t = this.raw[name];
      if (t.calls > 0) out.set(name, { calls: t.calls, ms: Math.max(0, t.ms - t.calls * this.cost.insideMs), flops: t.flops });
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

/** Where one step's time went: FLOPs per step, time per step in and outside the kernels, and their shares. */
export interface StepProfile {
  bench: string;
  impl: string;
  config: string;
  /** The plain (un-profiled) median step time, µs: the one the timed run reports. */
  step_us: number;
  /** Steps profiled. */
  steps: number;
  /** FLOPs of one step (every kernel, from the table). */
  flops: number;
  /** flops ÷ step_us. */
  gflops: number;
  /** Time in kernels per step, µs. */
  kernel_us: number;
  /** The profiled step's time outside the kernels, µs (JS bookkeeping). */
  outside_kernels_us: number;
  outside_kernels_share: number;
  /** Family → its part, in order of time. */
  families: Record<string, FamilyProfile>;
  /** Kernel → its part, in order of time (share and GFLOP/s as for families). */
  kernels: Record<string, FamilyProfile>;
  /** The profiled steps' wall time per step, the wrapper's cost taken off, µs: near step_us when the load held still. */
  profiled_step_us: number;
  /** The wrapper's calibrated cost per call, ns (inside the timed interval + around it). */
  timer_ns: number;
}

/**
 * The profile of `steps` profiled steps that took `wallMs` in all, from the profiler's tallies. The shares are of
 * the profiled steps' own time (their wall time less the wrapper's cost per call): the parts come from the same
 * steps, whatever the machine's load did since the plain timing. When the kernels' time exceeds that (the
 * calibration's error), the outside share is 0: the shares always sum to 1. GFLOP/s are over the plain median.
 */
export function stepProfile(
  id: { bench: string; impl: string; config: string }, profiler: KernelProfiler, steps: number, stepUs: number, wallMs: number,
): StepProfile {
  const tallies = profiler.tallies();
  const families = new Map<KernelFamily, Tally>();
  let calls = 0;
  for (const [name, t] of tallies) {
    const f = KERNEL_TABLE[name].family;
    const sum = families.get(f) ?? { calls: 0, ms: 0, flops: 0 };
    families.set(f, { calls: sum.calls + t.calls, ms: sum.ms + t.ms, flops: sum.flops + t.flops });
    calls += t.calls;
  }
  const perStepUs = (ms: number) => (ms * 1000) / steps;
  const kernelUs = perStepUs([...tallies.values()].reduce((a, t) => a + t.ms, 0));
  const flops = [...tallies.values()].reduce((a, t) => a + t.flops, 0) / steps;
  const perCall = profiler.cost.insideMs + profiler.cost.outsideMs;
  const profiledUs = Math.max(0, perStepUs(wallMs - calls * perCall));
  const outsideUs = Math.max(0, profiledUs - kernelUs);
  const whole = kernelUs + outsideUs; // = max(profiled step, kernels): the shares sum to 1
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
    profiled_step_us: profiledUs,
    timer_ns: perCall * 1e6,
  };
}
