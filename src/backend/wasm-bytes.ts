/**
 * Where the compiled kernels come from when the caller gives no source: `build/kernels.wasm`, built by
 * `npm run asbuild` (run on `npm install` by the `prepare` script). This is the only file that touches the file
 * system for the wasm backend; a browser bundle aliases it to a module that returns inlined bytes.
 */

/** The URL of the kernels built by `npm run asbuild`, relative to this source file. */
export const DEFAULT_WASM_URL = new URL('../../build/kernels.wasm', import.meta.url);

/** The bytes of `build/kernels.wasm` (Node only: read from disk, `node:fs` imported lazily so bundlers can drop it). */
export async function defaultWasmBytes(): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(DEFAULT_WASM_URL);
  } catch (err) {
    throw new Error(
      `wasm backend: cannot read ${DEFAULT_WASM_URL.pathname} (${(err as Error).message}); run \`npm run asbuild\``,
    );
  }
}
