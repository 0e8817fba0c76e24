/**
 * TF.js matmul cases for the kernel comparison of `npm run bench`.
 *
 * A fresh B tensor for every call, as in training where the weights change each step: XNNPACK caches its packed copy
 * of B per tensor, so re-using one B would time a case training never hits (2.4× faster at 32×30×200, 1.15× at
 * 512³, measured). Kept apart from `bench/lib/kernel-cases.ts` so that `npm run bench:kernels` (ours only) does
 * not load TF.js.
 */
import { fillNormal } from '../lib/data.ts';
import type { Case } from '../lib/timing.ts';
import { tf, tfImpl, useTf, type TfBackendName } from './setup.ts';

/** The three matmul forms of the kernel contract. */
export type MatmulForm = 'matmul' | 'matmulTN' | 'matmulNT';

/** A TF.js matmul case: A fixed, a fresh B for every call (made before the timed loop, disposed after). */
export async function tfMatmul(
  name: TfBackendName, form: MatmulForm, M: number, K: number, N: number, base: Omit<Case, 'impl' | 'run'>,
): Promise<Case> {
  await useTf(name);
  const aShape: [number, number] = form === 'matmulTN' ? [K, M] : [M, K];
  const bShape: [number, number] = form === 'matmulNT' ? [N, K] : [K, N];
  const a = tf.tensor2d(fillNormal(new Float32Array(M * K), 1), aShape);
  const bData = fillNormal(new Float32Array(K * N), 2);
  const tA = form === 'matmulTN';
  const tB = form === 'matmulNT';
  let bs: tf.Tensor2D[] = [];
  let outs: tf.Tensor[] = [];
  let next = 0;
  return {
    ...base,
    impl: tfImpl(name),
    before: () => useTf(name),
    prepare(calls) {
      bs = [];
      for (let i = 0; i < calls; i++) bs.push(tf.tensor2d(bData, bShape));
      outs = [];
      next = 0;
    },
    run() {
      outs.push(tf.matMul(a, bs[next++]!, tA, tB));
    },
    after() {
      tf.dispose(bs);
      tf.dispose(outs);
      bs = [];
      outs = [];
    },
    dispose: () => a.dispose(),
  };
}
