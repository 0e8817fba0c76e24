/**
 * Embedding-plot labels never hide each other: overlapping markers are nudged apart, the others stay put.
 */
import { describe, expect, it } from 'vitest';
import { embeddingScatterSvg } from '../src/plot/embedding-scatter.ts';
import { spreadLabels, type XY } from '../src/plot/label-layout.ts';
import { Rng } from '../src/rng.ts';
import { checkWellFormed } from './helpers/xml.ts';

const BOX = { left: 0, top: 0, right: 500, bottom: 500 };

function minDistance(points: readonly XY[]): number {
  let min = Infinity;
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) min = Math.min(min, Math.hypot(points[i]!.x - points[j]!.x, points[i]!.y - points[j]!.y));
  }
  return min;
}

describe('spreadLabels', () => {
  it('leaves labels that overlap nothing exactly where they are', () => {
    const points = [{ x: 50, y: 50 }, { x: 100, y: 50 }, { x: 300, y: 420 }];
    expect(spreadLabels(points, 11, BOX)).toEqual(points);
  });

  it('separates a tight cluster (and coincident points) to at least 2r + gap, inside the box, deterministically', () => {
    const rng = new Rng(4);
    const cluster = Array.from({ length: 12 }, () => ({ x: 250 + 6 * rng.next(), y: 250 + 6 * rng.next() }));
    cluster.push({ x: 250, y: 250 }, { x: 250, y: 250 });
    expect(minDistance(cluster)).toBeLessThan(1);
    const placed = spreadLabels(cluster, 11, BOX, 1);
    expect(minDistance(placed)).toBeGreaterThanOrEqual(23 - 1e-6);
    for (const p of placed) {
      expect(p.x).toBeGreaterThanOrEqual(11);
      expect(p.x).toBeLessThanOrEqual(489);
    }
    expect(spreadLabels(cluster, 11, BOX, 1)).toEqual(placed);
  });

  it('keeps a pair near a wall apart too (clamped, not pushed outside)', () => {
    const placed = spreadLabels([{ x: 3, y: 3 }, { x: 4, y: 3 }], 11, BOX, 1);
    expect(minDistance(placed)).toBeGreaterThanOrEqual(23 - 1e-6);
    for (const p of placed) expect(Math.min(p.x, p.y)).toBeGreaterThanOrEqual(11);
  });
});

describe('embedding scatter labels', () => {
  it('no two character markers overlap, even when two embeddings nearly coincide; moved ones point to their position', () => {
    const chars = ['.', 'a', 't', 'x', 'z'];
    // t and x almost on top of each other, as in the names MLP
    const weights = [0, 0, 2, 2, 1, 1, 1.001, 1.002, -1, 0.5];
    const svg = embeddingScatterSvg({ chars, weights, dim: 2 });
    checkWellFormed(svg);
    const markers = [...svg.matchAll(/<circle cx="([\d.-]+)" cy="([\d.-]+)" r="11"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
    expect(markers).toHaveLength(5);
    expect(minDistance(markers)).toBeGreaterThanOrEqual(22);
    expect(svg.match(/class="leader"/g)).toHaveLength(2);
    expect(svg).toContain("<title>&#39;t&#39;: (1.000, 1.000), label moved apart</title>");
  });
});
