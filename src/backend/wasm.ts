import { KERNEL_NAMES, type KERNEL_TABLE, type KernelFunction, type KernelName, type Kernels } from './kernels.ts';
import { defaultWasmBytes } from './wasm-bytes.ts';

/**
 * Where to load the kernels from: the module's bytes, an already compiled module, or a URL (a string is a URL or,
 * in Node, a file path). `file:` URLs and paths are read from disk; anything else is fetched.
 */
export type WasmSource = BufferSource | WebAssembly.Module | URL | string;

/**
 * The raw exports of `assembly/index.ts`, derived from {@link KERNEL_TABLE}: every kernel under its contract name
 * (pointers, sizes and flags as i32 — an i32 parameter takes a JS boolean as 1/0 by itself — scalars as f32/f64,
 * losses and sums returned as f64), plus `heapBase`.
 */
type KernelExports = { [K in KernelName]: KernelFunction<(typeof KERNEL_TABLE)[K], boolean | number> } & {
  memory: WebAssembly.Memory;
  heapBase(): number;
};

/** A loaded kernel module: the contract, the module's memory (for the arena) and the first free byte in it. */
export interface WasmKernels {
  kernels: Kernels;
  memory: WebAssembly.Memory;
  heapBase: number;
}

/**
 * Load and instantiate the AssemblyScript kernels and adapt their exports to the {@link Kernels} contract. Default
 * source: `build/kernels.wasm` (see `wasm-bytes.ts`). The module is built with `--runtime stub` and imports nothing,
 * so plain `WebAssembly.instantiate` does: no loader (`@assemblyscript/loader` was ~2 KB of every gzipped bundle).
 */
export async function instantiateKernels(source?: WasmSource): Promise<WasmKernels> {
  const input = source === undefined ? await defaultWasmBytes() : await resolveSource(source);
  let instance: WebAssembly.Instance;
  try {
    instance = input instanceof WebAssembly.Module
      ? await WebAssembly.instantiate(input, {})
      : (await WebAssembly.instantiate(input, {})).instance;
  } catch (error) {
    // a LinkError here means a module that wants imports: not one built from assembly/index.ts with asconfig.json
    throw new Error(`wasm backend: cannot instantiate the kernels (${(error as Error).message})`);
  }
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

/**
 * The contract over the raw exports: the exported functions themselves, no wrapper. JS → wasm argument conversion
 * turns `true`/`false` into the i32 1/0 the kernels test (ToInt32), so a flag needs no adapting and every call from
 * a training step is a direct call into wasm. A module missing a kernel is refused here, naming it.
 */
function adaptKernels(x: KernelExports): Kernels {
  const kernels = {} as Record<KernelName, unknown>;
  for (const name of KERNEL_NAMES) {
    const fn = (x as unknown as Record<string, unknown>)[name];
    if (typeof fn !== 'function') {
      throw new Error(`wasm backend: module does not export the kernel '${name}' (built from an older assembly/?)`);
    }
    kernels[name] = fn;
  }
  return kernels as Kernels;
}
