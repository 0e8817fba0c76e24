import { readFile, readdir, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES } from '../src/backend/kernels.ts';
import { instantiateKernels } from '../src/backend/wasm.ts';
import { DEFAULT_WASM_URL } from '../src/backend/wasm-bytes.ts';

// The build itself (build/kernels.wasm, made by `npm run asbuild` on install) and the loader's sources; the kernels'
// numerics are tested in test/kernels*.test.ts.

const ASSEMBLY = new URL('../assembly/', import.meta.url);
const ASCONFIG = new URL('../asconfig.json', import.meta.url);

describe('build/kernels.wasm', () => {
  it('is at least as new as every AssemblyScript source and asconfig.json (run `npm run asbuild` if not)', async () => {
    const built = (await stat(DEFAULT_WASM_URL)).mtimeMs;
    const sources = (await readdir(ASSEMBLY)).filter((f) => f.endsWith('.ts')).map((f) => new URL(f, ASSEMBLY));
    expect(sources.length).toBeGreaterThan(0);
    for (const src of [...sources, ASCONFIG]) {
      const mtime = (await stat(src)).mtimeMs;
      expect(mtime, `${src.pathname} is newer than the build`).toBeLessThanOrEqual(built);
    }
  });

  it('exports every kernel of the contract, its memory and heapBase, and imports nothing', async () => {
    const module = await WebAssembly.compile(await readFile(DEFAULT_WASM_URL));
    const exports = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
    for (const name of KERNEL_NAMES) expect(exports.get(name), name).toBe('function');
    expect(exports.get('memory')).toBe('memory');
    expect(exports.get('heapBase')).toBe('function');
    expect(WebAssembly.Module.imports(module)).toEqual([]);
  });
});

describe('instantiateKernels', () => {
  const bytes = readFile(DEFAULT_WASM_URL);
  const sources: [string, () => Promise<Parameters<typeof instantiateKernels>[0]>][] = [
    ['the default build', async () => undefined],
    ['bytes', async () => new Uint8Array(await bytes)],
    ['an ArrayBuffer', async () => (await bytes).buffer.slice(0) as ArrayBuffer],
    ['a compiled module', async () => WebAssembly.compile(await bytes)],
    ['a file: URL', async () => DEFAULT_WASM_URL],
    ['a file: URL string', async () => DEFAULT_WASM_URL.href],
    ['a path', async () => DEFAULT_WASM_URL.pathname],
  ];
  for (const [what, source] of sources) {
    it(`loads from ${what}: every kernel is a function and a 2×2 matmul computes`, async () => {
      const { kernels, memory, heapBase } = await instantiateKernels(await source());
      for (const name of KERNEL_NAMES) expect(typeof kernels[name], name).toBe('function');
      expect(heapBase).toBeGreaterThan(0);
      expect(heapBase).toBeLessThanOrEqual(memory.buffer.byteLength);
      // [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50], placed past the module's static data
      const base = Math.ceil(heapBase / 16) * 16;
      const f = new Float32Array(memory.buffer, base, 12);
      f.set([1, 2, 3, 4, 5, 6, 7, 8]);
      kernels.matmul(base + 32, base, base + 16, 2, 2, 2, false);
      expect(Array.from(f.subarray(8))).toEqual([19, 22, 43, 50]);
      kernels.matmul(base + 32, base, base + 16, 2, 2, 2, true);
      expect(Array.from(f.subarray(8))).toEqual([38, 44, 86, 100]);
    });
  }

  it('names the file when the source cannot be read', async () => {
    await expect(instantiateKernels('/nonexistent/kernels.wasm')).rejects.toThrow(/nonexistent\/kernels\.wasm/);
  });

  it('separate instances have separate memories', async () => {
    const a = await instantiateKernels();
    const b = await instantiateKernels();
    expect(a.memory).not.toBe(b.memory);
  });
});
