import type { Backend, BackendName, Ptr } from '../../src/backend/index.ts';
import { createBackend } from '../../src/backend/index.ts';

/** Both backends, JS first: every kernel test runs on each (BACKENDS=js or BACKENDS=wasm narrows a run to one). */
export const BACKEND_NAMES: readonly BackendName[] = (process.env.BACKENDS ?? 'js,wasm').split(',') as BackendName[];

const cache = new Map<BackendName, Promise<Backend>>();

/** One backend per name and test file (vitest isolates files, so files never share an arena). */
export function openBackend(name: BackendName): Promise<Backend> {
  let b = cache.get(name);
  if (!b) {
    b = createBackend(name);
    cache.set(name, b);
  }
  return b;
}

/** Runs fn and frees everything it allocated, so a long test file does not keep growing the memory. */
export function scoped<T>(be: Backend, fn: () => T): T {
  const mark = be.arena.mark();
  try {
    return fn();
  } finally {
    be.arena.release(mark);
  }
}

/** Copies data into a fresh float32 allocation. */
export function putF32(be: Backend, data: ArrayLike<number>, name = 'f32'): Ptr {
  const p = be.arena.allocF32(data.length, name);
  be.arena.f32(p, data.length).set(data);
  return p;
}

/** Copies data into a fresh int32 allocation. */
export function putI32(be: Backend, data: ArrayLike<number>, name = 'i32'): Ptr {
  const p = be.arena.allocI32(data.length, name);
  be.arena.i32(p, data.length).set(data);
  return p;
}

/** A copy (in float64) of n float32 values at p: survives later growth and release. */
export function readF32(be: Backend, p: Ptr, n: number): Float64Array {
  return Float64Array.from(be.arena.f32(p, n));
}

/**
 * An output buffer of n elements followed by a guard band, all prefilled with garbage: a kernel that forgets to
 * overwrite (or to accumulate into) the output, or writes past its end (a SIMD tail bug), shows up in {@link readOut}.
 */
export interface Out {
  readonly ptr: Ptr;
  readonly n: number;
  /** The garbage the buffer held before the kernel ran (the first n elements are the "accumulate" starting value). */
  readonly before: Float64Array;
}

const GUARD = 7;

/** Allocates an {@link Out} of n elements filled from init (or a fixed garbage pattern) plus the guard band. */
export function makeOut(be: Backend, n: number, init?: ArrayLike<number>, name = 'out'): Out {
  const total = n + GUARD;
  const data = new Float32Array(total);
  for (let i = 0; i < total; i++) data[i] = init && i < n ? init[i]! : 1000 + ((i * 7919) % 113) / 7;
  const ptr = putF32(be, data, name);
  return { ptr, n, before: Float64Array.from(data) };
}

/** The first n values of an {@link Out}; throws if the kernel touched the guard band after them. */
export function readOut(be: Backend, out: Out): Float64Array {
  const all = be.arena.f32(out.ptr, out.n + GUARD);
  for (let i = out.n; i < out.n + GUARD; i++) {
    if (all[i] !== out.before[i]) {
      throw new Error(`kernel wrote past the end of its output: element ${i} (n = ${out.n}) changed from ${out.before[i]} to ${all[i]}`);
    }
  }
  return Float64Array.from(all.subarray(0, out.n));
}

/**
 * A pointer to n elements that end exactly at the last byte of linear memory (filling the rest of the memory, after
 * growing it if needed): a wasm kernel that loads or stores even one float beyond them traps. Allocate nothing after it.
 */
export function placeAtEnd(be: Backend, n: number, type: 'f32' | 'i32', name = 'at end'): Ptr {
  const arena = be.arena;
  for (;;) {
    const probe = arena.allocF32(1, 'probe');
    const top = probe + 16; // the probe's one float, padded to the 16-byte alignment
    const free = (arena.memory.buffer.byteLength - top) / 4;
    if (free >= n) {
      const p = type === 'f32' ? arena.allocF32(free, name) : arena.allocI32(free, name);
      if (p !== top || p + 4 * free !== arena.memory.buffer.byteLength) throw new Error('placeAtEnd: arena layout assumption broken');
      return p + 4 * (free - n);
    }
    arena.allocF32(n + 4, 'grow'); // not enough room left: make the memory grow, then try again
  }
}
