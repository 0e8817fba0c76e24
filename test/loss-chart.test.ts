/**
 * The demo's loss chart (web/chart.ts) in Node: losses above its range are marked as clipped, not drawn as a flat
 * stretch along the top edge.
 */
import { describe, expect, it } from 'vitest';
import { lossChartSvg } from '../web/chart.ts';
import type { LossPoint } from '../web/protocol.ts';
import { checkWellFormed } from './helpers/xml.ts';

const TOP = 12; // the chart's top margin: the y of the range's upper edge

/** Every y coordinate of a path's d attribute. */
function ys(d: string): number[] {
  return [...d.matchAll(/[ML][\d.-]+,([\d.-]+)/g)].map((m) => Number(m[1]));
}

describe('loss chart', () => {
  const calm: LossPoint[] = Array.from({ length: 200 }, (_, i) => ({ step: i + 1, loss: 2.5 - i / 400 + 0.05 * Math.sin(i) }));

  it('draws a calm curve whole, with no clipped marker', () => {
    const svg = lossChartSvg(calm, [{ step: 100, loss: 2.4 }], 200);
    expect(svg).not.toContain('class="clipped"');
    const d = /class="train" d="([^"]*)"/.exec(svg)![1]!;
    expect(ys(d)).toHaveLength(200);
  });

  it('marks a spike above the range with ▲ and breaks the curve there instead of running along the top', () => {
    const spiky = calm.map((p) => (p.step >= 50 && p.step <= 52 ? { ...p, loss: 40 } : p));
    const svg = lossChartSvg(spiky, [], 200);
    checkWellFormed(svg.replace('<svg ', '<svg xmlns="http://www.w3.org/2000/svg" '));
    expect(svg.match(/class="clipped"/g)).toHaveLength(1);
    expect(svg).toMatch(/<title>loss up to 40\.00 near step 51: above the chart<\/title>/);
    expect(svg).toMatch(/class="clipped-note"[^>]*>▲ loss above [\d.]+, not drawn</);
    const d = /class="train" d="([^"]*)"/.exec(svg)![1]!;
    const y = ys(d);
    expect(y).toHaveLength(197); // the three clipped points are not in the path
    expect(Math.min(...y)).toBeGreaterThan(TOP); // nothing drawn on the edge
    expect(d.match(/M/g)).toHaveLength(2); // the curve stops before the spike and starts again after it
  });
});
