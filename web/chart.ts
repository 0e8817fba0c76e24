/**
 * The live loss chart: training losses (thin; noisy for minibatches) and dev losses (thick, with dots) against the
 * step, as an inline SVG redrawn at most once per animation frame.
 */
import { esc, linearScale, niceTicks, px, tickLabel } from '../src/plot/svg.ts';
import type { LossPoint } from './protocol.ts';

const W = 900;
const H = 280;
const M = { left: 48, right: 30, top: 12, bottom: 30 };
/** More minibatch points than this are drawn as bucket means: the path stays small, the trend stays visible. */
const MAX_PATH_POINTS = 1200;

/** Train and dev loss curves in one SVG. */
export class LossChart {
  private train: LossPoint[] = [];
  private dev: LossPoint[] = [];
  private steps = 1;
  private pending = false;

  constructor(private readonly el: HTMLElement) {
    this.draw();
  }

  /** Forget all points; the x axis will run to `steps`. */
  reset(steps: number): void {
    this.train = [];
    this.dev = [];
    this.steps = Math.max(1, steps);
    this.schedule();
  }

  /** Add points and redraw soon. */
  add(train: readonly LossPoint[], dev: readonly LossPoint[]): void {
    this.train.push(...train);
    this.dev.push(...dev);
    this.schedule();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private draw(): void {
    const train = bucketMeans(this.train, MAX_PATH_POINTS);
    const all = [...train, ...this.dev].map((p) => p.loss).filter(Number.isFinite);
    // The first steps of an untrained net can be far above the rest; the 98th percentile keeps the interesting part.
    const sorted = all.slice().sort((a, b) => a - b);
    const hi = sorted.length ? Math.max(sorted[Math.floor(0.98 * (sorted.length - 1))]!, ...this.dev.map((p) => p.loss)) : 4;
    const lo = sorted.length ? sorted[0]! : 0;
    const pad = (hi - lo) * 0.05 || 0.1;
    const y = linearScale(lo - pad, hi + pad, H - M.bottom, M.top);
    const x = linearScale(0, this.steps, M.left, W - M.right);
    const yTicks = niceTicks(lo - pad, hi + pad, 5);
    const xTicks = niceTicks(0, this.steps, 6);
    const clampY = (v: number): number => Math.min(H - M.bottom, Math.max(M.top, y(v)));
    const path = (points: readonly LossPoint[]): string =>
      points.map((p, i) => `${i ? 'L' : 'M'}${px(x(p.step))},${px(clampY(p.loss))}`).join('');

    const parts: string[] = [];
    for (const t of yTicks) {
      parts.push(`<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${px(y(t))}" y2="${px(y(t))}"/>`);
      parts.push(`<text x="${M.left - 6}" y="${px(y(t) + 4)}" text-anchor="end">${esc(tickLabel(t))}</text>`);
    }
    for (const t of xTicks) {
      parts.push(`<text x="${px(x(t))}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(tickLabel(t))}</text>`);
    }
    parts.push(`<text x="${W - M.right}" y="${H - 2}" text-anchor="end">step</text>`);
    if (train.length) parts.push(`<path class="train" d="${path(train)}"/>`);
    if (this.dev.length) {
      parts.push(`<path class="dev" d="${path(this.dev)}"/>`);
      for (const p of this.dev) parts.push(`<circle class="dev-dot" cx="${px(x(p.step))}" cy="${px(clampY(p.loss))}" r="2.5"/>`);
    }
    parts.push(`<rect class="legend-train" x="${W - M.right - 150}" y="${M.top + 2}" width="12" height="3"/>`);
    parts.push(`<text x="${W - M.right - 134}" y="${M.top + 7}">train</text>`);
    parts.push(`<rect class="legend-dev" x="${W - M.right - 70}" y="${M.top + 2}" width="12" height="3"/>`);
    parts.push(`<text x="${W - M.right - 54}" y="${M.top + 7}">dev</text>`);
    this.el.innerHTML =
      `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="loss curve">${parts.join('')}</svg>`;
  }
}

/** At most `max` points: consecutive buckets replaced by their mean step and mean loss. */
function bucketMeans(points: readonly LossPoint[], max: number): LossPoint[] {
  if (points.length <= max) return points.slice();
  const size = Math.ceil(points.length / max);
  const out: LossPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    let s = 0;
    let l = 0;
    const end = Math.min(points.length, i + size);
    for (let j = i; j < end; j++) {
      s += points[j]!.step;
      l += points[j]!.loss;
    }
    out.push({ step: s / (end - i), loss: l / (end - i) });
  }
  return out;
}
