import { beforeAll, describe, expect, it } from 'vitest';
import { Backend, KERNEL_NAMES, type Kernels } from '../src/backend/index.ts';
import { BACKEND_NAMES, openBackend, scoped } from './helpers/backends.ts';
import { TestRng } from './helpers/rng.ts';

type KernelName = (typeof KERNEL_NAMES)[number];
type Sizes = Record<'M' | 'K' | 'N' | 'n' | 'B' | 'T' | 'D', number>;

/** One argument of a kernel, in signature order, described well enough to build valid and invalid values for it. */
type Arg =
  | { kind: 'f32'; name: string; need: (s: Sizes) => number; alloc?: (s: Sizes) => number; anyType?: boolean }
  | { kind: 'i32'; name: string; need: (s: Sizes) => number; limit: (s: Sizes) => number }
  | { kind: 'size'; name: keyof Sizes }
  | { kind: 'flag' }
  | { kind: 'number'; name: string; valid: number; bad: number[] };

const VOCAB = 6; // rows of the embedding tables below
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
const SIGNATURES: Record<KernelName, Arg[]> = {
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

const SIZES: Sizes = { M: 3, K: 4, N: 5, n: 7, B: 2, T: 3, D: 4 };

/** Allocates valid buffers for every pointer argument and returns the argument list of a valid call. */
function validArgs(be: Backend, kernel: KernelName, rng: TestRng): unknown[] {
  return SIGNATURES[kernel].map((a) => {
    switch (a.kind) {
      case 'f32': {
        const len = (a.alloc ?? a.need)(SIZES);
        const p = be.arena.allocF32(len, a.name);
        be.arena.f32(p, len).set(rng.floats(len, 0.5, 1.5)); // positive: valid as variances too
        return p;
      }
      case 'i32': {
        const len = a.need(SIZES);
        const p = be.arena.allocI32(len, a.name);
        be.arena.i32(p, len).set(rng.ints(len, a.limit(SIZES)));
        return p;
      }
      case 'size': return SIZES[a.name];
      case 'flag': return false;
      case 'number': return a.valid;
    }
  });
}

/** One invalid call: the argument list, and the pieces of text its error message must contain. */
interface BadCall { what: string; args: unknown[]; mentions: string[] }

/** Every way to break each argument of a valid call, one at a time. */
function badCalls(be: Backend, kernel: KernelName, rng: TestRng): BadCall[] {
  const sig = SIGNATURES[kernel];
  const calls: BadCall[] = [];
  const variant = (i: number, value: unknown, what: string, mentions: string[]) => {
    const args = validArgs(be, kernel, rng);
    args[i] = value;
    calls.push({ what, args, mentions: [kernel, ...mentions] });
  };
  sig.forEach((a, i) => {
    switch (a.kind) {
      case 'size':
        for (const v of [0, -1, -3, 2.5, NaN, Infinity]) variant(i, v, `${a.name} = ${v}`, [a.name, String(v)]);
        break;
      case 'number':
        for (const v of a.bad) variant(i, v, `${a.name} = ${v}`, [a.name, String(v)]);
        break;
      case 'f32': {
        const need = a.need(SIZES);
        const short = be.arena.allocF32(need - 1, 'short');
        variant(i, short, `${a.name} one element too small`, [a.name, String(need), 'short']);
        const offset = be.arena.allocF32(need, 'exact') + 4; // the right length, but starting one element in
        variant(i, offset, `${a.name} starting inside an allocation with too little room`, [a.name, String(need)]);
        variant(i, 0, `${a.name} = 0 (null)`, [a.name, '0']);
        const beyond = be.arena.memory.buffer.byteLength + 4096;
        variant(i, beyond, `${a.name} past the end of memory`, [a.name, String(beyond)]);
        const gap = be.arena.allocF32(1, 'gap') + 4; // in the alignment padding after a one-element allocation
        variant(i, gap, `${a.name} in the padding between allocations`, [a.name, String(gap)]);
        const odd = be.arena.allocF32(need + 1, 'odd') + 2;
        variant(i, odd, `${a.name} not 4-byte aligned`, [a.name, String(odd)]);
        variant(i, -16, `${a.name} negative`, [a.name, '-16']);
        variant(i, 1.5, `${a.name} not an integer`, [a.name, '1.5']);
        if (!a.anyType) {
          const wrong = be.arena.allocI32((a.alloc ?? a.need)(SIZES), 'ints');
          variant(i, wrong, `${a.name} pointing to int32 memory`, [a.name, 'float32', 'i32']);
        }
        break;
      }
      case 'i32': {
        const need = a.need(SIZES), limit = a.limit(SIZES);
        variant(i, be.arena.allocI32(need - 1, 'short'), `${a.name} one element too small`, [a.name, String(need)]);
        variant(i, be.arena.allocF32(need, 'floats'), `${a.name} pointing to float32 memory`, [a.name, 'int32', 'f32']);
        for (const [pos, v] of [[0, limit], [need - 1, -1], [1, limit + 1000], [need - 1, limit]] as const) {
          const p = be.arena.allocI32(need, 'indices');
          be.arena.i32(p, need).set(rng.ints(need, limit));
          be.arena.i32(p, need)[pos] = v;
          variant(i, p, `${a.name}[${pos}] = ${v}`, [`${a.name}[${pos}]`, String(v), String(limit)]);
        }
        break;
      }
      case 'flag':
        break;
    }
  });
  return calls;
}

/** The raw kernels of `be`, counting the calls that reach them. */
function counting(raw: Kernels): { kernels: Kernels; calls: () => number } {
  let count = 0;
  const kernels = Object.fromEntries(
    KERNEL_NAMES.map((k) => [k, (...args: unknown[]) => (count++, (raw[k] as (...a: unknown[]) => unknown)(...args))]),
  ) as unknown as Kernels;
  return { kernels, calls: () => count };
}

describe.each(BACKEND_NAMES)('%s backend: bad arguments throw an Error naming the argument and value', (name) => {
  let be: Backend;
  beforeAll(async () => {
    be = await openBackend(name);
  });

  it.each(KERNEL_NAMES)('%s', (kernel) => {
    scoped(be, () => {
      const rng = new TestRng(kernel.length * 977);
      const { kernels, calls } = counting(be.raw);
      const spied = new Backend(be.name, be.arena, kernels);
      const call = (target: Backend, args: unknown[]) => (target[kernel] as (...a: unknown[]) => unknown)(...args);

      // The valid call goes through to the raw kernel (so the bad ones below are rejected for their one change).
      call(spied, validArgs(be, kernel, rng));
      expect(calls()).toBe(1);

      const bad = badCalls(be, kernel, rng);
      expect(bad.length).toBeGreaterThan(5);
      for (const { what, args, mentions } of bad) {
        for (const target of [be, spied]) {
          let error: unknown;
          try {
            call(target, args);
          } catch (e) {
            error = e;
          }
          expect(error, `${kernel} with ${what} must throw`).toBeInstanceOf(Error);
          const message = (error as Error).message;
          for (const m of mentions) expect(message, `${kernel} with ${what}`).toContain(m);
        }
        expect(calls(), `${kernel} with ${what} reached the raw kernel`).toBe(1);
      }
    });
  });
});
