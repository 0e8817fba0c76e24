/**
 * `bench:kernels` shapes and flop counts of the Transformer's kernels (issue 15), at makemore.py's defaults with the
 * bench's batch: B 32, T 16, C 64, 4 heads, MLP width 4C. Flops count multiplies and adds (and the few divides,
 * square roots and tanh/exp polynomials as one each), so the GFLOP/s of a family compare with the matmuls'.
 */
import type { KernelName, Sizes } from '../../src/backend/kernels.ts';

const B = 32, T = 16, C = 64, H = 4;
const ROWS = B * T;

/** The shapes a Transformer kernel is timed at, labelled; undefined for the kernels of other models. */
export function transformerShapes(kernel: KernelName): [string, Partial<Sizes>][] | undefined {
  switch (kernel) {
    case 'layerNormForward':
    case 'layerNormBackward':
      return [[`${ROWS}x${C}`, { M: ROWS, N: C }]];
    case 'geluForward':
    case 'geluBackward':
      return [[`${ROWS}x${4 * C}`, { n: ROWS * 4 * C }]];
    case 'attentionForward':
    case 'attentionBackward':
      return [[`${B}x${T}x${C}/${H}`, { B, T, D: C, N: H }]];
    case 'causalMeanForward':
    case 'causalMeanBackward':
      return [[`${B}x${T}x${C}`, { B, T, D: C }]];
    case 'attentionStep':
      return [[`${B}x${T}x${C}/${H} at ${T}`, { B, T, D: C, N: H, n: T }]];
    default:
      return undefined;
  }
}

/** Floating-point operations of one call (see the module comment), or undefined. */
export function transformerFlops(kernel: KernelName, s: Partial<Sizes>): number | undefined {
  const pairs = (t: number) => (t * (t + 1)) / 2; // (query, key) pairs under the causal mask
  switch (kernel) {
    case 'layerNormForward': return 8 * s.M! * s.N!; // sum, centre, square-add, normalize, scale, shift
    case 'layerNormBackward': return 14 * s.M! * s.N!;
    case 'geluForward': return 20 * s.n!; // the cube, the argument, tanh's rational form, the product
    case 'geluBackward': return 30 * s.n!;
    case 'attentionForward': {
      const hs = s.D! / s.N!;
      // scores q·k and the weighted sum: 2·hs each per pair; scale, exp, sum, normalize: ~4 per pair
      return s.B! * s.N! * pairs(s.T!) * (4 * hs + 4);
    }
    case 'attentionBackward': {
      const hs = s.D! / s.N!;
      // dout·v, and the three axpys dq, dk, dv: 2·hs each per pair, plus ~5 for the softmax gradient
      return s.B! * s.N! * pairs(s.T!) * (8 * hs + 5);
    }
    case 'causalMeanForward':
    case 'causalMeanBackward': return 2 * s.B! * s.T! * s.D!;
    case 'attentionStep': return s.B! * s.N! * s.n! * (4 * (s.D! / s.N!) + 4);
    default: return undefined;
  }
}
