/**
 * `bench:kernels` shapes of the Transformer's kernels (issue 15), at makemore.py's defaults with the bench's batch:
 * B 32, T 16, C 64, 4 heads, MLP width 4C. (Their FLOP counts, like every kernel's, are in `KERNEL_TABLE`.)
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
