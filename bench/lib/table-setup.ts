/**
 * A kernel's benchmark inputs and call built from its row of `KERNEL_TABLE` alone (for `npm run bench:kernels`), so
 * a new kernel is timed without writing a setup for it.
 */
import type { Backend } from '../../src/backend/index.ts';
import { KERNEL_TABLE, type KernelName, type KernelSpec, type ScalarRule, type Sizes } from '../../src/backend/kernels.ts';
import { fillInts, fillNormal } from './data.ts';

/** Allocates a kernel's inputs in a backend and returns one call of it. */
type KernelSetup = (be: Backend) => () => unknown;

/** Calls fn with a fixed argument list: a closure per arity, so the timed call is direct (no spread, no bind). */
function fixedCall(fn: (...a: never[]) => unknown, args: readonly (number | boolean)[]): () => unknown {
  const f = fn as unknown as (...a: (number | boolean)[]) => unknown;
  const [a, b, c, d, e, g, h, i, j, k, l, m, n, o] = args;
  switch (args.length) {
    case 2: return () => f(a!, b!);
    case 3: return () => f(a!, b!, c!);
    case 4: return () => f(a!, b!, c!, d!);
    case 5: return () => f(a!, b!, c!, d!, e!);
    case 6: return () => f(a!, b!, c!, d!, e!, g!);
    case 7: return () => f(a!, b!, c!, d!, e!, g!, h!);
    case 8: return () => f(a!, b!, c!, d!, e!, g!, h!, i!);
    case 9: return () => f(a!, b!, c!, d!, e!, g!, h!, i!, j!);
    case 10: return () => f(a!, b!, c!, d!, e!, g!, h!, i!, j!, k!);
    case 11: return () => f(a!, b!, c!, d!, e!, g!, h!, i!, j!, k!, l!);
    case 12: return () => f(a!, b!, c!, d!, e!, g!, h!, i!, j!, k!, l!, m!);
    case 13: return () => f(a!, b!, c!, d!, e!, g!, h!, i!, j!, k!, l!, m!, n!);
    case 14: return () => f(a!, b!, c!, d!, e!, g!, h!, i!, j!, k!, l!, m!, n!, o!);
    default: throw new Error(`bench: no fixed call for ${args.length} arguments`);
  }
}

/**
 * Scalar values per validation rule for timing: a tiny lr (so parameters stay put however many calls are timed),
 * small decay, typical momentum/betas/eps, a step past the first.
 */
const BENCH_SCALARS: Record<ScalarRule, number> = {
  finite: 1e-6, nonNegative: 1e-4, positive: 1e-5, unit: 0.1, beta: 0.9, count: 10,
};

/**
 * One kernel's call built from its table row: float32 buffers of the lengths the row asks (values in [0.5, 1.5):
 * valid as variances too), index buffers in range (embedding tables get `rows` rows), flags false (overwrite), and
 * the scalars above. The kernel runs raw, as a training step calls it.
 */
export function tableSetup(kernel: KernelName, sizes: Partial<Sizes>, rows: number): KernelSetup {
  return (be) => {
    const spec: KernelSpec = KERNEL_TABLE[kernel];
    const s = sizes as Sizes;
    const tables = new Set(spec.args.flatMap((x) => (x.kind === 'i32' && typeof x.limit !== 'string' ? [x.limit.rowsOf] : [])));
    const args = spec.args.map((x, i): number | boolean => {
      switch (x.kind) {
        case 'f32': {
          const n = tables.has(x.name) ? rows * x.need(s) : x.need(s);
          const p = be.arena.allocF32(n, x.name);
          fillUniform(be.arena.f32(p, n), 100 + i);
          return p;
        }
        case 'i32':
          return ints(be, x.count(s), typeof x.limit === 'string' ? s[x.limit] : rows, 200 + i, x.name);
        case 'size':
          return s[x.name];
        case 'flag':
          return false;
        case 'scalar':
          return BENCH_SCALARS[x.rule];
      }
    });
    return fixedCall(be.raw[kernel], args);
  };
}

/** Values in [0.5, 1.5) from the seeded normal filler (|z| folded into the interval): deterministic per seed. */
function fillUniform(a: Float32Array, seed: number): void {
  fillNormal(a, seed);
  for (let i = 0; i < a.length; i++) a[i] = 0.5 + (Math.abs(a[i]!) % 1);
}

/** Random int32 indices in [0, range) in a backend's arena. */
function ints(be: Backend, n: number, range: number, seed: number, name: string): number {
  const p = be.arena.allocI32(n, name);
  fillInts(be.arena.i32(p, n), range, seed);
  return p;
}
