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

/**
 * A bump allocator over a WebAssembly.Memory, shared by both backends. Models allocate their parameters,
 * gradients and activations once; a training step then only reads and writes. Growing the memory detaches
 * every typed array over the old buffer, so views are handed out fresh from {@link Arena.f32}/{@link Arena.i32}
 * (cheap) and the whole-memory views are re-created whenever the buffer changed — never cache them across an
 * allocation.
 */
export class Arena {
  readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private top: number;
  private readonly regions: Region[] = [];
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

  /** A position to {@link Arena.release} back to: everything allocated after it is freed at once. */
  mark(): number {
    return this.regions.length;
  }

  /** Free every allocation made after `mark` (stack discipline; the memory itself never shrinks). */
  release(mark: number): void {
    if (!Number.isInteger(mark) || mark < 0 || mark > this.regions.length) {
      throw new Error(`Arena.release: mark must be an integer in [0, ${this.regions.length}], got ${mark}`);
    }
    this.regions.length = mark;
    const last = this.regions[mark - 1];
    this.top = last ? alignUp(last.ptr + last.length * 4) : this.base;
  }

  /** Bytes handed out so far. */
  get bytesUsed(): number {
    return this.top - this.base;
  }

  /** The allocation that contains byte offset ptr, or undefined. Regions are sorted, so this is a binary search. */
  regionOf(ptr: Ptr): Region | undefined {
    const r = this.regions;
    let lo = 0;
    let hi = r.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const reg = r[mid]!;
      if (ptr < reg.ptr) hi = mid - 1;
      else if (ptr >= reg.ptr + Math.max(reg.length, 1) * 4) lo = mid + 1;
      else return reg;
    }
    return undefined;
  }

  private alloc(n: number, type: 'f32' | 'i32', name: string): Ptr {
    if (!Number.isInteger(n) || n <= 0) {
      throw new Error(`Arena: cannot allocate ${name}: length must be a positive integer, got ${n}`);
    }
    const ptr = this.top;
    const end = alignUp(ptr + n * 4);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
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
    this.top = end;
    this.regions.push({ ptr, length: n, type, name });
    new Uint8Array(this.memory.buffer, ptr, end - ptr).fill(0); // released memory may hold old values
    return ptr;
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
