import { FreeList } from './free-list.ts';
import type { Ptr } from './kernels.ts';

/** One allocation of the arena: where it starts, how many elements, of what type, and what it is for. */
export interface Region {
  readonly ptr: Ptr;
  readonly length: number;
  readonly type: 'f32' | 'i32';
  readonly name: string;
}

const ALIGN = 16; // one f32x4 lane group: SIMD loads never straddle two allocations' padding
const PAGE = 65536;

/** A live allocation and the sequence number {@link Arena.mark}/{@link Arena.release} order it by. */
interface Block extends Region {
  readonly seq: number;
}

/**
 * The allocator over a WebAssembly.Memory, shared by both backends. Models allocate their parameters, gradients
 * and activations once; a training step then only reads and writes.
 *
 * Ownership is explicit: whoever allocates a block frees it ({@link Arena.free}), or frees everything allocated
 * since a {@link Arena.mark} at once ({@link Arena.release}). Freed space is reused first fit, adjacent free blocks
 * merge, and the top comes down when the highest block is freed, so models created and dropped over and over on one
 * backend do not grow the memory. Every allocation is zero-filled and 16-byte aligned.
 *
 * Growing the memory detaches every typed array over the old buffer, so views are handed out fresh from
 * {@link Arena.f32}/{@link Arena.i32} (cheap) and the whole-memory views are re-created whenever the buffer changed
 * — never cache them across an allocation.
 */
export class Arena {
  readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private top: number;
  /** Live blocks sorted by address (for {@link Arena.regionOf}'s binary search). */
  private readonly regions: Block[] = [];
  private readonly holes = new FreeList();
  /** The sequence number of the next allocation: {@link Arena.mark} hands it out. */
  private nextSeq = 0;
  private buffer: ArrayBuffer | null = null;
  private f32View = new Float32Array(0);
  private i32View = new Int32Array(0);

  /** @param base first usable byte: past the module's own static data for wasm. */
  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.base = alignUp(Math.max(base, ALIGN));
    this.top = this.base;
  }

  /** Allocate n float32 elements (zero-filled), aligned to 16 bytes. */
  allocF32(n: number, name = 'f32'): Ptr {
    return this.alloc(n, 'f32', name);
  }

  /** Allocate n int32 elements (zero-filled), aligned to 16 bytes. */
  allocI32(n: number, name = 'i32'): Ptr {
    return this.alloc(n, 'i32', name);
  }

  /** A float32 view of n elements at ptr, valid until the next allocation grows the memory. */
  f32(ptr: Ptr, n: number): Float32Array {
    return this.F32.subarray(ptr >>> 2, (ptr >>> 2) + n);
  }

  /** An int32 view of n elements at ptr, valid until the next allocation grows the memory. */
  i32(ptr: Ptr, n: number): Int32Array {
    return this.I32.subarray(ptr >>> 2, (ptr >>> 2) + n);
  }

  /** The whole memory as float32, re-created after growth. Index with ptr >> 2. */
  get F32(): Float32Array {
    this.refresh();
    return this.f32View;
  }

  /** The whole memory as int32, re-created after growth. Index with ptr >> 2. */
  get I32(): Int32Array {
    this.refresh();
    return this.i32View;
  }

  /**
   * A position to {@link Arena.release} back to: everything allocated after it is freed at once. Equal marks taken
   * at two moments mean nothing was allocated in between.
   */
  mark(): number {
    return this.nextSeq;
  }

  /** Free every allocation made after `mark` (those made before it stay, wherever they are). */
  release(mark: number): void {
    if (!Number.isInteger(mark) || mark < 0 || mark > this.nextSeq) {
      throw new Error(`Arena.release: mark must be an integer in [0, ${this.nextSeq}], got ${mark}`);
    }
    const r = this.regions;
    for (let i = r.length - 1; i >= 0; i--) {
      const block = r[i]!;
      if (block.seq < mark) continue;
      r.splice(i, 1);
      this.top = this.holes.give(block.ptr, span(block.length), this.top);
    }
    this.nextSeq = mark;
  }

  /**
   * Free one allocation, given the pointer {@link Arena.allocF32}/{@link Arena.allocI32} returned. Its space is reused
   * by later allocations. Throws, naming the pointer, if it is not the start of a live allocation (a double free, a
   * pointer into the middle of one, or one this arena never handed out).
   */
  free(ptr: Ptr): void {
    const i = this.indexOf(ptr);
    const block = i < 0 ? undefined : this.regions[i]!;
    if (!block || block.ptr !== ptr) {
      const inside = block ? ` (it points inside '${block.name}', which starts at ${block.ptr})` : '';
      throw new Error(`Arena.free: ${ptr} is not the start of a live allocation${inside}: freed twice, or never allocated?`);
    }
    this.regions.splice(i, 1);
    this.top = this.holes.give(ptr, span(block.length), this.top);
  }

  /** Bytes from the base to the top: the live allocations, their padding and the free holes between them. */
  get bytesUsed(): number {
    return this.top - this.base;
  }

  /** Bytes in free holes below the top (reused by the next allocations that fit). */
  get bytesFree(): number {
    return this.holes.bytes;
  }

  /** The allocation that contains byte offset ptr, or undefined. Regions are sorted, so this is a binary search. */
  regionOf(ptr: Ptr): Region | undefined {
    const i = this.indexOf(ptr);
    return i < 0 ? undefined : this.regions[i];
  }

  /** The index of the live block containing ptr, or −1. */
  private indexOf(ptr: Ptr): number {
    const r = this.regions;
    let lo = 0;
    let hi = r.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const reg = r[mid]!;
      if (ptr < reg.ptr) hi = mid - 1;
      else if (ptr >= reg.ptr + Math.max(reg.length, 1) * 4) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  private alloc(n: number, type: 'f32' | 'i32', name: string): Ptr {
    if (!Number.isInteger(n) || n <= 0) {
      throw new Error(`Arena: cannot allocate ${name}: length must be a positive integer, got ${n}`);
    }
    const bytes = span(n);
    let ptr = this.holes.take(bytes);
    if (ptr === undefined) {
      ptr = this.top;
      this.ensure(ptr + bytes, n, type, name);
      this.top = ptr + bytes;
    }
    const block: Block = { ptr, length: n, type, name, seq: this.nextSeq++ };
    const r = this.regions;
    let at = r.length; // usually the end: a bump allocation lies above every live block
    while (at > 0 && r[at - 1]!.ptr > ptr) at--;
    r.splice(at, 0, block);
    new Uint8Array(this.memory.buffer, ptr, bytes).fill(0); // freed memory may hold old values
    return ptr;
  }

  /** Grows the memory to at least `end` bytes, or throws naming the allocation (and takes nothing). */
  private ensure(end: number, n: number, type: string, name: string): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    try {
      this.memory.grow(Math.max(pages, Math.ceil(have / PAGE / 2))); // grow geometrically: few detaches
    } catch {
      try {
        this.memory.grow(pages);
      } catch (err) {
        throw new Error(
          `Arena: cannot allocate ${name}: ${n} × ${type} needs the memory to grow from ${have} to ${end} bytes, ` +
            `which failed (${(err as Error).message})`,
        );
      }
    }
  }

  private refresh(): void {
    if (this.buffer !== this.memory.buffer) {
      this.buffer = this.memory.buffer as ArrayBuffer;
      this.f32View = new Float32Array(this.buffer);
      this.i32View = new Int32Array(this.buffer);
    }
  }
}

function alignUp(x: number): number {
  return Math.ceil(x / ALIGN) * ALIGN;
}

/** The bytes an allocation of n 4-byte elements takes, padding included. */
function span(n: number): number {
  return alignUp(n * 4);
}
