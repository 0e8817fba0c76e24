import type { Arena, Region } from './arena.ts';
import {
  KERNEL_NAMES, KERNEL_TABLE, type F32Arg, type I32Arg, type KernelName, type Kernels, type KernelSpec, type Ptr,
  type ScalarRule, type Sizes,
} from './kernels.ts';

/** Which implementation of the kernel contract runs the numbers. */
export type BackendName = 'wasm' | 'js';

/**
 * A ready backend: an {@link Arena} over linear memory plus the kernel contract, with every argument checked.
 *
 * Each kernel method validates its arguments as its row of {@link KERNEL_TABLE} describes them — sizes (positive
 * integers), scalars (their rule), that every pointer lies in an allocation of the right type that is large enough
 * for the shape, and that int32 indices are in range — then calls the raw kernel. Errors name the kernel, the
 * argument and its value. `raw` skips the checks, for code that has already validated its shapes once (a model's
 * training step). The methods are generated from the table (see the bottom of this file).
 */
export class Backend {
  readonly name: BackendName;
  readonly arena: Arena;
  /** The unchecked kernels: same names and signatures. */
  readonly raw: Kernels;

  constructor(name: BackendName, arena: Arena, raw: Kernels) {
    this.name = name;
    this.arena = arena;
    this.raw = raw;
  }

  /**
   * Validates one call of `kernel` against its table row; throws an Error naming the kernel, the argument and its
   * value at the first problem. Order: sizes, scalars, float32 buffers, then index buffers.
   */
  check(kernel: KernelName, args: readonly unknown[]): void {
    const spec: KernelSpec = KERNEL_TABLE[kernel];
    const sizes: Partial<Record<string, number>> = {};
    spec.args.forEach((a, i) => {
      if (a.kind !== 'size') return;
      const v = args[i] as number;
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${kernel}: ${a.name} must be a positive integer, got ${v}`);
      sizes[a.name] = v;
    });
    spec.args.forEach((a, i) => {
      if (a.kind === 'scalar') checkScalar(kernel, a.name, a.rule, args[i] as number);
    });
    const views = new Map<string, Float32Array>();
    spec.args.forEach((a, i) => {
      if (a.kind === 'f32') views.set(a.name, this.f32(kernel, a, args[i] as Ptr, a.need(sizes as Sizes)));
    });
    spec.args.forEach((a, i) => {
      if (a.kind !== 'i32') return;
      // an embedding table's row count is its allocation's: the elements from its pointer on, ÷ the row width
      const limit = typeof a.limit === 'string'
        ? sizes[a.limit]!
        : Math.floor(views.get(a.limit.rowsOf)!.length / sizes[a.limit.width]!);
      this.indices(kernel, a, args[i] as Ptr, a.count(sizes as Sizes), limit);
    });
  }

  /**
   * Checks that ptr lies in an allocation of the argument's type with room for `need` elements from ptr on, and
   * returns the view of everything from ptr to the end of that allocation (its length tells how many are available).
   */
  private f32(kernel: string, arg: F32Arg, ptr: Ptr, need: number): Float32Array {
    const region = this.region(kernel, arg.name, ptr, need);
    if (!arg.anyType && region.type !== 'f32') {
      throw new Error(`${kernel}: ${arg.name} must point to float32 memory, but ${describe(region)} holds ${region.type}`);
    }
    return this.arena.F32.subarray(ptr >>> 2, (region.ptr >>> 2) + region.length);
  }

  private indices(kernel: string, arg: I32Arg, ptr: Ptr, count: number, limit: number): void {
    const region = this.region(kernel, arg.name, ptr, count);
    if (region.type !== 'i32') {
      throw new Error(`${kernel}: ${arg.name} must point to int32 memory, but ${describe(region)} holds ${region.type}`);
    }
    const I = this.arena.I32;
    const start = ptr >>> 2;
    const min = arg.min;
    for (let i = 0; i < count; i++) {
      const v = I[start + i]!;
      if (v < min || v >= limit) {
        const why = min < 0 ? ' (-1 = no target)' : '';
        throw new Error(`${kernel}: ${arg.name}[${i}] = ${v} is out of range [${min}, ${limit})${why}`);
      }
    }
  }

  private region(kernel: string, arg: string, ptr: Ptr, need: number): Region {
    if (!Number.isInteger(ptr) || ptr % 4 !== 0) {
      throw new Error(`${kernel}: ${arg} must be a 4-byte aligned pointer, got ${ptr}`);
    }
    const region = this.arena.regionOf(ptr);
    if (!region) throw new Error(`${kernel}: ${arg} = ${ptr} does not point into any allocation of the arena`);
    const available = region.length - ((ptr - region.ptr) >>> 2);
    if (need > available) {
      throw new Error(
        `${kernel}: shape mismatch: ${arg} needs ${need} elements but ${describe(region)} has ${available} from ${ptr}`,
      );
    }
    return region;
  }
}

// The checked kernels: one method per table row, installed on the prototype. Each checks, then calls the raw kernel.
// (Declaration merging tells TypeScript that Backend has them; the `rest` array is the checked path's only cost.)
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Backend extends Kernels {}
for (const kernel of KERNEL_NAMES) {
  Object.defineProperty(Backend.prototype, kernel, {
    value: function checked(this: Backend, ...args: unknown[]): unknown {
      this.check(kernel, args);
      return (this.raw[kernel] as (...a: unknown[]) => unknown)(...args);
    },
    writable: true,
    configurable: true,
  });
}

/** Throws unless v satisfies the rule; the messages name the accepted range. */
function checkScalar(kernel: string, arg: string, rule: ScalarRule, v: number): void {
  let expected: string | undefined;
  switch (rule) {
    case 'finite':
      if (!Number.isFinite(v)) expected = 'a finite number';
      break;
    case 'nonNegative':
      if (!Number.isFinite(v) || v < 0) expected = 'a finite number >= 0';
      break;
    case 'positive':
      if (!(v > 0) || !Number.isFinite(v)) expected = 'a finite number > 0';
      break;
    case 'unit':
      if (!(v >= 0 && v <= 1)) expected = 'in [0, 1]';
      break;
    case 'beta':
      if (!(v >= 0 && v < 1)) expected = 'in [0, 1)';
      break;
    case 'count':
      if (!Number.isInteger(v) || v < 1) expected = 'an integer >= 1';
      break;
  }
  if (expected) throw new Error(`${kernel}: ${arg} must be ${expected}, got ${v}`);
}

function describe(r: Region): string {
  return `allocation '${r.name}' (${r.length} × ${r.type} at ${r.ptr})`;
}
