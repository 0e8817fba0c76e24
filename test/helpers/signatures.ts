import type { Backend, Ptr } from '../../src/backend/index.ts';
import { KERNEL_TABLE, type KernelArg, type KernelName, type ScalarRule, type Sizes } from '../../src/backend/kernels.ts';
import { placeAtEnd } from './backends.ts';
import type { TestRng } from './rng.ts';

/**
 * Every kernel's signature as the tests use it, derived from the contract's table (`KERNEL_TABLE`): which arguments
 * are float32 or int32 buffers (and how long they must be), sizes, flags and scalars, with the names the checked
 * wrapper reports, plus valid and invalid values for each scalar rule. Lets one test build valid calls to every
 * kernel and break them one argument at a time.
 */
export type { KernelName, Sizes };

/** One argument of a kernel, in signature order, described well enough to build valid and invalid values for it. */
export type Arg =
  | { kind: 'f32'; name: string; need: (s: Sizes) => number; alloc?: (s: Sizes) => number; anyType?: boolean }
  | { kind: 'i32'; name: string; need: (s: Sizes) => number; limit: (s: Sizes) => number; min: 0 | -1 }
  | { kind: 'size'; name: keyof Sizes }
  | { kind: 'flag' }
  | { kind: 'number'; name: string; valid: number; bad: number[] };

export const VOCAB = 6; // rows of the embedding tables below

/** A valid value and the invalid ones the checked wrapper must reject, per scalar rule. */
export const SCALAR_VALUES: Record<ScalarRule, { valid: number; bad: number[] }> = {
  finite: { valid: 0.1, bad: [NaN, Infinity, -Infinity] },
  nonNegative: { valid: 0.01, bad: [-0.1, NaN, Infinity] },
  positive: { valid: 1e-5, bad: [0, -1e-5, NaN, Infinity] },
  unit: { valid: 0.1, bad: [-0.1, 1.5, NaN] },
  beta: { valid: 0.9, bad: [-0.1, 1, 1.5, NaN] },
  count: { valid: 3, bad: [0, -1, 1.5, NaN, Infinity] },
};

/** The test's view of one table argument. Embedding tables (the `rowsOf` of an index argument) get VOCAB rows. */
function toArg(a: KernelArg, all: readonly KernelArg[]): Arg {
  switch (a.kind) {
    case 'f32': {
      const rowsOf = all.find((b) => b.kind === 'i32' && typeof b.limit !== 'string' && b.limit.rowsOf === a.name);
      const alloc = rowsOf && rowsOf.kind === 'i32' && typeof rowsOf.limit !== 'string' ? rowsOf.limit : undefined;
      return {
        kind: 'f32', name: a.name, need: a.need, anyType: a.anyType ?? false,
        ...(alloc ? { alloc: (s: Sizes) => VOCAB * s[alloc.width] } : {}),
      };
    }
    case 'i32': {
      const limit = a.limit;
      return {
        kind: 'i32', name: a.name, need: a.count, min: a.min,
        limit: typeof limit === 'string' ? (s) => s[limit] : () => VOCAB,
      };
    }
    case 'size':
      return { kind: 'size', name: a.name };
    case 'flag':
      return { kind: 'flag' };
    case 'scalar':
      return { kind: 'number', name: a.name, ...SCALAR_VALUES[a.rule] };
  }
}

/** Every kernel's signature, with the argument names the checked wrapper reports. */
export const SIGNATURES = Object.fromEntries(
  Object.entries(KERNEL_TABLE).map(([k, spec]) => [k, spec.args.map((a) => toArg(a, spec.args))]),
) as Record<KernelName, Arg[]>;

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
