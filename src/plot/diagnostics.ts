/**
 * The four diagnostic figures of makemore lecture 3, from {@link Diagnostics} (a run log's or a live model's):
 * activation histograms per layer with mean/std/saturation, gradient histograms per layer, weight-gradient histograms
 * with grad:data, and update:data over the steps with the guide line at −3 (updates about 1/1000 of the data).
 * Histograms are drawn as densities (count / (n · bin width)) at the bin centres, as the lecture's `plt.plot(hx, hy)`.
 */
import type { ActivationStats, Diagnostics, Histogram } from '../nn/diagnostics.ts';
import { linePlotSvg, type Series } from './axes.ts';

/** The figures `plot --log --what` draws. */
export const DIAGNOSTIC_FIGURES = ['activations', 'gradients', 'weights', 'updates'] as const;
export type DiagnosticFigure = (typeof DIAGNOSTIC_FIGURES)[number];

const f = (v: number, d = 2) => (v >= 0 ? '+' : '') + v.toFixed(d);
const e = (v: number) => v.toExponential(2);

/** A histogram as density points at its bin centres. */
export function densityPoints(h: Histogram): { x: number; y: number }[] {
  const n = h.counts.reduce((s, c) => s + c, 0);
  const width = (h.hi - h.lo) / h.counts.length;
  return h.counts.map((c, i) => ({ x: h.lo + (i + 0.5) * width, y: n > 0 ? c / (n * width) : 0 }));
}

/** The layers the lecture plots: the bounded nonlinearities (tanh) when there are any, else every activation. */
function plotted(d: Diagnostics): ActivationStats[] {
  const bounded = d.activations.filter((a) => a.saturation !== null);
  return bounded.length > 0 ? bounded : d.activations;
}

/** Activation distribution per layer: "layer 2 (Tanh): mean +0.00, std 0.63, saturated: 2.41%". */
export function activationsSvg(d: Diagnostics, title = `Activation distribution at step ${d.step}`): string {
  const series: Series[] = plotted(d).map((a) => ({
    label: `${a.name} (${a.layer}): mean ${f(a.output.mean)}, std ${a.output.std.toFixed(2)}` +
      (a.saturation === null ? '' : `, saturated: ${(100 * a.saturation).toFixed(2)}%`),
    points: densityPoints(a.output.histogram),
  }));
  return linePlotSvg(series, { title, xLabel: 'activation', yLabel: 'density' });
}

/** Gradient distribution per layer (the gradient flowing into each plotted activation). */
export function gradientsSvg(d: Diagnostics, title = `Gradient distribution at step ${d.step}`): string {
  const series: Series[] = plotted(d).map((a) => ({
    label: `${a.name} (${a.layer}): mean ${e(a.grad.mean)}, std ${e(a.grad.std)}`,
    points: densityPoints(a.grad.histogram),
  }));
  return linePlotSvg(series, { title, xLabel: 'gradient', yLabel: 'density' });
}

/** Weight-gradient distribution per weight matrix, with grad:data. */
export function weightsSvg(d: Diagnostics, title = `Weight gradient distribution at step ${d.step}`): string {
  const series: Series[] = d.parameters.filter((p) => p.shape.length >= 2).map((p) => ({
    label: `${p.name} [${p.shape.join('×')}]: mean ${e(p.grad.mean)}, std ${e(p.grad.std)}, grad:data ${p.gradToData === null ? '—' : e(p.gradToData)}`,
    points: densityPoints(p.grad.histogram),
  }));
  return linePlotSvg(series, { title, xLabel: 'gradient', yLabel: 'density' });
}

/** log10 update:data of every weight matrix over the steps, with the guide line at −3. */
export function updatesSvg(log: readonly { step: number; diagnostics: Diagnostics }[], title = 'Update:data ratio over training'): string {
  const names = [...new Set(log.flatMap((l) => l.diagnostics.parameters.filter((p) => p.shape.length >= 2).map((p) => p.name)))];
  const series: Series[] = names.map((name) => ({
    label: `${name}`,
    points: log.flatMap((l) => {
      const p = l.diagnostics.parameters.find((q) => q.name === name);
      return p && p.updateToData !== null ? [{ x: l.step, y: p.updateToData }] : [];
    }),
  }));
  return linePlotSvg(series, {
    title, xLabel: 'step', yLabel: 'log10(std(update) / std(data))',
    guides: [{ y: -3, label: 'updates ≈ 1/1000 of the data' }], empty: 'no update:data in this log (run with --diagnostics-every)',
  });
}
