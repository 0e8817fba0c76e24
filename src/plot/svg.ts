/**
 * The few SVG building blocks the plots share: escaping, number formatting, axis ticks and a colour scale. The plots
 * are hand-written SVG 1.1 strings (no plotting dependency) that any browser opens.
 */

/** Escapes text for use in SVG element content and attribute values. */
export function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A coordinate with at most 2 decimals: small files, no visible loss. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** A complete standalone SVG document. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px(width)}" height="${px(height)}" ` +
      `viewBox="0 0 ${px(width)} ${px(height)}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${px(width)}" height="${px(height)}" fill="white"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** A text element. */
export function text(
  x: number,
  y: number,
  content: string,
  attrs: { size?: number; anchor?: 'start' | 'middle' | 'end'; fill?: string; weight?: string; extra?: string } = {},
): string {
  const { size = 12, anchor = 'start', fill = '#222', weight, extra = '' } = attrs;
  const w = weight ? ` font-weight="${weight}"` : '';
  return `<text x="${px(x)}" y="${px(y)}" font-size="${size}" text-anchor="${anchor}" fill="${fill}"${w}${extra}>${esc(content)}</text>`;
}

/**
 * About `count` round tick values inside [min, max] (steps of 1, 2 or 5 times a power of ten), as in most plotting
 * libraries.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  // round the raw step to the nearest of 1, 2, 5, 10 × power on a log scale (the rule d3 uses)
  const error = raw / power;
  const step = power * (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1);
  const ticks: number[] = [];
  // each tick from its index (no accumulated rounding), and zero exactly zero (not 6.9e-18)
  for (let i = Math.ceil(min / step); i * step <= max + step * 1e-9; i++) ticks.push(i === 0 ? 0 : Number((i * step).toPrecision(12)));
  return ticks;
}

/** A tick label: integers with thousands separators, otherwise up to 3 significant decimals. */
export function tickLabel(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return String(Number(value.toPrecision(3)));
}

/**
 * White → dark blue, as matplotlib's "Blues" that the lecture's heatmap uses; `t` in [0, 1]. Returns `rgb(...)`.
 */
export function blues(t: number): string {
  const stops: [number, number, number][] = [
    [247, 251, 255],
    [198, 219, 239],
    [107, 174, 214],
    [33, 113, 181],
    [8, 48, 107],
  ];
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i].map((a, k) => Math.round(a + (stops[i + 1][k] - a) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** A linear map from the data interval [d0, d1] to the pixel interval [p0, p1]. */
export function linearScale(d0: number, d1: number, p0: number, p1: number): (v: number) => number {
  const span = d1 - d0 || 1;
  return (v) => p0 + ((v - d0) / span) * (p1 - p0);
}
