/**
 * The matmul calls makemore's models make in one training step, by form, shape (M×K×N as the kernel's arguments)
 * and accumulate flag — read off the models with the default names (sequences of T = 14 characters, so B·T = 448
 * rows for the recurrent nets and the Transformer). `npm run bench:kernels` times each one for its form, and
 * `scripts/ab-kernels.ts` compares two builds of the kernels on them.
 */
import type { MatmulForm } from '../tfjs/matmul.ts';

/** One matmul call of a training step. */
export interface MatmulShape {
  form: MatmulForm;
  M: number;
  K: number;
  N: number;
  /** The step calls it with accumulate on (TN weight gradients add into the gradient buffers). */
  acc: boolean;
  /** Which step makes this call (the first one when several do). */
  model: string;
}

type Row = [MatmulForm, number, number, number, boolean?];

/** Per model: forward NN, weight-gradient TN (accumulating), input-gradient NT. Shapes seen first win on duplicates. */
const BY_MODEL: [string, Row[]][] = [
  ['mlp b32', [
    ['matmul', 32, 30, 200], ['matmul', 32, 200, 27], ['matmulTN', 30, 32, 200, true], ['matmulTN', 200, 32, 27, true],
    ['matmulNT', 32, 27, 200], ['matmulNT', 32, 200, 30],
  ]],
  ['mlp b256', [
    ['matmul', 256, 30, 200], ['matmul', 256, 200, 27], ['matmulTN', 30, 256, 200, true], ['matmulTN', 200, 256, 27, true],
    ['matmulNT', 256, 27, 200], ['matmulNT', 256, 200, 30],
  ]],
  ['mlp 5x100 b32', [
    ['matmul', 32, 30, 100], ['matmul', 32, 100, 100], ['matmul', 32, 100, 27], ['matmulTN', 30, 32, 100, true],
    ['matmulTN', 100, 32, 100, true], ['matmulTN', 100, 32, 27, true], ['matmulNT', 32, 27, 100], ['matmulNT', 32, 100, 100],
    ['matmulNT', 32, 100, 30],
  ]],
  ['mlp 5x100 b256', [
    ['matmul', 256, 30, 100], ['matmul', 256, 100, 100], ['matmul', 256, 100, 27], ['matmulTN', 30, 256, 100, true],
    ['matmulTN', 100, 256, 100, true], ['matmulTN', 100, 256, 27, true], ['matmulNT', 256, 27, 100],
    ['matmulNT', 256, 100, 100], ['matmulNT', 256, 100, 30],
  ]],
  ['wavenet', [
    ['matmul', 128, 48, 128], ['matmul', 64, 256, 128], ['matmul', 32, 256, 128], ['matmul', 32, 128, 27],
    ['matmulTN', 48, 128, 128, true], ['matmulTN', 256, 64, 128, true], ['matmulTN', 256, 32, 128, true],
    ['matmulTN', 128, 32, 27, true], ['matmulNT', 128, 128, 48], ['matmulNT', 64, 128, 256], ['matmulNT', 32, 128, 256],
    ['matmulNT', 32, 27, 128],
  ]],
  ['recurrent', [
    ['matmul', 448, 64, 64], ['matmul', 32, 64, 64, true], ['matmul', 448, 64, 27], ['matmul', 448, 64, 128],
    ['matmul', 32, 64, 128, true], ['matmul', 448, 64, 256], ['matmul', 32, 64, 256, true],
    ['matmulTN', 64, 448, 64, true], ['matmulTN', 64, 448, 27, true], ['matmulTN', 64, 448, 128, true],
    ['matmulTN', 64, 448, 256, true], ['matmulNT', 448, 27, 64], ['matmulNT', 32, 64, 64, true],
    ['matmulNT', 448, 64, 64], ['matmulNT', 32, 128, 64, true], ['matmulNT', 448, 128, 64], ['matmulNT', 32, 256, 64, true],
    ['matmulNT', 448, 256, 64],
  ]],
  ['transformer', [
    ['matmul', 448, 64, 192], ['matmul', 448, 256, 64], ['matmulTN', 64, 448, 192, true], ['matmulTN', 256, 448, 64, true],
    ['matmulNT', 448, 64, 256], ['matmulNT', 448, 192, 64],
  ]],
  ['square', [['matmul', 128, 128, 128], ['matmul', 256, 256, 256], ['matmulTN', 256, 256, 256], ['matmulNT', 256, 256, 256]]],
];

/** Every distinct call above, in model order. */
export const MATMUL_SHAPES: readonly MatmulShape[] = (() => {
  const seen = new Set<string>();
  const out: MatmulShape[] = [];
  for (const [model, rows] of BY_MODEL) {
    for (const [form, M, K, N, acc = false] of rows) {
      const key = `${form} ${M}x${K}x${N}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ form, M, K, N, acc, model });
    }
  }
  return out;
})();
