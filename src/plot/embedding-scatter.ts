/**
 * The character embedding scatter of makemore part 2: each character drawn at its 2-D embedding. With more than two
 * embedding dimensions the rows are projected on their first two principal components (the plane that keeps the
 * most variance), since two raw coordinates of a 10-D embedding show an arbitrary slice.
 */
import { spreadLabels } from './label-layout.ts';
import { esc, linearScale, niceTicks, px, svgDocument, text, tickLabel } from './svg.ts';

/** Radius of a character's round marker, in SVG units. */
const MARKER_RADIUS = 11;

/** Input of {@link embeddingScatterSvg}. */
export interface EmbeddingData {
  /** The characters in index order (`.` first). */
  chars: readonly string[];
  /** The embedding table C, row-major V × dim. */
  weights: ArrayLike<number>;
  /** Embedding dimension, at least 2. */
  dim: number;
  /** Heading of the plot. */
  title?: string;
}

/**
 * Projects the rows of a rows × cols matrix on its first two principal components (rows centered; components by power
 * iteration on the covariance with deflation, float64). Returns the 2-D points and the fraction of the total variance
 * each component explains. Signs are fixed so the largest-magnitude coordinate of each component is positive.
 */
export function pca2(
  weights: ArrayLike<number>,
  rows: number,
  cols: number,
): { points: [number, number][]; explained: [number, number] } {
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j] += weights[i * cols + j] / rows;
  const X = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) X[i * cols + j] = weights[i * cols + j] - mean[j];
  const cov = new Float64Array(cols * cols);
  for (let i = 0; i < rows; i++) {
    for (let a = 0; a < cols; a++) {
      const xa = X[i * cols + a];
      for (let b = 0; b < cols; b++) cov[a * cols + b] += xa * X[i * cols + b];
    }
  }
  let total = 0;
  for (let a = 0; a < cols; a++) total += cov[a * cols + a];

  const components: Float64Array[] = [];
  const variances: number[] = [];
  for (let c = 0; c < 2; c++) {
    // deterministic start that is not orthogonal to any axis
    let v = new Float64Array(cols).map((_, j) => 1 + j / cols);
    let lambda = 0;
    for (let iter = 0; iter < 500; iter++) {
      const w = new Float64Array(cols);
      for (let a = 0; a < cols; a++) for (let b = 0; b < cols; b++) w[a] += cov[a * cols + b] * v[b];
      for (const u of components) {
        let d = 0;
        for (let a = 0; a < cols; a++) d += w[a] * u[a];
        for (let a = 0; a < cols; a++) w[a] -= d * u[a];
      }
      const norm = Math.hypot(...w);
      if (norm === 0) break;
      for (let a = 0; a < cols; a++) w[a] /= norm;
      let change = 0;
      for (let a = 0; a < cols; a++) change += Math.abs(w[a] - v[a]);
      v = w;
      lambda = norm;
      if (change < 1e-12) break;
    }
    let big = 0;
    for (let a = 0; a < cols; a++) if (Math.abs(v[a]) > Math.abs(v[big])) big = a;
    if (v[big] < 0) for (let a = 0; a < cols; a++) v[a] = -v[a];
    components.push(v);
    variances.push(lambda);
  }
  const points: [number, number][] = [];
  for (let i = 0; i < rows; i++) {
    const p: [number, number] = [0, 0];
    for (let c = 0; c < 2; c++) for (let a = 0; a < cols; a++) p[c] += X[i * cols + a] * components[c][a];
    points.push(p);
  }
  const explained: [number, number] = total > 0 ? [variances[0] / total, variances[1] / total] : [0, 0];
  return { points, explained };
}

/** The scatter as an SVG document: a labelled dot per character, axes with ticks. */
export function embeddingScatterSvg(data: EmbeddingData): string {
  const { chars, weights, dim } = data;
  const V = chars.length;
  if (!(dim >= 2) || weights.length !== V * dim) {
    throw new Error(`embeddingScatterSvg: need dim >= 2 and ${V}×${dim} weights, got dim ${dim} and ${weights.length} weights`);
  }
  let points: [number, number][];
  let axes: [string, string];
  let title = data.title;
  if (dim === 2) {
    points = chars.map((_, i) => [weights[i * 2], weights[i * 2 + 1]] as [number, number]);
    axes = ['C[:, 0]', 'C[:, 1]'];
    title ??= 'Character embeddings (2-D)';
  } else {
    const pca = pca2(weights, V, dim);
    points = pca.points;
    const pct = (f: number): string => `${(100 * f).toFixed(0)}% of variance`;
    axes = [`principal component 1 (${pct(pca.explained[0])})`, `principal component 2 (${pct(pca.explained[1])})`];
    title ??= `Character embeddings (${dim}-D, projected on the first two principal components)`;
  }

  const width = 640;
  const height = 640;
  const margin = { left: 64, right: 24, top: 48, bottom: 52 };
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const span = (lo: number, hi: number): [number, number] => {
    const pad = (hi - lo || 1) * 0.08;
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = span(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = span(Math.min(...ys), Math.max(...ys));
  const sx = linearScale(x0, x1, margin.left, width - margin.right);
  const sy = linearScale(y0, y1, height - margin.bottom, margin.top);

  const body: string[] = [text(width / 2, 28, title, { size: 15, anchor: 'middle', weight: 'bold' })];
  for (const t of niceTicks(x0, x1, 6)) {
    body.push(`<line x1="${px(sx(t))}" x2="${px(sx(t))}" y1="${margin.top}" y2="${height - margin.bottom}" stroke="#eee"/>`);
    body.push(text(sx(t), height - margin.bottom + 16, tickLabel(t), { size: 11, anchor: 'middle', fill: '#555' }));
  }
  for (const t of niceTicks(y0, y1, 6)) {
    body.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${px(sy(t))}" y2="${px(sy(t))}" stroke="#eee"/>`);
    body.push(text(margin.left - 6, sy(t) + 4, tickLabel(t), { size: 11, anchor: 'end', fill: '#555' }));
  }
  body.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${width - margin.left - margin.right}" ` +
      `height="${height - margin.top - margin.bottom}" fill="none" stroke="#999"/>`,
  );
  body.push(text((margin.left + width - margin.right) / 2, height - 12, axes[0], { anchor: 'middle', fill: '#444' }));
  const my = (margin.top + height - margin.bottom) / 2;
  body.push(text(16, my, axes[1], { anchor: 'middle', fill: '#444', extra: ` transform="rotate(-90 16 ${px(my)})"` }));
  // markers that would hide each other are nudged apart; a moved one keeps a thin line to its true position
  const exact = points.map(([x, y]) => ({ x: sx(x), y: sy(y) }));
  const placed = spreadLabels(exact, MARKER_RADIUS, {
    left: margin.left, top: margin.top, right: width - margin.right, bottom: height - margin.bottom,
  });
  points.forEach(([x, y], i) => {
    const at = placed[i]!;
    const from = exact[i]!;
    const moved = Math.hypot(at.x - from.x, at.y - from.y) > 0.5;
    body.push(
      `<g><title>${esc(`'${chars[i]}': (${x.toPrecision(4)}, ${y.toPrecision(4)})${moved ? ', label moved apart' : ''}`)}</title>` +
        (moved
          ? `<line class="leader" x1="${px(from.x)}" y1="${px(from.y)}" x2="${px(at.x)}" y2="${px(at.y)}" stroke="#6a3d9a" stroke-width="1"/>` +
            `<circle class="true-position" cx="${px(from.x)}" cy="${px(from.y)}" r="2" fill="#6a3d9a"/>`
          : '') +
        `<circle cx="${px(at.x)}" cy="${px(at.y)}" r="${MARKER_RADIUS}" fill="#6a3d9a"/>` +
        text(at.x, at.y + 4.5, chars[i], { size: 13, anchor: 'middle', fill: 'white', weight: 'bold' }) +
        '</g>',
    );
  });
  return svgDocument(width, height, title, body);
}
