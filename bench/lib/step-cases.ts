/**
 * What the end-to-end step benchmarks share: fixed minibatches, a check that the timed loss stayed finite, our steps
 * as cases that can also be profiled, and how TF.js computes the embedding on each of its backends.
 */
import type { Backend } from '../../src/backend/index.ts';
import type { Contexts } from '../../src/data/contexts.ts';
import { Rng } from '../../src/rng.ts';
import type { EmbeddingMode } from '../tfjs/mlp.ts';
import type { TfBackendName } from '../tfjs/setup.ts';
import { KernelProfiler, profiledBackend } from './profile.ts';
import type { Case } from './timing.ts';

/** Distinct minibatches cycled through. */
export const BATCHES = 64;

/** `count` minibatches of `batch` examples drawn uniformly (with a fixed seed) from the contexts. */
export function drawBatches(ctx: Contexts, batch: number, count: number): { X: Int32Array; Y: Int32Array }[] {
  const rng = new Rng(1234);
  const T = ctx.blockSize;
  const out: { X: Int32Array; Y: Int32Array }[] = [];
  for (let b = 0; b < count; b++) {
    const X = new Int32Array(batch * T);
    const Y = new Int32Array(batch);
    for (let i = 0; i < batch; i++) {
      const e = rng.int(ctx.count);
      X.set(ctx.X.subarray(e * T, (e + 1) * T), i * T);
      Y[i] = ctx.Y[e]!;
    }
    out.push({ X, Y });
  }
  return out;
}

/** A loss check for `verify`: a NaN loss would skip the backward pass and time the wrong thing. */
export function finite(who: string, loss: () => number): () => void {
  return () => {
    const l = loss();
    if (!Number.isFinite(l)) throw new Error(`${who}: the loss became ${l} during the benchmark`);
  };
}

/** One training step of a model built on a backend: returns the loss; `dispose` frees what the arena mark does not. */
export interface Step {
  run: () => number;
  dispose?: () => void;
}

/**
 * Our step on `be` as a case (its allocations released at dispose, its loss checked at verify) that can also build
 * the same step on a profiling backend over the same arena, for the profile mode.
 */
export async function ourStepCase(
  be: Backend, id: { bench: string; config: string; flops?: number }, build: (be: Backend) => Promise<Step>,
): Promise<Case> {
  const mark = be.arena.mark();
  const step = await build(be);
  let loss = 0;
  return {
    ...id, impl: be.name,
    run() {
      loss = step.run();
    },
    verify: finite(`${id.bench} ${be.name}`, () => loss),
    dispose() {
      step.dispose?.();
      be.arena.release(mark);
    },
    async profile() {
      const profiler = new KernelProfiler(be.raw);
      const m = be.arena.mark();
      const s = await build(profiledBackend(be, profiler));
      return { profiler, run: s.run, dispose: () => { s.dispose?.(); be.arena.release(m); } };
    },
  };
}

/** The embedding as TF.js computes it on each backend (its wasm backend has no gather gradient). */
export const TF_EMBEDDING: Record<TfBackendName, EmbeddingMode> = { wasm: 'onehot', cpu: 'gather' };
export const TF_EMBEDDING_NOTE: Record<EmbeddingMode, string> = {
  onehot: 'TF.js wasm: embedding as one-hot · C (its wasm backend has no gradient for gather)',
  gather: 'TF.js cpu: embedding with tf.gather',
};
