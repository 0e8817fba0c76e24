import { beforeAll, describe, expect, it } from 'vitest';
import { Backend, KERNEL_NAMES, type Kernels } from '../src/backend/index.ts';
import { BACKEND_NAMES, openBackend, scoped } from './helpers/backends.ts';
import { TestRng } from './helpers/rng.ts';
import { type KernelName, SIGNATURES, SIZES, validArgs } from './helpers/signatures.ts';

/** One invalid call: the argument list, and the pieces of text its error message must contain. */
interface BadCall { what: string; args: unknown[]; mentions: string[] }

/** Every way to break each argument of a valid call, one at a time. */
function badCalls(be: Backend, kernel: KernelName, rng: TestRng): BadCall[] {
  const sig = SIGNATURES[kernel];
  const calls: BadCall[] = [];
  const variant = (i: number, value: unknown, what: string, mentions: string[]) => {
    const args = validArgs(be, kernel, rng, SIZES);
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
        const below = a.min - 1; // −1 where the kernel allows it ("no target"), so −2 is the first bad value
        for (const [pos, v] of [[0, limit], [need - 1, below], [1, limit + 1000], [need - 1, limit], [0, -1000]] as const) {
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
      call(spied, validArgs(be, kernel, rng, SIZES));
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
