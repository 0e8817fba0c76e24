/**
 * A readable bigram heatmap of a large vocabulary: thousands of characters would make millions of cells (gigabytes of
 * SVG), so only the most frequent characters are drawn, and the title says so.
 */

/** Most characters a heatmap draws (a 40 px cell each). */
export const MAX_HEATMAP_CHARS = 64;

/** The rows and columns kept for a heatmap, with the values restricted to them. */
export interface HeatmapSubset {
  chars: string[];
  values: Float64Array;
  /** How many characters there were before the cut. */
  total: number;
}

/**
 * The `k` characters with the largest weight (row sum plus column sum of the V×V values: how often a character is
 * seen before or after another), `.` always kept, in their original order. With V ≤ k everything is kept.
 */
export function topCharacters(chars: readonly string[], values: ArrayLike<number>, k = MAX_HEATMAP_CHARS): HeatmapSubset {
  const V = chars.length;
  if (values.length !== V * V) throw new Error(`topCharacters: expected ${V}×${V} values, got ${values.length}`);
  let keep: number[];
  if (V <= k) keep = chars.map((_, i) => i);
  else {
    const weight = new Float64Array(V);
    for (let i = 0; i < V; i++) {
      for (let j = 0; j < V; j++) {
        const v = values[i * V + j]!;
        if (Number.isFinite(v)) {
          weight[i] += v;
          weight[j] += v;
        }
      }
    }
    const order = chars.map((_, i) => i).filter((i) => i !== 0).sort((a, b) => weight[b]! - weight[a]! || a - b);
    keep = [0, ...order.slice(0, k - 1)].sort((a, b) => a - b);
  }
  const n = keep.length;
  const out = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) out[a * n + b] = values[keep[a]! * V + keep[b]!]!;
  return { chars: keep.map((i) => chars[i]!), values: out, total: V };
}
