import type { Arena } from './arena.ts';
import type { Kernels, Ptr } from './kernels.ts';

type Reductions = 'sum' | 'sumSquaredDeviations' | 'countAbove' | 'maxAbs' | 'histogram' | 'subtract';

/**
 * The diagnostics reductions of the plain TypeScript backend (see `js.ts`): sums in float64 (JS numbers), the
 * saturation threshold compared in float32 as wasm does, histogram bins formed in float32 as wasm does.
 */
export function createJsReductions(arena: Arena): Pick<Kernels, Reductions> {
  function sum(x: Ptr, n: number): number {
    const F = arena.F32;
    const X = x >>> 2;
    let total = 0;
    for (let i = 0; i < n; i++) total += F[X + i]!;
    return total;
  }

  function sumSquaredDeviations(x: Ptr, n: number, center: number): number {
    const F = arena.F32;
    const X = x >>> 2;
    let total = 0;
    for (let i = 0; i < n; i++) total += (F[X + i]! - center) ** 2;
    return total;
  }

  function countAbove(x: Ptr, n: number, threshold: number): number {
    const F = arena.F32;
    const X = x >>> 2;
    const t = Math.fround(threshold); // wasm compares in float32
    let count = 0;
    for (let i = 0; i < n; i++) if (Math.abs(F[X + i]!) > t) count++;
    return count;
  }

  function maxAbs(x: Ptr, n: number): number {
    const F = arena.F32;
    const X = x >>> 2;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(F[X + i]!);
      if (a > m) m = a;
    }
    return m;
  }

  function histogram(counts: Ptr, x: Ptr, n: number, lo: number, hi: number, N: number): void {
    const F = arena.F32;
    const C = counts >>> 2, X = x >>> 2;
    F.fill(0, C, C + N);
    // float32 throughout, as wasm's four-lane version: (x − lo)·scale, truncated, clamped to [0, N − 1]
    const lo32 = Math.fround(lo), scale = Math.fround(N / (hi - lo));
    for (let i = 0; i < n; i++) {
      const t = Math.fround(Math.fround(F[X + i]! - lo32) * scale);
      const b = t >= N - 1 ? N - 1 : t > 0 ? Math.trunc(t) : 0; // NaN and t <= 0: the first bin
      F[C + b]++;
    }
  }

  function subtract(y: Ptr, a: Ptr, b: Ptr, n: number): void {
    const F = arena.F32;
    const Y = y >>> 2, A = a >>> 2, B = b >>> 2;
    for (let i = 0; i < n; i++) F[Y + i] = F[A + i]! - F[B + i]!;
  }

  return { sum, sumSquaredDeviations, countAbove, maxAbs, histogram, subtract };
}
