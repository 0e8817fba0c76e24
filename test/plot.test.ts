import { describe, expect, it } from 'vitest';
import { bigramHeatmapSvg } from '../src/plot/bigram-heatmap.ts';
import { embeddingScatterSvg, pca2 } from '../src/plot/embedding-scatter.ts';
import { bucketMeans, lossCurveSvg } from '../src/plot/loss-curve.ts';
import { esc, niceTicks } from '../src/plot/svg.ts';
import { checkWellFormed } from './helpers/xml.ts';

describe('svg helpers', () => {
  it('escapes markup characters', () => {
    expect(esc(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });
  it('niceTicks covers the range with round steps', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(2.07, 3.31, 6)).toEqual([2.2, 2.4, 2.6, 2.8, 3, 3.2]);
    expect(niceTicks(0, 200000, 6)).toEqual([0, 50000, 100000, 150000, 200000]);
    // across zero: zero itself, not a rounding residue like 6.94e-18
    expect(niceTicks(-0.09, 0.09, 6)).toEqual([-0.08, -0.06, -0.04, -0.02, 0, 0.02, 0.04, 0.06, 0.08]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });
  it('the well-formedness check itself rejects broken documents', () => {
    expect(() => checkWellFormed('<svg><g></svg>')).toThrow();
    expect(() => checkWellFormed('<svg><text>a<b</text></svg>')).toThrow();
    expect(() => checkWellFormed('<svg><text>a & b</text></svg>')).toThrow();
    expect(() => checkWellFormed('<svg><rect x=1/></svg>')).toThrow();
    expect(() => checkWellFormed('<svg><text>&amp;</text><rect x="1"/></svg>')).not.toThrow();
  });
});

describe('bigramHeatmapSvg', () => {
  const chars = ['.', 'a', 'b', '<'];
  const words = ['ab', 'ba', 'a', 'abba', 'b<'];
  // the counts, computed here independently of the plot
  const counts = new Array(16).fill(0);
  for (const w of words) {
    const s = ['.', ...w, '.'];
    for (let i = 0; i + 1 < s.length; i++) counts[chars.indexOf(s[i]) * 4 + chars.indexOf(s[i + 1])]++;
  }

  it('draws one labelled cell per pair with its count', () => {
    const svg = bigramHeatmapSvg({ chars, values: counts, mode: 'count' });
    checkWellFormed(svg);
    expect(svg.match(/<rect [^>]*stroke="white"/g)?.length).toBe(16);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        expect(svg).toContain(`<title>${esc(`${chars[i] + chars[j]}: ${counts[i * 4 + j]}`)}</title>`);
      }
    }
    // the most frequent pair gets the darkest colour
    expect(svg).toContain('fill="rgb(8,48,107)"');
  });

  it('shows probabilities with three decimals', () => {
    const probs = counts.map((c, k) => c / counts.slice(k - (k % 4), k - (k % 4) + 4).reduce((a, b) => a + b, 0) || 0);
    const svg = bigramHeatmapSvg({ chars, values: probs, mode: 'probability' });
    checkWellFormed(svg);
    expect(svg).toContain(`<title>.a: ${probs[1].toFixed(3).replace(/^0\./, '.')}</title>`);
  });

  it('rejects values of the wrong size', () => {
    expect(() => bigramHeatmapSvg({ chars, values: [1, 2, 3], mode: 'count' })).toThrow(/16 entries.*got 3/);
  });
});

describe('lossCurveSvg', () => {
  it('draws train and dev curves and escapes the title', () => {
    const history = Array.from({ length: 300 }, (_, s) => ({ step: s, train: 3 - s / 300, ...(s % 50 === 0 ? { dev: 3.1 - s / 300 } : {}) }));
    const svg = lossCurveSvg(history, { title: 'mlp <test> & co' });
    checkWellFormed(svg);
    expect(svg).toContain('<title>mlp &lt;test&gt; &amp; co</title>');
    const points = (cls: string): number => (svg.match(new RegExp(`class="${cls}"[^>]*points="([^"]*)"`))?.[1].split(' ').length ?? 0);
    expect(points('train-raw')).toBe(300);
    expect(points('dev')).toBe(6);
    expect(points('train-smooth')).toBe(50);
  });

  it('skips non-finite losses and handles an empty history', () => {
    const svg = lossCurveSvg([{ step: 0, train: 3 }, { step: 1, train: Number.NaN }, { step: 2, train: 2.5 }]);
    checkWellFormed(svg);
    expect(svg).not.toContain('NaN');
    checkWellFormed(lossCurveSvg([]));
    expect(lossCurveSvg([])).toContain('no training history');
  });

  it('bucketMeans averages groups of consecutive points', () => {
    const pts = Array.from({ length: 10 }, (_, i) => ({ x: i, y: i * i }));
    expect(bucketMeans(pts, 5)).toEqual([0, 1, 2, 3, 4].map((b) => ({ x: 2 * b + 0.5, y: ((2 * b) ** 2 + (2 * b + 1) ** 2) / 2 })));
    expect(bucketMeans(pts, 20)).toEqual(pts);
  });
});

describe('embedding scatter', () => {
  it('pca2 keeps the distances of points that lie in a plane', () => {
    // 8 points in a 2-D plane spanned by two orthonormal vectors of R^5, plus an offset
    const u = [1, 2, 0, -1, 3].map((x) => x / Math.sqrt(15));
    const v0 = [2, -1, 1, 0, 0];
    const d = v0.reduce((s, x, i) => s + x * u[i], 0);
    const v1 = v0.map((x, i) => x - d * u[i]);
    const n = Math.hypot(...v1);
    const v = v1.map((x) => x / n);
    const coords = [[0, 0], [1, 0], [0, 2], [3, 1], [-1, -2], [2, -3], [-2, 1], [4, 4]];
    const weights = coords.flatMap(([a, b]) => u.map((ui, i) => a * ui + b * v[i] + 0.5 * i));
    const { points, explained } = pca2(weights, 8, 5);
    expect(explained[0] + explained[1]).toBeCloseTo(1, 9);
    expect(explained[0]).toBeGreaterThanOrEqual(explained[1]);
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        const original = Math.hypot(coords[i][0] - coords[j][0], coords[i][1] - coords[j][1]);
        const projected = Math.hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]);
        expect(projected).toBeCloseTo(original, 6);
      }
    }
  });

  it('pca2 finds the axis of largest variance first', () => {
    // variance 9 along axis 2, 1 along axis 0, 0 elsewhere
    const rows = [
      [0, 0, 3, 0],
      [1, 0, 0, 0],
      [0, 0, -3, 0],
      [-1, 0, 0, 0],
    ];
    const weights = rows.flat();
    const { explained } = pca2(weights, 4, 4);
    expect(explained[0]).toBeCloseTo(0.9, 9);
    expect(explained[1]).toBeCloseTo(0.1, 9);
  });

  it('draws every character, escaped, at its coordinates for a 2-D embedding', () => {
    const chars = ['.', 'a', '&'];
    const svg = embeddingScatterSvg({ chars, weights: [0, 0, 1, 2, -1, 0.5], dim: 2 });
    checkWellFormed(svg);
    expect(svg.match(/<circle /g)?.length).toBe(3);
    expect(svg).toContain("<title>&#39;a&#39;: (1.000, 2.000)</title>");
    expect(svg).toContain('>&amp;</text>');
    expect(() => embeddingScatterSvg({ chars, weights: [1, 2, 3], dim: 1 })).toThrow(/dim >= 2/);
  });
});
