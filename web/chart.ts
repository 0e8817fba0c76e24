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
    this.el.innerHTML = lossChartSvg(this.train, this.dev, this.steps);
  }
}

/**
 * The chart as an SVG element. The y range ends at the 98th percentile of the losses (the first steps of an untrained
 * net can be far above the rest); a loss above it is not drawn at the edge as if it were the range's top — the curve
 * breaks there and a ▲ marks each clipped stretch, with the legend saying so.
 */
export function lossChartSvg(trainPoints: readonly LossPoint[], dev: readonly LossPoint[], steps: number): string {
  const train = bucketMeans(trainPoints, MAX_PATH_POINTS);
  const all = [...train, ...dev].map((p) => p.loss).filter(Number.isFinite);
  const sorted = all.slice().sort((a, b) => a - b);
  const finiteDev = dev.map((p) => p.loss).filter(Number.isFinite);
  const hi = sorted.length ? Math.max(sorted[Math.floor(0.98 * (sorted.length - 1))]!, ...finiteDev) : 4;
  const lo = sorted.length ? sorted[0]! : 0;
  const pad = (hi - lo) * 0.05 || 0.1;
  const top = hi + pad;
  const y = linearScale(lo - pad, top, H - M.bottom, M.top);
  const x = linearScale(0, Math.max(1, steps), M.left, W - M.right);
  const yTicks = niceTicks(lo - pad, top, 5);
  const xTicks = niceTicks(0, Math.max(1, steps), 6);
  const inRange = (p: LossPoint): boolean => Number.isFinite(p.loss) && p.loss <= top;
  /** The curve as runs of in-range points: a clipped point ends a run instead of drawing along the top edge. */
  const path = (points: readonly LossPoint[]): string => {
    let d = '';
    let pen = false;
    for (const p of points) {
      if (!inRange(p)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${px(x(p.step))},${px(y(p.loss))}`;
      pen = true;
    }
    return d;
  };

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
  if (dev.length) {
    parts.push(`<path class="dev" d="${path(dev)}"/>`);
    for (const p of dev) if (inRange(p)) parts.push(`<circle class="dev-dot" cx="${px(x(p.step))}" cy="${px(y(p.loss))}" r="2.5"/>`);
  }
  const clipped = clippedStretches([...train, ...dev].sort((a, b) => a.step - b.step), inRange);
  for (const c of clipped) {
    const cx = x(c.step);
    parts.push(
      `<path class="clipped" d="M${px(cx - 4)},${M.top + 7}L${px(cx)},${M.top}L${px(cx + 4)},${M.top + 7}Z">` +
        `<title>${esc(`loss up to ${c.max.toPrecision(4)} near step ${Math.round(c.step)}: above the chart`)}</title></path>`,
    );
  }
  if (clipped.length) {
    parts.push(`<text class="clipped-note" x="${M.left + 6}" y="${M.top + 9}">▲ loss above ${esc(tickLabel(top))}, not drawn</text>`);
  }
  parts.push(`<rect class="legend-train" x="${W - M.right - 150}" y="${M.top + 2}" width="12" height="3"/>`);
  parts.push(`<text x="${W - M.right - 134}" y="${M.top + 7}">train</text>`);
  parts.push(`<rect class="legend-dev" x="${W - M.right - 70}" y="${M.top + 2}" width="12" height="3"/>`);
  parts.push(`<text x="${W - M.right - 54}" y="${M.top + 7}">dev</text>`);
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="loss curve">${parts.join('')}</svg>`;
}

/** One marker per run of consecutive out-of-range points: the run's middle step and its largest loss. */
function clippedStretches(points: readonly LossPoint[], inRange: (p: LossPoint) => boolean): { step: number; max: number }[] {
  const out: { step: number; max: number }[] = [];
  let run: LossPoint[] = [];
  const close = (): void => {
    if (run.length) out.push({ step: (run[0]!.step + run[run.length - 1]!.step) / 2, max: Math.max(...run.map((p) => p.loss)) });
    run = [];
  };
  for (const p of points) {
    if (inRange(p)) close();
    else run.push(p);
  }
  close();
  return out;
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
