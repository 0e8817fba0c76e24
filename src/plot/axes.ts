/**
 * A plot frame shared by the diagnostics figures: title, grid, tick labels, axis labels, one polyline per series and
 * a legend — the structure tests check (`class="axis"`, `class="series"`, `class="legend-entry"`).
 */
import { esc, linearScale, niceTicks, px, svgDocument, text, tickLabel } from './svg.ts';

/** One line of a figure. */
export interface Series {
  label: string;
  points: { x: number; y: number }[];
}

/** Options of {@link linePlotSvg}. */
export interface LinePlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Dashed horizontal guide lines, e.g. the lecture's −3 on the update:data plot. */
  guides?: { y: number; label: string }[];
  /** What to say when there is nothing to draw. */
  empty?: string;
}

/** matplotlib's tab10, the colours of the lecture's figures. */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Series as polylines in one frame, with ticks on both axes and a legend below the plot area. */
export function linePlotSvg(series: readonly Series[], o: LinePlotOptions): string {
  const width = o.width ?? 760;
  const legendRows = series.length;
  const height = (o.height ?? 400) + legendRows * 17;
  const plotBottom = (o.height ?? 400) - 52;
  const m = { left: 70, right: 24, top: 44 };
  const body = [text(width / 2, 26, o.title, { size: 16, anchor: 'middle', weight: 'bold' })];
  const pts = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (pts.length === 0) {
    body.push(text(width / 2, height / 2, o.empty ?? 'nothing to plot', { anchor: 'middle', fill: '#888' }));
    return svgDocument(width, height, o.title, body);
  }
  const guideYs = (o.guides ?? []).map((g) => g.y);
  let [x0, x1] = [Math.min(...pts.map((p) => p.x)), Math.max(...pts.map((p) => p.x))];
  let [y0, y1] = [Math.min(...pts.map((p) => p.y), ...guideYs), Math.max(...pts.map((p) => p.y), ...guideYs)];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const sx = linearScale(x0, x1, m.left, width - m.right);
  const sy = linearScale(y0, y1, plotBottom, m.top);
  body.push('<g class="axis y">');
  for (const t of niceTicks(y0, y1, 6)) {
    body.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${px(sy(t))}" y2="${px(sy(t))}" stroke="#eee"/>`);
    body.push(text(m.left - 6, sy(t) + 4, tickLabel(t), { size: 11, anchor: 'end', fill: '#555' }));
  }
  body.push('</g>', '<g class="axis x">');
  for (const t of niceTicks(x0, x1, 6)) {
    body.push(`<line x1="${px(sx(t))}" x2="${px(sx(t))}" y1="${m.top}" y2="${plotBottom}" stroke="#eee"/>`);
    body.push(text(sx(t), plotBottom + 16, tickLabel(t), { size: 11, anchor: 'middle', fill: '#555' }));
  }
  body.push('</g>');
  body.push(`<rect x="${m.left}" y="${m.top}" width="${width - m.left - m.right}" height="${plotBottom - m.top}" fill="none" stroke="#999"/>`);
  body.push(text((m.left + width - m.right) / 2, plotBottom + 36, o.xLabel, { anchor: 'middle', fill: '#444' }));
  const mid = (m.top + plotBottom) / 2;
  body.push(text(16, mid, o.yLabel, { anchor: 'middle', fill: '#444', extra: ` transform="rotate(-90 16 ${px(mid)})"` }));
  for (const g of o.guides ?? []) {
    body.push(`<line class="guide" x1="${m.left}" x2="${width - m.right}" y1="${px(sy(g.y))}" y2="${px(sy(g.y))}" stroke="#000" stroke-dasharray="6 4"/>`);
    body.push(text(width - m.right - 4, sy(g.y) - 4, g.label, { size: 11, anchor: 'end', fill: '#000' }));
  }
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const p = s.points.filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y));
    body.push(
      `<polyline class="series" data-label="${esc(s.label)}" fill="none" stroke="${color}" stroke-width="1.5" points="` +
        `${p.map((q) => `${px(sx(q.x))},${px(sy(q.y))}`).join(' ')}"/>`,
    );
    const y = plotBottom + 56 + i * 17;
    body.push(`<g class="legend-entry"><line x1="${m.left}" x2="${m.left + 22}" y1="${y - 4}" y2="${y - 4}" stroke="${color}" stroke-width="3"/>`);
    body.push(`${text(m.left + 30, y, s.label, { size: 12 })}</g>`);
  });
  return svgDocument(width, height, o.title, body);
}
