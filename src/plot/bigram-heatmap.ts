/**
 * The bigram heatmap of makemore part 1: a V×V grid, row = first character, column = next character, each cell
 * coloured by its value and labelled with the pair and the value (count or probability).
 */
import { blues, esc, px, svgDocument, text } from './svg.ts';

/** Input of {@link bigramHeatmapSvg}. */
export interface BigramHeatmapData {
  /** The characters in index order, `.` (the word boundary) first. */
  chars: readonly string[];
  /** V·V values, row-major: `values[i * V + j]` belongs to the pair (chars[i], chars[j]). */
  values: ArrayLike<number>;
  /** What the values are: counts are shown as integers, probabilities with 3 decimals. */
  mode: 'count' | 'probability';
  /** Heading of the plot. */
  title?: string;
}

/** Formats a cell value so it fits in a cell. */
function cellLabel(value: number, mode: 'count' | 'probability'): string {
  if (!Number.isFinite(value)) return String(value);
  if (mode === 'count') return Number.isInteger(value) ? String(value) : value.toFixed(1);
  return value === 0 ? '0' : value.toFixed(3).replace(/^0\./, '.');
}

/** The heatmap as an SVG document; hovering a cell shows its pair and value as a tooltip. */
export function bigramHeatmapSvg(data: BigramHeatmapData): string {
  const { chars, values, mode } = data;
  const V = chars.length;
  if (V === 0 || values.length !== V * V) {
    throw new Error(`bigramHeatmapSvg: values must have ${V}×${V} = ${V * V} entries for ${V} characters, got ${values.length}`);
  }
  const title = data.title ?? (mode === 'count' ? 'Bigram counts' : 'Bigram probabilities P(next | previous)');
  const cell = 40;
  const top = 50;
  const left = 30;
  const width = left + V * cell + 20;
  const height = top + V * cell + 20;
  let max = 0;
  for (let k = 0; k < values.length; k++) if (Number.isFinite(values[k]) && values[k] > max) max = values[k];

  const body: string[] = [text(width / 2, 28, title, { size: 18, anchor: 'middle', weight: 'bold' })];
  // row and column headers: the first and the next character
  for (let i = 0; i < V; i++) {
    body.push(text(left - 8, top + i * cell + cell / 2 + 4, chars[i], { size: 12, anchor: 'middle', fill: '#666' }));
    body.push(text(left + i * cell + cell / 2, top - 6, chars[i], { size: 12, anchor: 'middle', fill: '#666' }));
  }
  for (let i = 0; i < V; i++) {
    for (let j = 0; j < V; j++) {
      const v = values[i * V + j];
      const t = max > 0 ? v / max : 0;
      const x = left + j * cell;
      const y = top + i * cell;
      const pair = chars[i] + chars[j];
      const label = cellLabel(v, mode);
      const ink = t > 0.55 ? 'white' : '#555';
      body.push(
        `<g><title>${esc(`${pair}: ${label}`)}</title>` +
          `<rect x="${px(x)}" y="${px(y)}" width="${cell}" height="${cell}" fill="${blues(t)}" stroke="white" stroke-width="0.5"/>` +
          text(x + cell / 2, y + 16, pair, { size: 11, anchor: 'middle', fill: ink }) +
          text(x + cell / 2, y + 31, label, { size: 9, anchor: 'middle', fill: ink }) +
          '</g>',
      );
    }
  }
  return svgDocument(width, height, title, body);
}
