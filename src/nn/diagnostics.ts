/**
 * Diagnostics of a training step, as lecture 3 of makemore draws them: for every activation a workspace holds, the
 * distribution of its values and of the gradient flowing into it (mean, std, saturation for bounded nonlinearities,
 * a histogram); for every parameter the gradient's scale next to the data's ("grad:data") and the size of the update
 * the optimizer actually made ("update:data", log10). Computed on demand by reduction kernels straight on the arena —
 * nothing here runs in a training step that does not ask for it, and nothing is copied but the histogram counts.
 *
 * Standard deviations are unbiased (n − 1), as torch's `Tensor.std()` that the lecture prints.
 */
import type { Kernels, Ptr } from '../backend/kernels.ts';
import type { Arena } from '../backend/arena.ts';
import { sizeOf, type Probe, type Tensor } from './layer.ts';

/** |y| above this fraction of a bounded output's limit counts as saturated: 0.97 for tanh, as in the lecture. */
export const SATURATION = 0.97;
/** Histogram bins when the caller does not say (the lecture's plots use about this many). */
export const DEFAULT_BINS = 50;

/** Counts in equal bins over [lo, hi] (values outside fall in the edge bins: the counts sum to the element count). */
export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
}

/** The distribution of one tensor's values. */
export interface TensorStats {
  mean: number;
  std: number;
  histogram: Histogram;
}

/** One activation (a layer's output) and the gradient flowing into it. */
export interface ActivationStats {
  /** The layer's path, e.g. `hidden.0.tanh`. */
  name: string;
  /** The layer, e.g. `Tanh`. */
  layer: string;
  /** Elements (batch included). */
  count: number;
  /** Histogram over the layer's output range when it has one ([−1, 1] for tanh), else over ±max|value|. */
  output: TensorStats;
  /** Fraction of outputs within 3% of a bounded layer's limits (|tanh| > 0.97), or null for unbounded layers. */
  saturation: number | null;
  /** The gradient of the loss with respect to this output (histogram over ±max|value|). */
  grad: TensorStats;
}

/** One parameter tensor. */
export interface ParameterStats {
  name: string;
  shape: number[];
  data: { mean: number; std: number };
  grad: TensorStats;
  /** std(grad) / std(data), or null when std(data) is 0. */
  gradToData: number | null;
  /** log10(std(update) / std(data)) of the last update (SGD: lr·grad; AdamW: its real step), or null without one. */
  updateToData: number | null;
}

/** Everything {@link Net.diagnostics} reports after a step. */
export interface Diagnostics {
  /** Optimizer updates done so far (the last one is the update measured). */
  step: number;
  activations: ActivationStats[];
  parameters: ParameterStats[];
}

/** Options of a diagnostics call. */
export interface DiagnosticsOptions {
  /** Histogram bins (default 50). */
  bins?: number;
}

/** Where the reductions work: the kernels, the arena, and a scratch of `bins` floats for histogram counts. */
export interface ReduceContext {
  k: Kernels;
  arena: Arena;
  counts: Ptr;
  bins: number;
}

/** Mean and unbiased std of n floats at x, in float64 (two passes: no cancellation). */
export function meanStd(k: Kernels, x: Ptr, n: number): { mean: number; std: number } {
  const mean = k.sum(x, n) / n;
  const std = n > 1 ? Math.sqrt(k.sumSquaredDeviations(x, n, mean) / (n - 1)) : 0;
  return { mean, std };
}

/** Mean, std and a histogram of n floats at x, over `range` or (without one) over ±max|x|. */
export function tensorStats(c: ReduceContext, x: Ptr, n: number, range: readonly [number, number] | null): TensorStats {
  const { mean, std } = meanStd(c.k, x, n);
  let lo: number, hi: number;
  if (range) [lo, hi] = range;
  else {
    const m = c.k.maxAbs(x, n);
    [lo, hi] = m > 0 ? [-m, m] : [-1, 1]; // an all-zero tensor still gets a histogram
  }
  c.k.histogram(c.counts, x, n, lo, hi, c.bins);
  return { mean, std, histogram: { lo, hi, counts: Array.from(c.arena.f32(c.counts, c.bins)) } };
}

/** The statistics of one probed activation and its gradient. */
export function activationStats(c: ReduceContext, p: Probe): ActivationStats {
  const range = p.layer.outputRange;
  if (p.dy < 0) throw new Error(`diagnostics: '${p.name}' has no gradient here (diagnostics need a training workspace)`);
  const saturation = range ? c.k.countAbove(p.y, p.n, SATURATION * Math.max(-range[0], range[1])) / p.n : null;
  return {
    name: p.name, layer: p.layer.describe(), count: p.n,
    output: tensorStats(c, p.y, p.n, range), saturation, grad: tensorStats(c, p.dy, p.n, null),
  };
}

/**
 * The statistics of one parameter: `before` is where its values were before the last update (the Net's rollback
 * copy) and `update` a scratch of at least its size, or both null when no update has been made.
 */
export function parameterStats(c: ReduceContext, t: Tensor, before: Ptr | null, update: Ptr | null): ParameterStats {
  const n = sizeOf(t.shape);
  const data = meanStd(c.k, t.ptr, n);
  const grad = tensorStats(c, t.grad!, n, null);
  let updateToData: number | null = null;
  if (before !== null && update !== null && data.std > 0) {
    c.k.subtract(update, t.ptr, before, n);
    const u = meanStd(c.k, update, n).std;
    updateToData = u > 0 ? Math.log10(u / data.std) : null;
  }
  return {
    name: t.name, shape: t.shape.slice(), data, grad, gradToData: data.std > 0 ? grad.std / data.std : null, updateToData,
  };
}

/**
 * Every probed activation and every parameter's statistics. `update`, when the last step's update can be measured,
 * says where each parameter's value before it lives (`before` bytes from the parameter) and gives a scratch of the
 * largest parameter's size.
 */
export function collectDiagnostics(
  c: ReduceContext, probes: readonly Probe[], tensors: readonly Tensor[], update: { before: number; scratch: Ptr } | null, step: number,
): Diagnostics {
  const activations = probes.map((p) => activationStats(c, p));
  const parameters = tensors.filter((t) => t.grad !== null)
    .map((t) => parameterStats(c, t, update ? t.ptr + update.before : null, update ? update.scratch : null));
  return { step, activations, parameters };
}

/** Checks a bins option (a positive integer up to 10,000); the message names the value. */
export function checkBins(bins: unknown, who: string): number {
  if (!Number.isInteger(bins) || (bins as number) < 1 || (bins as number) > 10_000) {
    throw new Error(`${who}: bins must be an integer in [1, 10000], got ${String(bins)}`);
  }
  return bins as number;
}
