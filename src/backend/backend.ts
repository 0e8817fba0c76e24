import type { Arena, Region } from './arena.ts';
import type { Kernels, Ptr } from './kernels.ts';

/** Which implementation of the kernel contract runs the numbers. */
export type BackendName = 'wasm' | 'js';

/**
 * A ready backend: an {@link Arena} over linear memory plus the kernel contract, with every argument checked.
 *
 * Each method validates sizes (positive integers), that every pointer lies in an allocation of the right type that
 * is large enough for the shape, and that int32 indices are in range — then calls the raw kernel. Errors name the
 * kernel, the argument and its value. `raw` skips the checks, for code that has already validated its shapes once
 * (a model's training step).
 */
export class Backend implements Kernels {
  readonly name: BackendName;
  readonly arena: Arena;
  /** The unchecked kernels: same names and signatures. */
  readonly raw: Kernels;

  constructor(name: BackendName, arena: Arena, raw: Kernels) {
    this.name = name;
    this.arena = arena;
    this.raw = raw;
  }

  matmul(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: boolean): void {
    this.sizes('matmul', { M, K, N });
    this.f32('matmul', 'C', c, M * N);
    this.f32('matmul', 'A', a, M * K);
    this.f32('matmul', 'B', b, K * N);
    this.raw.matmul(c, a, b, M, K, N, accumulate);
  }

  matmulTN(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: boolean): void {
    this.sizes('matmulTN', { M, K, N });
    this.f32('matmulTN', 'C', c, M * N);
    this.f32('matmulTN', 'A', a, K * M);
    this.f32('matmulTN', 'B', b, K * N);
    this.raw.matmulTN(c, a, b, M, K, N, accumulate);
  }

  matmulNT(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: boolean): void {
    this.sizes('matmulNT', { M, K, N });
    this.f32('matmulNT', 'C', c, M * N);
    this.f32('matmulNT', 'A', a, M * K);
    this.f32('matmulNT', 'B', b, N * K);
    this.raw.matmulNT(c, a, b, M, K, N, accumulate);
  }

  addBias(y: Ptr, b: Ptr, M: number, N: number): void {
    this.sizes('addBias', { M, N });
    this.f32('addBias', 'y', y, M * N);
    this.f32('addBias', 'b', b, N);
    this.raw.addBias(y, b, M, N);
  }

  biasBackward(db: Ptr, dy: Ptr, M: number, N: number, accumulate: boolean): void {
    this.sizes('biasBackward', { M, N });
    this.f32('biasBackward', 'db', db, N);
    this.f32('biasBackward', 'dy', dy, M * N);
    this.raw.biasBackward(db, dy, M, N, accumulate);
  }

  tanhForward(y: Ptr, x: Ptr, n: number): void {
    this.sizes('tanhForward', { n });
    this.f32('tanhForward', 'y', y, n);
    this.f32('tanhForward', 'x', x, n);
    this.raw.tanhForward(y, x, n);
  }

  tanhBackward(dx: Ptr, dy: Ptr, y: Ptr, n: number, accumulate: boolean): void {
    this.sizes('tanhBackward', { n });
    this.f32('tanhBackward', 'dx', dx, n);
    this.f32('tanhBackward', 'dy', dy, n);
    this.f32('tanhBackward', 'y', y, n);
    this.raw.tanhBackward(dx, dy, y, n, accumulate);
  }

  softmax(y: Ptr, x: Ptr, M: number, N: number): void {
    this.sizes('softmax', { M, N });
    this.f32('softmax', 'y', y, M * N);
    this.f32('softmax', 'x', x, M * N);
    this.raw.softmax(y, x, M, N);
  }

  logSoftmax(y: Ptr, x: Ptr, M: number, N: number): void {
    this.sizes('logSoftmax', { M, N });
    this.f32('logSoftmax', 'y', y, M * N);
    this.f32('logSoftmax', 'x', x, M * N);
    this.raw.logSoftmax(y, x, M, N);
  }

  crossEntropyLoss(logits: Ptr, targets: Ptr, M: number, N: number): number {
    this.sizes('crossEntropyLoss', { M, N });
    this.f32('crossEntropyLoss', 'logits', logits, M * N);
    this.indices('crossEntropyLoss', 'targets', targets, M, N);
    return this.raw.crossEntropyLoss(logits, targets, M, N);
  }

  softmaxCrossEntropy(dlogits: Ptr, logits: Ptr, targets: Ptr, M: number, N: number): number {
    this.sizes('softmaxCrossEntropy', { M, N });
    this.f32('softmaxCrossEntropy', 'dlogits', dlogits, M * N);
    this.f32('softmaxCrossEntropy', 'logits', logits, M * N);
    this.indices('softmaxCrossEntropy', 'targets', targets, M, N);
    return this.raw.softmaxCrossEntropy(dlogits, logits, targets, M, N);
  }

  batchNormTrain(
    y: Ptr, xhat: Ptr, invstd: Ptr, x: Ptr, gain: Ptr, bias: Ptr, runMean: Ptr, runVar: Ptr,
    M: number, N: number, momentum: number, eps: number,
  ): void {
    const k = 'batchNormTrain';
    this.sizes(k, { M, N });
    this.unit(k, 'momentum', momentum);
    this.positive(k, 'eps', eps);
    this.f32(k, 'y', y, M * N);
    this.f32(k, 'xhat', xhat, M * N);
    this.f32(k, 'x', x, M * N);
    for (const [arg, p] of [['invstd', invstd], ['gain', gain], ['bias', bias], ['runMean', runMean], ['runVar', runVar]] as const) {
      this.f32(k, arg, p, N);
    }
    this.raw.batchNormTrain(y, xhat, invstd, x, gain, bias, runMean, runVar, M, N, momentum, eps);
  }

  batchNormEval(y: Ptr, x: Ptr, gain: Ptr, bias: Ptr, runMean: Ptr, runVar: Ptr, M: number, N: number, eps: number): void {
    const k = 'batchNormEval';
    this.sizes(k, { M, N });
    this.positive(k, 'eps', eps);
    this.f32(k, 'y', y, M * N);
    this.f32(k, 'x', x, M * N);
    for (const [arg, p] of [['gain', gain], ['bias', bias], ['runMean', runMean], ['runVar', runVar]] as const) {
      this.f32(k, arg, p, N);
    }
    this.raw.batchNormEval(y, x, gain, bias, runMean, runVar, M, N, eps);
  }

  batchNormBackward(dx: Ptr, dgain: Ptr, dbias: Ptr, dy: Ptr, xhat: Ptr, invstd: Ptr, gain: Ptr, M: number, N: number): void {
    const k = 'batchNormBackward';
    this.sizes(k, { M, N });
    this.f32(k, 'dx', dx, M * N);
    this.f32(k, 'dy', dy, M * N);
    this.f32(k, 'xhat', xhat, M * N);
    for (const [arg, p] of [['dgain', dgain], ['dbias', dbias], ['invstd', invstd], ['gain', gain]] as const) {
      this.f32(k, arg, p, N);
    }
    this.raw.batchNormBackward(dx, dgain, dbias, dy, xhat, invstd, gain, M, N);
  }

  embeddingGather(out: Ptr, table: Ptr, idx: Ptr, B: number, T: number, D: number): void {
    const k = 'embeddingGather';
    this.sizes(k, { B, T, D });
    this.f32(k, 'out', out, B * T * D);
    const rows = Math.floor(this.f32(k, 'table', table, D).length / D); // the table's row count: its allocation
    this.indices(k, 'idx', idx, B * T, rows);
    this.raw.embeddingGather(out, table, idx, B, T, D);
  }

  embeddingScatterAdd(dtable: Ptr, dout: Ptr, idx: Ptr, B: number, T: number, D: number): void {
    const k = 'embeddingScatterAdd';
    this.sizes(k, { B, T, D });
    this.f32(k, 'dout', dout, B * T * D);
    const rows = Math.floor(this.f32(k, 'dtable', dtable, D).length / D);
    this.indices(k, 'idx', idx, B * T, rows);
    this.raw.embeddingScatterAdd(dtable, dout, idx, B, T, D);
  }

  sgdUpdate(param: Ptr, grad: Ptr, n: number, lr: number, weightDecay: number): void {
    this.sizes('sgdUpdate', { n });
    if (!Number.isFinite(lr)) throw new Error(`sgdUpdate: lr must be a finite number, got ${lr}`);
    if (!Number.isFinite(weightDecay) || weightDecay < 0) {
      throw new Error(`sgdUpdate: weightDecay must be a finite number >= 0, got ${weightDecay}`);
    }
    this.f32('sgdUpdate', 'param', param, n);
    this.f32('sgdUpdate', 'grad', grad, n);
    this.raw.sgdUpdate(param, grad, n, lr, weightDecay);
  }

  zero(x: Ptr, n: number): void {
    this.sizes('zero', { n });
    this.f32('zero', 'x', x, n, true);
    this.raw.zero(x, n);
  }

  sumSquares(x: Ptr, n: number): number {
    this.sizes('sumSquares', { n });
    this.f32('sumSquares', 'x', x, n);
    return this.raw.sumSquares(x, n);
  }

  private sizes(kernel: string, dims: Record<string, number>): void {
    for (const arg in dims) {
      const v = dims[arg]!;
      if (!Number.isInteger(v) || v <= 0) {
        throw new Error(`${kernel}: ${arg} must be a positive integer, got ${v}`);
      }
    }
  }

  private positive(kernel: string, arg: string, v: number): void {
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`${kernel}: ${arg} must be a finite number > 0, got ${v}`);
  }

  private unit(kernel: string, arg: string, v: number): void {
    if (!(v >= 0 && v <= 1)) throw new Error(`${kernel}: ${arg} must be in [0, 1], got ${v}`);
  }

  /**
   * Checks that ptr lies in an allocation of `type` with room for `need` elements from ptr on, and returns the
   * view of everything from ptr to the end of that allocation (its length tells how many elements are available).
   */
  private f32(kernel: string, arg: string, ptr: Ptr, need: number, anyType = false): Float32Array {
    const region = this.region(kernel, arg, ptr, need);
    if (!anyType && region.type !== 'f32') {
      throw new Error(`${kernel}: ${arg} must point to float32 memory, but ${describe(region)} holds ${region.type}`);
    }
    return this.arena.F32.subarray(ptr >>> 2, (region.ptr >>> 2) + region.length);
  }

  private indices(kernel: string, arg: string, ptr: Ptr, count: number, limit: number): void {
    const region = this.region(kernel, arg, ptr, count);
    if (region.type !== 'i32') {
      throw new Error(`${kernel}: ${arg} must point to int32 memory, but ${describe(region)} holds ${region.type}`);
    }
    const I = this.arena.I32;
    const start = ptr >>> 2;
    for (let i = 0; i < count; i++) {
      const v = I[start + i]!;
      if (v < 0 || v >= limit) {
        throw new Error(`${kernel}: ${arg}[${i}] = ${v} is out of range [0, ${limit})`);
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

function describe(r: Region): string {
  return `allocation '${r.name}' (${r.length} × ${r.type} at ${r.ptr})`;
}
