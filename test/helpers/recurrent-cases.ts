/**
 * Agreement cases (wasm vs JS) for the recurrent kernels (issue 14), added to test/kernels.test.ts's table of cases.
 * Widths D of 1, 5, 13, 64 cover the SIMD tails, the forward cells' vector pairs and the models' size.
 */
import type { Backend } from '../../src/backend/index.ts';
import type { KernelName } from './signatures.ts';
import { putF32, readF32 } from './backends.ts';
import type { TestRng } from './rng.ts';

type Add = (kernel: KernelName, label: string, run: (be: Backend, rng: TestRng) => Float64Array[]) => void;

/** Adds one or more cases per recurrent kernel. */
export function addRecurrentCases(add: Add): void {
  // 12: a pair of vectors then a lone one (the forward's two-at-a-time loop and its odd vector)
  for (const n of [1, 7, 12, 4099]) {
    add('sigmoidForward', `n=${n}`, (be, rng) => {
      const y = putF32(be, new Float32Array(n));
      be.sigmoidForward(y, putF32(be, rng.normals(n, 6)), n);
      return [readF32(be, y, n)];
    });
    for (const accumulate of [false, true]) {
      add('sigmoidBackward', `n=${n} acc=${accumulate}`, (be, rng) => {
        const dx = putF32(be, rng.floats(n));
        be.sigmoidBackward(dx, putF32(be, rng.floats(n)), putF32(be, rng.floats(n, 0, 1)), n, accumulate);
        return [readF32(be, dx, n)];
      });
    }
  }
  for (const [B, T, D] of [[1, 1, 1], [32, 16, 64], [5, 7, 9]] as const) {
    add('transposeBT', `${B}×${T}×${D}`, (be, rng) => {
      const dst = putF32(be, new Float32Array(B * T * D));
      be.transposeBT(dst, putF32(be, rng.floats(B * T * D)), B, T, D);
      return [readF32(be, dst, B * T * D)];
    });
  }
  // 13: the forward cells' pairs of vectors, then a lone vector, then one lane
  for (const [B, D] of [[1, 1], [3, 5], [2, 13], [32, 64]] as const) {
    const n = B * D;
    add('gruGatesForward', `${B}×${D}`, (be, rng) => {
      const rz = putF32(be, rng.normals(2 * n, 3)), hr = putF32(be, new Float32Array(n));
      be.gruGatesForward(rz, hr, putF32(be, rng.floats(n)), B, D);
      return [readF32(be, rz, 2 * n), readF32(be, hr, n)];
    });
    add('gruOutputForward', `${B}×${D}`, (be, rng) => {
      const h = putF32(be, new Float32Array(n)), nn = putF32(be, rng.normals(n, 3));
      be.gruOutputForward(h, nn, putF32(be, rng.floats(2 * n, 0, 1)), putF32(be, rng.floats(n)), B, D);
      return [readF32(be, h, n), readF32(be, nn, n)];
    });
    add('gruOutputBackward', `${B}×${D}`, (be, rng) => {
      const dn = putF32(be, new Float32Array(n)), drz = putF32(be, rng.floats(2 * n)), dhp = putF32(be, rng.floats(n));
      be.gruOutputBackward(dn, drz, dhp, putF32(be, rng.floats(n)), putF32(be, rng.floats(2 * n, 0, 1)), putF32(be, rng.floats(n)),
        putF32(be, rng.floats(n)), B, D);
      return [readF32(be, dn, n), readF32(be, drz, 2 * n), readF32(be, dhp, n)];
    });
    add('gruGatesBackward', `${B}×${D}`, (be, rng) => {
      const drz = putF32(be, rng.floats(2 * n)), dhp = putF32(be, rng.floats(n));
      be.gruGatesBackward(drz, dhp, putF32(be, rng.floats(n)), putF32(be, rng.floats(2 * n, 0, 1)), putF32(be, rng.floats(n)), B, D);
      return [readF32(be, drz, 2 * n), readF32(be, dhp, n)];
    });
    add('lstmCellForward', `${B}×${D}`, (be, rng) => {
      const c = putF32(be, new Float32Array(n)), tc = putF32(be, new Float32Array(n)), h = putF32(be, new Float32Array(n));
      const gates = putF32(be, rng.normals(4 * n, 3));
      be.lstmCellForward(c, tc, h, gates, putF32(be, rng.normals(n, 2)), B, D);
      return [c, tc, h].map((p) => readF32(be, p, n)).concat([readF32(be, gates, 4 * n)]);
    });
    add('lstmCellBackward', `${B}×${D}`, (be, rng) => {
      const dg = putF32(be, new Float32Array(4 * n)), dcp = putF32(be, new Float32Array(n));
      const gates = Float32Array.from(rng.floats(4 * n, 0, 1), (v, i) => (Math.floor(i / D) % 4 === 2 ? 2 * v - 1 : v));
      be.lstmCellBackward(dg, dcp, putF32(be, rng.floats(n)), putF32(be, rng.floats(n)), putF32(be, gates),
        putF32(be, rng.floats(n)), putF32(be, rng.normals(n, 2)), B, D);
      return [readF32(be, dg, 4 * n), readF32(be, dcp, n)];
    });
  }
}
