import { describe, expect, it } from 'vitest';
import { Arena } from '../src/backend/index.ts';
import { BACKEND_NAMES, openBackend } from './helpers/backends.ts';

const PAGE = 65536;

/** A fresh arena over its own one-page memory, as the JS backend makes it. */
function small(base = 0): Arena {
  return new Arena(new WebAssembly.Memory({ initial: 1 }), base);
}

describe('Arena', () => {
  it('hands out 16-byte aligned, non-overlapping allocations above the base, never at 0', () => {
    for (const base of [0, 1, 16, 17, 1000]) {
      const arena = small(base);
      let end = Math.max(base, 1); // nothing may start at 0 (a null pointer) or below the base
      let first = -1;
      for (const n of [1, 3, 4, 5, 8, 27, 30, 1]) {
        const p = n % 2 ? arena.allocF32(n) : arena.allocI32(n);
        if (first < 0) first = p;
        expect(p % 16, `ptr ${p} aligned`).toBe(0);
        expect(p).toBeGreaterThanOrEqual(end);
        end = p + 4 * n;
      }
      expect(arena.bytesUsed).toBeGreaterThanOrEqual(end - first);
    }
  });

  it('zero-fills every allocation, also memory released dirty and handed out again', () => {
    const arena = small();
    const mark = arena.mark();
    const p = arena.allocF32(100, 'dirty');
    arena.f32(p, 100).fill(7.5);
    const q = arena.allocI32(10, 'dirty ints');
    arena.i32(q, 10).fill(-1);
    arena.release(mark);
    const p2 = arena.allocF32(57, 'again');
    const q2 = arena.allocI32(60, 'again ints');
    expect(p2).toBe(p); // the released space is reused...
    expect(arena.f32(p2, 57).every((v) => v === 0)).toBe(true); // ...clean
    expect(arena.i32(q2, 60).every((v) => v === 0)).toBe(true);
  });

  it('views from f32/i32 and the whole-memory F32/I32 see the same bytes', () => {
    const arena = small();
    const p = arena.allocF32(5), q = arena.allocI32(3);
    arena.f32(p, 5).set([1, 2, 3, 4, 5]);
    arena.i32(q, 3).set([7, -8, 9]);
    expect(arena.f32(p, 5)).toHaveLength(5);
    expect(Array.from(arena.F32.subarray(p >> 2, (p >> 2) + 5))).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(arena.I32.subarray(q >> 2, (q >> 2) + 3))).toEqual([7, -8, 9]);
    expect(arena.I32[p >> 2]).toBe(0x3f800000); // 1.0f, read as int: one buffer underneath
  });

  it('regionOf finds the allocation holding a byte offset, and nothing in padding or past the end', () => {
    const arena = small();
    const a = arena.allocF32(3, 'a'); // 12 bytes, padded to 16
    const b = arena.allocI32(5, 'b');
    expect(arena.regionOf(a)).toMatchObject({ ptr: a, length: 3, type: 'f32', name: 'a' });
    expect(arena.regionOf(a + 8)?.name).toBe('a');
    expect(arena.regionOf(a + 12)).toBeUndefined(); // padding
    expect(arena.regionOf(b + 16)).toMatchObject({ ptr: b, length: 5, type: 'i32', name: 'b' });
    expect(arena.regionOf(b + 20)).toBeUndefined();
    expect(arena.regionOf(0)).toBeUndefined();
    expect(arena.regionOf(-4)).toBeUndefined();
    // Many regions (a binary search): each one's first and last element, and the byte just past it.
    const ptrs = Array.from({ length: 50 }, (_, i) => arena.allocF32(i + 1, `r${i}`));
    ptrs.forEach((p, i) => {
      expect(arena.regionOf(p)?.name).toBe(`r${i}`);
      expect(arena.regionOf(p + 4 * i)?.name).toBe(`r${i}`);
      if ((i + 1) % 4 !== 0) expect(arena.regionOf(p + 4 * (i + 1))).toBeUndefined();
    });
  });

  it('mark/release frees in stack order', () => {
    const arena = small();
    const keep = arena.allocF32(10, 'keep');
    const used = arena.bytesUsed;
    const m1 = arena.mark();
    const x = arena.allocF32(100, 'x');
    const m2 = arena.mark();
    const y = arena.allocF32(100, 'y');
    arena.release(m2);
    expect(arena.regionOf(y)).toBeUndefined();
    expect(arena.regionOf(x)?.name).toBe('x');
    expect(arena.allocF32(1, 'z')).toBe(y); // y's space is reused
    arena.release(m1);
    expect(arena.regionOf(x)).toBeUndefined();
    expect(arena.regionOf(keep)?.name).toBe('keep');
    expect(arena.bytesUsed).toBe(used);
    arena.release(0);
    expect(arena.bytesUsed).toBe(0);
    expect(arena.regionOf(keep)).toBeUndefined();
    expect(arena.allocF32(1)).toBe(keep);
  });

  it('release rejects marks that are not positions of the stack', () => {
    const arena = small();
    arena.allocF32(1);
    arena.allocF32(1);
    for (const bad of [-1, 3, 1.5, NaN]) expect(() => arena.release(bad)).toThrow(String(bad));
    arena.release(2); // the current top is fine
  });

  it('free: the space is reused first fit, zero-filled and aligned; neighbours merge; the top comes down', () => {
    const arena = small();
    const a = arena.allocF32(10, 'a'), b = arena.allocF32(30, 'b'), c = arena.allocF32(5, 'c'), d = arena.allocF32(7, 'd');
    const top = arena.bytesUsed;
    arena.f32(b, 30).fill(9);
    arena.free(b);
    expect(arena.regionOf(b)).toBeUndefined();
    expect(arena.regionOf(a)?.name).toBe('a');
    expect(arena.bytesUsed).toBe(top); // a hole below the top
    expect(arena.bytesFree).toBe(128);
    const e = arena.allocI32(3, 'e'); // fits into b's hole: first fit, at its start
    expect(e).toBe(b);
    expect(arena.i32(e, 3).every((v) => v === 0)).toBe(true);
    const f = arena.allocF32(20, 'f'); // 80 bytes: the rest of b's hole (128 − 16 = 112) holds it
    expect(f).toBe(b + 16);
    expect(f % 16).toBe(0);
    expect(arena.f32(f, 20).every((v) => v === 0)).toBe(true);
    arena.free(e);
    arena.free(f);
    arena.free(c); // merges with the hole before it: b's whole span and c's
    expect(arena.bytesFree).toBe(128 + 32);
    expect(arena.allocF32(40, 'g')).toBe(b); // 160 bytes: only the merged hole holds it
    arena.free(d); // the highest block: the top comes down, not a hole
    expect(arena.bytesUsed).toBe(d - 16);
    arena.free(b); // g, now the highest: the top comes down past it
    expect(arena.bytesUsed).toBe(b - 16);
    expect(arena.bytesFree).toBe(0);
    expect(arena.regionOf(a)?.name).toBe('a');
  });

  it('free of a pointer that is not the start of a live allocation throws, naming the pointer', () => {
    const arena = small();
    const a = arena.allocF32(10, 'weights');
    arena.allocF32(10, 'other');
    expect(() => arena.free(a + 4)).toThrow(new RegExp(`${a + 4}.*inside 'weights'`));
    expect(() => arena.free(12345)).toThrow(/12345 is not the start of a live allocation/);
    arena.free(a);
    expect(() => arena.free(a)).toThrow(new RegExp(`Arena.free: ${a} is not the start`)); // double free
    expect(arena.allocF32(10, 'again')).toBe(a);
  });

  it('allocating and freeing 1,000 model-sized groups keeps the memory bounded (≤ 2× one group)', () => {
    const arena = small();
    // one "model": parameters, gradients, optimizer moments and a few activations of an MLP-like net
    const group = [11897, 11897, 11897, 11897, 6400, 6400, 864, 864, 96, 32, 1];
    const groupBytes = group.reduce((t, n) => t + Math.ceil((4 * n) / 16) * 16, 0);
    const keep = arena.allocF32(100, 'long-lived');
    let live: number[] = [];
    let peak = 0;
    for (let k = 0; k < 1000; k++) {
      const next = group.map((n, i) => (i % 3 === 0 ? arena.allocI32(n, `g${k}.${i}`) : arena.allocF32(n, `g${k}.${i}`)));
      // free the previous group in a scrambled order while the new one is live (a model replaced by another)
      for (const i of [3, 0, 7, 10, 1, 5, 2, 9, 4, 8, 6]) if (live[i] !== undefined) arena.free(live[i]!);
      live = next;
      peak = Math.max(peak, arena.bytesUsed);
    }
    expect(peak).toBeLessThanOrEqual(2 * groupBytes + 16 * 100);
    for (const p of live) arena.free(p);
    expect(arena.bytesUsed).toBe(Math.ceil(400 / 16) * 16); // only the long-lived block is left
    expect(arena.regionOf(keep)?.name).toBe('long-lived');
  });

  it('release after individual frees frees exactly what was allocated after the mark', () => {
    const arena = small();
    const a = arena.allocF32(8, 'a'), b = arena.allocF32(8, 'b');
    arena.free(a); // a hole at the bottom
    const m = arena.mark();
    const c = arena.allocF32(4, 'c'); // lands in a's hole, below b
    const d = arena.allocF32(4, 'd'); // ...and so does d
    expect([c, d]).toEqual([a, a + 16]);
    const e = arena.allocF32(4, 'e'); // above b
    arena.release(m);
    for (const p of [c, d, e]) expect(arena.regionOf(p)).toBeUndefined();
    expect(arena.regionOf(b)?.name).toBe('b');
    expect(arena.bytesUsed).toBe(b + 32 - Math.max(16, a)); // top back at b's end
    expect(() => arena.free(c)).toThrow(String(c));
  });

  it('rejects lengths that are not positive integers, naming the allocation and the value', () => {
    const arena = small();
    for (const bad of [0, -1, 2.5, NaN, Infinity]) {
      expect(() => arena.allocF32(bad, 'weights')).toThrow(new RegExp(`weights.*${String(bad)}`));
      expect(() => arena.allocI32(bad, 'indices')).toThrow(new RegExp(`indices.*${String(bad)}`));
    }
    expect(arena.bytesUsed).toBe(0); // a failed allocation takes nothing
  });

  it('an allocation the memory cannot grow to fails with an Error naming it, and takes nothing', () => {
    const arena = new Arena(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 0);
    const p = arena.allocF32(10, 'fits');
    expect(() => arena.allocF32(PAGE, 'too big')).toThrow(/too big.*65536/);
    expect(arena.allocF32(10, 'next')).toBe(p + 48); // the failed allocation did not move the top
  });

  it('grows the memory when needed: old views are detached, new ones cover the new size, data survives', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const arena = new Arena(memory, 0);
    const p = arena.allocF32(1000, 'early');
    arena.f32(p, 1000).fill(3.25);
    const oldF32 = arena.F32, oldI32 = arena.I32, oldView = arena.f32(p, 1000);
    expect(oldF32.length).toBe(PAGE / 4);

    const big = 5 * PAGE; // floats: 20 pages, so the memory must grow
    const q = arena.allocF32(big, 'big');
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(q + 4 * big);
    expect(oldF32.length).toBe(0); // detached: a cached view would silently read nothing
    expect(oldI32.length).toBe(0);
    expect(oldView.length).toBe(0);
    expect(arena.F32.length).toBe(memory.buffer.byteLength / 4);
    expect(arena.I32.length).toBe(memory.buffer.byteLength / 4);
    expect(arena.f32(p, 1000).every((v) => v === 3.25)).toBe(true);
    const view = arena.f32(q, big);
    expect(view.length).toBe(big);
    expect(view.every((v) => v === 0)).toBe(true);
    view[big - 1] = 42; // the last element is inside memory and writable
    expect(arena.F32[(q >> 2) + big - 1]).toBe(42);
    expect(arena.regionOf(q + 4 * (big - 1))?.name).toBe('big');
  });

  it('kernels see memory grown between calls (the JS backend re-reads the views)', async () => {
    const be = await openBackend('js');
    const mark = be.arena.mark();
    const x = be.arena.allocF32(4, 'x');
    be.arena.f32(x, 4).set([1, 2, 3, 4]);
    be.sumSquares(x, 4); // the kernel has now seen the old buffer
    const big = be.arena.allocF32(3 * PAGE, 'grow'); // forces growth
    be.arena.f32(big, 3 * PAGE).fill(1);
    expect(be.sumSquares(big, 3 * PAGE)).toBe(3 * PAGE);
    expect(be.sumSquares(x, 4)).toBe(30);
    be.arena.release(mark);
  });
});

describe.each(BACKEND_NAMES)('%s backend arena', (name) => {
  it('allocates above the module data, grows, and the kernels still work on old and new allocations', async () => {
    const be = await openBackend(name);
    const mark = be.arena.mark();
    const p = be.arena.allocF32(3, 'before');
    expect(p % 16).toBe(0);
    expect(p).toBeGreaterThan(0);
    be.arena.f32(p, 3).set([1, 2, 2]);
    const size = be.arena.memory.buffer.byteLength;
    const n = size / 4; // more floats than the memory holds bytes / 4: must grow
    const q = be.arena.allocF32(n, 'after');
    expect(be.arena.memory.buffer.byteLength).toBeGreaterThan(size);
    be.arena.f32(q, n).fill(0.5);
    expect(be.sumSquares(p, 3)).toBe(9);
    expect(be.sumSquares(q, n)).toBe(n / 4);
    be.zero(q, n);
    expect(be.sumSquares(q, n)).toBe(0);
    be.arena.release(mark);
  });
});
