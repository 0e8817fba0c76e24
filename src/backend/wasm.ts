import { instantiate } from '@assemblyscript/loader';
import type { Kernels, Ptr } from './kernels.ts';
import { defaultWasmBytes } from './wasm-bytes.ts';

/**
 * Where to load the kernels from: the module's bytes, an already compiled module, or a URL (a string is a URL or,
 * in Node, a file path). `file:` URLs and paths are read from disk; anything else is fetched.
 */
export type WasmSource = BufferSource | WebAssembly.Module | URL | string;

/** The raw exports of `assembly/index.ts`: the contract's kernels with booleans as i32, plus `heapBase`. */
interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  matmul(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number): void;
  matmulTN(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number): void;
  matmulNT(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: number): void;
  addBias(y: Ptr, b: Ptr, M: number, N: number): void;
  biasBackward(db: Ptr, dy: Ptr, M: number, N: number, accumulate: number): void;
  tanhForward(y: Ptr, x: Ptr, n: number): void;
  tanhBackward(dx: Ptr, dy: Ptr, y: Ptr, n: number, accumulate: number): void;
  softmax(y: Ptr, x: Ptr, M: number, N: number): void;
  logSoftmax(y: Ptr, x: Ptr, M: number, N: number): void;
  crossEntropyLoss(logits: Ptr, targets: Ptr, M: number, N: number): number;
  softmaxCrossEntropy(dlogits: Ptr, logits: Ptr, targets: Ptr, M: number, N: number): number;
  batchNormTrain(
    y: Ptr, xhat: Ptr, invstd: Ptr, x: Ptr, gain: Ptr, bias: Ptr, runMean: Ptr, runVar: Ptr,
    M: number, N: number, momentum: number, eps: number,
  ): void;
  batchNormEval(y: Ptr, x: Ptr, gain: Ptr, bias: Ptr, runMean: Ptr, runVar: Ptr, M: number, N: number, eps: number): void;
  batchNormBackward(dx: Ptr, dgain: Ptr, dbias: Ptr, dy: Ptr, xhat: Ptr, invstd: Ptr, gain: Ptr, M: number, N: number): void;
  embeddingGather(out: Ptr, table: Ptr, idx: Ptr, B: number, T: number, D: number): void;
  embeddingScatterAdd(dtable: Ptr, dout: Ptr, idx: Ptr, B: number, T: number, D: number): void;
  sgdUpdate(param: Ptr, grad: Ptr, n: number, lr: number, weightDecay: number): void;
  zero(x: Ptr, n: number): void;
  sumSquares(x: Ptr, n: number): number;
}

/** A loaded kernel module: the contract, the module's memory (for the arena) and the first free byte in it. */
export interface WasmKernels {
  kernels: Kernels;
  memory: WebAssembly.Memory;
  heapBase: number;
}

/**
 * Load and instantiate the AssemblyScript kernels (via `@assemblyscript/loader`) and adapt their exports to the
 * {@link Kernels} contract. Default source: `build/kernels.wasm` (see `wasm-bytes.ts`).
 */
export async function instantiateKernels(source?: WasmSource): Promise<WasmKernels> {
  const input = source === undefined ? await defaultWasmBytes() : await resolveSource(source);
  const { instance } = await instantiate<Record<string, unknown>>(input as BufferSource | WebAssembly.Module);
  // the loader's `exports` wraps each function in a variadic JS shim; the hot path calls the instance's directly
  const x = instance.exports as unknown as KernelExports;
  if (!(x.memory instanceof WebAssembly.Memory) || typeof x.heapBase !== 'function') {
    throw new Error('wasm backend: module does not export `memory` and `heapBase` (not built from assembly/index.ts?)');
  }
  return { kernels: adaptKernels(x), memory: x.memory, heapBase: x.heapBase() >>> 0 };
}

/** Bytes or a compiled module from any {@link WasmSource}. */
async function resolveSource(source: WasmSource): Promise<BufferSource | WebAssembly.Module> {
  if (source instanceof WebAssembly.Module || ArrayBuffer.isView(source) || source instanceof ArrayBuffer) {
    return source;
  }
  const url = toUrl(source);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    try {
      return await readFile(url);
    } catch (err) {
      throw new Error(`wasm backend: cannot read ${url.pathname}: ${(err as Error).message}`);
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`wasm backend: fetching ${url.href} failed: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** A URL from a URL or a string; in Node a string that is not an absolute URL is a file path. */
function toUrl(source: URL | string): URL {
  if (source instanceof URL) return source;
  try {
    return new URL(source);
  } catch {
    if (typeof process !== 'undefined' && process.versions?.node) {
      // resolved against the working directory, as a CLI user expects
      return new URL(source, `file://${process.cwd().replace(/\/?$/, '/')}`);
    }
    return new URL(source, globalThis.location?.href);
  }
}

/** The contract over the raw exports: plain methods that only turn booleans into 0/1. */
function adaptKernels(x: KernelExports): Kernels {
  return {
    matmul: (c, a, b, M, K, N, accumulate) => x.matmul(c, a, b, M, K, N, accumulate ? 1 : 0),
    matmulTN: (c, a, b, M, K, N, accumulate) => x.matmulTN(c, a, b, M, K, N, accumulate ? 1 : 0),
    matmulNT: (c, a, b, M, K, N, accumulate) => x.matmulNT(c, a, b, M, K, N, accumulate ? 1 : 0),
    addBias: x.addBias,
    biasBackward: (db, dy, M, N, accumulate) => x.biasBackward(db, dy, M, N, accumulate ? 1 : 0),
    tanhForward: x.tanhForward,
    tanhBackward: (dx, dy, y, n, accumulate) => x.tanhBackward(dx, dy, y, n, accumulate ? 1 : 0),
    softmax: x.softmax,
    logSoftmax: x.logSoftmax,
    crossEntropyLoss: x.crossEntropyLoss,
    softmaxCrossEntropy: x.softmaxCrossEntropy,
    batchNormTrain: x.batchNormTrain,
    batchNormEval: x.batchNormEval,
    batchNormBackward: x.batchNormBackward,
    embeddingGather: x.embeddingGather,
    embeddingScatterAdd: x.embeddingScatterAdd,
    sgdUpdate: x.sgdUpdate,
    zero: x.zero,
    sumSquares: x.sumSquares,
  };
}
