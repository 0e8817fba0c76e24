import type { Backend, KERNEL_NAMES, Ptr } from '../../src/backend/index.ts';
import { placeAtEnd } from './backends.ts';
import type { TestRng } from './rng.ts';

/**
 * Every kernel's signature as data: which arguments are float32 or int32 buffers (and how long they must be), sizes,
 * flags and scalars, with the names the checked wrapper reports. Lets one test build valid calls to every kernel
 * and break them one argument at a time.
 */
export type KernelName = (typeof KERNEL_NAMES)[number];
export type Sizes = Record<'M' | 'K' | 'N' | 'n' | 'B' | 'T' | 'D', number>;

/** One argument of a kernel, in signature order, described well enough to build valid and invalid values for it. */
export type Arg =
  | { kind: 'f32'; name: string; need: (s: Sizes) => number; alloc?: (s: Sizes) => number; anyType?: boolean }
  | { kind: 'i32'; name: string; need: (s: Sizes) => number; limit: (s: Sizes) => number }
  | { kind: 'size'; name: keyof Sizes }
  | { kind: 'flag' }
  | { kind: 'number'; name: string; valid: number; bad: number[] };

export const VOCAB = 6; // rows of the embedding tables below
const f32 = (name: string, need: (s: Sizes) => number, extra: Partial<Extract<Arg, { kind: 'f32' }>> = {}): Arg =>
  ({ kind: 'f32', name, need, ...extra });
const i32 = (name: string, need: (s: Sizes) => number, limit: (s: Sizes) => number): Arg => ({ kind: 'i32', name, need, limit });
const size = (name: keyof Sizes): Arg => ({ kind: 'size', name });
const flag: Arg = { kind: 'flag' };
const MN = (s: Sizes) => s.M * s.N;
const N_ = (s: Sizes) => s.N;
const n_ = (s: Sizes) => s.n;
const momentum: Arg = { kind: 'number', name: 'momentum', valid: 0.1, bad: [-0.1, 1.5, NaN] };
const eps: Arg = { kind: 'number', name: 'eps', valid: 1e-5, bad: [0, -1e-5, NaN, Infinity] };

/** Every kernel's signature, with the argument names the checked wrapper reports. */
export const SIGNATURES: Record<KernelName, Arg[]> = {
  matmul: [f32('C', MN), f32('A', (s) => s.M * s.K), f32('B', (s) => s.K * s.N), size('M'), size('K'), size('N'), flag],
  matmulTN: [f32('C', MN), f32('A', (s) => s.K * s.M), f32('B', (s) => s.K * s.N), size('M'), size('K'), size('N'), flag],
  matmulNT: [f32('C', MN), f32('A', (s) => s.M * s.K), f32('B', (s) => s.N * s.K), size('M'), size('K'), size('N'), flag],
  addBias: [f32('y', MN), f32('b', N_), size('M'), size('N')],
  biasBackward: [f32('db', N_), f32('dy', MN), size('M'), size('N'), flag],
  tanhForward: [f32('y', n_), f32('x', n_), size('n')],
  tanhBackward: [f32('dx', n_), f32('dy', n_), f32('y', n_), size('n'), flag],
  softmax: [f32('y', MN), f32('x', MN), size('M'), size('N')],
  logSoftmax: [f32('y', MN), f32('x', MN), size('M'), size('N')],
  crossEntropyLoss: [f32('logits', MN), i32('targets', (s) => s.M, N_), size('M'), size('N')],
  softmaxCrossEntropy: [f32('dlogits', MN), f32('logits', MN), i32('targets', (s) => s.M, N_), size('M'), size('N')],
  batchNormTrain: [
    f32('y', MN), f32('xhat', MN), f32('invstd', N_), f32('x', MN), f32('gain', N_), f32('bias', N_), f32('runMean', N_),
    f32('runVar', N_), size('M'), size('N'), momentum, eps,
  ],
  batchNormEval: [f32('y', MN), f32('x', MN), f32('gain', N_), f32('bias', N_), f32('runMean', N_), f32('runVar', N_), size('M'), size('N'), eps],
  batchNormBackward: [
    f32('dx', MN), f32('dgain', N_), f32('dbias', N_), f32('dy', MN), f32('xhat', MN), f32('invstd', N_), f32('gain', N_),
    size('M'), size('N'),
  ],
  embeddingGather: [
    f32('out', (s) => s.B * s.T * s.D), f32('table', (s) => s.D, { alloc: (s) => VOCAB * s.D }),
    i32('idx', (s) => s.B * s.T, () => VOCAB), size('B'), size('T'), size('D'),
  ],
  embeddingScatterAdd: [
    f32('dtable', (s) => s.D, { alloc: (s) => VOCAB * s.D }), f32('dout', (s) => s.B * s.T * s.D),
    i32('idx', (s) => s.B * s.T, () => VOCAB), size('B'), size('T'), size('D'),
  ],
  sgdUpdate: [
    f32('param', n_), f32('grad', n_), size('n'), { kind: 'number', name: 'lr', valid: 0.1, bad: [NaN, Infinity] },
    { kind: 'number', name: 'weightDecay', valid: 0.01, bad: [-0.1, NaN, Infinity] },
  ],
  zero: [f32('x', n_, { anyType: true }), size('n')],
  sumSquares: [f32('x', n_), size('n')],
};

export const SIZES: Sizes = { M: 3, K: 4, N: 5, n: 7, B: 2, T: 3, D: 4 };

/**
 * Allocates valid buffers (random contents, indices in range) for every pointer argument and returns the argument
 * list of a valid call. With `atEnd`, that argument's buffer is allocated last, ending at the last byte of memory.
 */
export function validArgs(be: Backend, kernel: KernelName, rng: TestRng, sizes: Sizes, atEnd?: number): unknown[] {
  const sig = SIGNATURES[kernel];
  const ptrs: (Ptr | undefined)[] = sig.map(() => undefined);
  const order = sig.map((_, i) => i).filter((i) => i !== atEnd);
  if (atEnd !== undefined) order.push(atEnd);
  for (const i of order) {
    const a = sig[i]!;
    if (a.kind === 'f32') {
      const data = rng.floats((a.alloc ?? a.need)(sizes), 0.5, 1.5); // positive: valid as variances too
      const p = i === atEnd ? placeAtEnd(be, data.length, 'f32', a.name) : be.arena.allocF32(data.length, a.name);
      be.arena.f32(p, data.length).set(data);
      ptrs[i] = p;
    } else if (a.kind === 'i32') {
      const data = rng.ints(a.need(sizes), a.limit(sizes));
      const p = i === atEnd ? placeAtEnd(be, data.length, 'i32', a.name) : be.arena.allocI32(data.length, a.name);
      be.arena.i32(p, data.length).set(data);
      ptrs[i] = p;
    }
  }
  return sig.map((a, i) => {
    switch (a.kind) {
      case 'f32':
      case 'i32': return ptrs[i];
      case 'size': return sizes[a.name];
      case 'flag': return false;
      case 'number': return a.valid;
    }
  });
}
