/**
 * The loss curve of a training run: minibatch training loss (raw, light, and smoothed, dark) and dev loss against the
 * step, as an SVG document.
 */
import type { LossPoint } from '../io/model-file.ts';
import { esc, linearScale, niceTicks, px, svgDocument, text, tickLabel } from './svg.ts';

/** Options for {@link lossCurveSvg}. */
export interface LossCurveOptions {
  /** Heading of the plot. */
  title?: string;
  width?: number;
  height?: number;
}

/**
 * Averages consecutive points into at most `buckets` groups: a 200,000-step history becomes a readable (and small)
 * polyline, and with few buckets it is the smoothed curve.
 */
export function bucketMeans(points: readonly { x: number; y: number }[], buckets: number): { x: number; y: number }[] {
  if (points.length <= buckets) return points.slice();
  const size = points.length / buckets;
  const out: { x: number; y: number }[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.floor((b + 1) * size);
    let sx = 0;
    let sy = 0;
    for (let i = start; i < end; i++) {
      sx += points[i].x;
      sy += points[i].y;
    }
    out.push({ x: sx / (end - start), y: sy / (end - start) });
  }
  return out;
}

/** The loss curve as an SVG document; non-finite losses are left out. */
export function lossCurveSvg(history: readonly LossPoint[], options: LossCurveOptions = {}): string {
  const { title = 'Loss curve', width = 760, height = 440 } = options;
  const margin = { left: 64, right: 24, top: 44, bottom: 52 };
  const train = history.filter((p) => Number.isFinite(p.train)).map((p) => ({ x: p.step, y: p.train }));
  const dev = history
    .filter((p) => p.dev !== undefined && p.dev !== null && Number.isFinite(p.dev))
    .map((p) => ({ x: p.step, y: p.dev as number }));
  const body: string[] = [text(width / 2, 26, title, { size: 16, anchor: 'middle', weight: 'bold' })];
  const all = [...train, ...dev];
  if (all.length === 0) {
    body.push(text(width / 2, height / 2, 'no training history in this model file', { anchor: 'middle', fill: '#888' }));
    return svgDocument(width, height, title, body);
  }

  const raw = bucketMeans(train, 1000);
  const smooth = bucketMeans(train, Math.max(1, Math.min(50, Math.floor(train.length / 5))));
  const xs = all.map((p) => p.x);
  const ys = [...raw, ...dev].map((p) => p.y);
  // steps count from 0: start the axis there so the first report is not mistaken for the start
  let [x0, x1] = [Math.min(0, ...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const sx = linearScale(x0, x1, margin.left, width - margin.right);
  const sy = linearScale(y0, y1, height - margin.bottom, margin.top);

  // grid and axes
  for (const t of niceTicks(y0, y1, 6)) {
    body.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${px(sy(t))}" y2="${px(sy(t))}" stroke="#eee"/>`);
    body.push(text(margin.left - 6, sy(t) + 4, tickLabel(t), { size: 11, anchor: 'end', fill: '#555' }));
  }
  for (const t of niceTicks(x0, x1, 6)) {
    body.push(`<line x1="${px(sx(t))}" x2="${px(sx(t))}" y1="${margin.top}" y2="${height - margin.bottom}" stroke="#eee"/>`);
    body.push(text(sx(t), height - margin.bottom + 16, tickLabel(t), { size: 11, anchor: 'middle', fill: '#555' }));
  }
  body.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${width - margin.left - margin.right}" ` +
      `height="${height - margin.top - margin.bottom}" fill="none" stroke="#999"/>`,
  );
  body.push(text((margin.left + width - margin.right) / 2, height - 12, 'step', { anchor: 'middle', fill: '#444' }));
  body.push(
    text(16, (margin.top + height - margin.bottom) / 2, 'loss (mean NLL, nats)', {
      anchor: 'middle',
      fill: '#444',
      extra: ` transform="rotate(-90 16 ${px((margin.top + height - margin.bottom) / 2)})"`,
    }),
  );

  const line = (pts: { x: number; y: number }[], color: string, w: number, name: string): string =>
    `<polyline class="${esc(name)}" fill="none" stroke="${color}" stroke-width="${w}" stroke-linejoin="round" points="` +
    pts.map((p) => `${px(sx(p.x))},${px(sy(p.y))}`).join(' ') +
    '"/>';
  if (raw.length > 0) body.push(line(raw, '#9ecae1', 1, 'train-raw'));
  if (smooth.length > 1) body.push(line(smooth, '#1f77b4', 2, 'train-smooth'));
  if (dev.length > 0) {
    body.push(line(dev, '#ff7f0e', 2, 'dev'));
    for (const p of dev.length <= 100 ? dev : []) {
      body.push(`<circle cx="${px(sx(p.x))}" cy="${px(sy(p.y))}" r="3" fill="#ff7f0e"/>`);
    }
  }

  // legend, top right
  const lx = width - margin.right - 170;
  const entries: [string, string][] = [
    ['#9ecae1', 'train'],
    ['#1f77b4', 'train (smoothed)'],
  ];
  if (dev.length > 0) entries.push(['#ff7f0e', 'dev']);
  body.push(`<rect x="${lx - 8}" y="${margin.top + 6}" width="168" height="${entries.length * 18 + 8}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`);
  entries.forEach(([color, label], i) => {
    const y = margin.top + 20 + i * 18;
    body.push(`<line x1="${lx}" x2="${lx + 24}" y1="${y - 4}" y2="${y - 4}" stroke="${color}" stroke-width="3"/>`);
    body.push(text(lx + 32, y, label, { size: 12 }));
  });
  return svgDocument(width, height, title, body);
}
