import { Arena } from './arena.ts';
import { Backend, type BackendName } from './backend.ts';
import { createJsKernels } from './js.ts';
import { instantiateKernels, type WasmSource } from './wasm.ts';

export { Arena, type Region } from './arena.ts';
export { Backend, type BackendName } from './backend.ts';
export {
  KERNEL_NAMES, KERNEL_TABLE, type KernelArg, type KernelFamily, type KernelName, type Kernels, type KernelSpec, type Ptr,
  type ScalarRule, type Sizes,
} from './kernels.ts';
export type { WasmSource } from './wasm.ts';

/** Options for {@link createBackend}. */
export interface BackendOptions {
  /** wasm only: the module's bytes, a compiled module, or a URL to fetch it from (default: the bundled build). */
  wasm?: WasmSource;
}

/**
 * A ready backend with its own linear memory: `'wasm'` (AssemblyScript SIMD kernels, the default) or `'js'` (the
 * plain TypeScript reference). Both implement the same kernel contract, so a model never knows which one it runs on.
 */
export async function createBackend(name: BackendName = 'wasm', options: BackendOptions = {}): Promise<Backend> {
  if (name === 'js') return createJsBackend();
  if (name === 'wasm') {
    const { kernels, memory, heapBase } = await instantiateKernels(options.wasm);
    return new Backend('wasm', new Arena(memory, heapBase), kernels);
  }
  throw new Error(`createBackend: unknown backend '${String(name)}' (expected 'wasm' or 'js')`);
}

/** The plain TypeScript backend, synchronously. */
export function createJsBackend(): Backend {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const arena = new Arena(memory, 0);
  return new Backend('js', arena, createJsKernels(arena));
}
