/**
 * Nudging overlapping round labels apart: a scatter of 27 characters often puts two of them (in the names MLP, `t`
 * and `x`) within a marker's width, and the one drawn last hides the other. Labels that overlap are pushed apart
 * along the line between them until every pair is at least `2 × radius + gap` apart (or the iteration budget runs
 * out); labels that overlap nothing stay exactly where they are. Deterministic: no randomness, input order decides.
 */

/** A point in drawing coordinates. */
export interface XY {
  x: number;
  y: number;
}

/** The rectangle the labels must stay inside. */
export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Positions for round labels of `radius` centred on `points`, moved as little as needed so that no two overlap.
 * Positions are clamped to `bounds` (shrunk by the radius).
 */
export function spreadLabels(points: readonly XY[], radius: number, bounds: Box, gap = 1, maxIterations = 200): XY[] {
  if (!(radius > 0)) throw new Error(`spreadLabels: radius must be > 0, got ${radius}`);
  const min = 2 * radius + gap;
  const out = points.map((p) => ({ x: p.x, y: p.y }));
  const clamp = (p: XY): void => {
    p.x = Math.min(bounds.right - radius, Math.max(bounds.left + radius, p.x));
    p.y = Math.min(bounds.bottom - radius, Math.max(bounds.top + radius, p.y));
  };
  for (let iter = 0; iter < maxIterations; iter++) {
    let moved = false;
    for (let i = 0; i < out.length; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const a = out[i]!;
        const b = out[j]!;
        let dx = b.x - a.x;
        let dy = b.y - a.y;
        let d = Math.hypot(dx, dy);
        if (d >= min - 1e-9) continue;
        if (d < 1e-9) {
          // on top of each other: a fixed direction per pair, so the result does not depend on rounding
          const angle = ((i * 7 + j * 13) % 16) * (Math.PI / 8);
          dx = Math.cos(angle);
          dy = Math.sin(angle);
          d = 1;
        } else {
          dx /= d;
          dy /= d;
        }
        // each moves half of the overlap (a little more, so the loop ends), away from the other
        const push = (min - Math.max(d, 0)) / 2 + 1e-6;
        a.x -= dx * push;
        a.y -= dy * push;
        b.x += dx * push;
        b.y += dy * push;
        clamp(a);
        clamp(b);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return out;
}
