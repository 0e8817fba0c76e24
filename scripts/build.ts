/**
 * `npm run build`: the browser bundles, the demo page's scripts and the type declarations, into `dist/`.
 *
 * - `dist/makemore.js`: the library as one ESM file with the WebAssembly kernels inlined (base64), so a plain
 *   `<script type="module">` import works with no server configuration.
 * - `dist/makemore.nowasm.js` + `dist/kernels.wasm`: the same library without the inlined bytes; by default it fetches
 *   `kernels.wasm` next to itself, or takes bytes / a URL / a compiled module via `createBackend('wasm', { wasm })`.
 * - `dist/demo/main.js`, `dist/demo/worker.js`: the demo page (`web/`); the worker imports `../makemore.js`, so the demo
 *   runs the very bundle users get.
 * - `dist/types/`: `.d.ts` declarations (tsc, declarations only).
 *
 * The wasm itself comes from `npm run asbuild` (`build/kernels.wasm`); this script runs it when the file is missing.
 */
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where `npm run asbuild` writes the kernels. */
export const WASM_FILE = join(ROOT, 'build', 'kernels.wasm');

/** The one module that knows where the kernels' bytes come from; the bundles swap it out. */
const WASM_BYTES_MODULE = /[\\/]backend[\\/]wasm-bytes(\.ts)?$/;
/** The library's public entry, as imported by the demo's scripts: rewritten to the bundle, not bundled twice. */
const LIBRARY_ENTRY = /^(\.\.\/)+src\/index\.ts$/;

/** Options for {@link build}. */
export interface BuildOptions {
  /** Output directory (default `dist/` in the repository). */
  outdir?: string;
  /** Emit `.d.ts` declarations with tsc (default true; slow-ish, so the browser tests skip it). */
  types?: boolean;
  /** Build the demo page's scripts (default true). */
  demo?: boolean;
  /** Minify (default true). */
  minify?: boolean;
}

/** Size of one output file. */
export interface FileSize {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/**
 * How the wasm reaches the library: `inline` embeds the bytes as base64 in the bundle; `url` fetches `kernels.wasm`
 * from beside the bundle (resolved against `import.meta.url`).
 */
function wasmBytesPlugin(mode: 'inline' | 'url'): esbuild.Plugin {
  return {
    name: `wasm-bytes-${mode}`,
    setup(b) {
      b.onResolve({ filter: WASM_BYTES_MODULE }, () => ({ path: `wasm-bytes-${mode}`, namespace: 'makemore-wasm' }));
      b.onLoad({ filter: /.*/, namespace: 'makemore-wasm' }, () => {
        if (mode === 'inline') {
          const base64 = readFileSync(WASM_FILE).toString('base64');
          return {
            loader: 'js',
            contents: `
const BASE64 = ${JSON.stringify(base64)};
let bytes;
/** The kernels' bytes, decoded once from the base64 inlined at build time. */
export function defaultWasmBytes() {
  if (bytes === undefined) {
    const s = atob(BASE64);
    bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  }
  return bytes;
}`,
          };
        }
        return {
          loader: 'js',
          contents: `
/** Where the kernels are: kernels.wasm beside this bundle. Pass { wasm } to createBackend to load them elsewhere. */
export function defaultWasmBytes() {
  return new URL('./kernels.wasm', import.meta.url);
}`,
        };
      });
    },
  };
}

/** The demo's scripts import the library from source for type checking; at build time that becomes the bundle. */
const libraryExternal: esbuild.Plugin = {
  name: 'library-external',
  setup(b) {
    b.onResolve({ filter: LIBRARY_ENTRY }, () => ({ path: '../makemore.js', external: true }));
  },
};

/** Compiles the kernels if `build/kernels.wasm` is missing. */
export function ensureWasm(): void {
  if (existsSync(WASM_FILE)) return;
  execFileSync('npm', ['run', 'asbuild'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(WASM_FILE)) throw new Error(`build: ${WASM_FILE} is still missing after 'npm run asbuild'`);
}

/** Builds everything into `outdir`; returns the size of each file written. */
export async function build(options: BuildOptions = {}): Promise<FileSize[]> {
  const outdir = resolve(options.outdir ?? join(ROOT, 'dist'));
  const minify = options.minify ?? true;
  ensureWasm();
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });

  const common: esbuild.BuildOptions = {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: ROOT,
  };
  const library = (outfile: string, mode: 'inline' | 'url') =>
    esbuild.build({
      ...common,
      entryPoints: [join(ROOT, 'src', 'index.ts')],
      outfile: join(outdir, outfile),
      plugins: [wasmBytesPlugin(mode)],
    });
  await Promise.all([library('makemore.js', 'inline'), library('makemore.nowasm.js', 'url')]);
  writeFileSync(join(outdir, 'kernels.wasm'), readFileSync(WASM_FILE));

  if (options.demo ?? true) {
    await esbuild.build({
      ...common,
      entryPoints: { main: join(ROOT, 'web', 'main.ts'), worker: join(ROOT, 'web', 'worker.ts') },
      outdir: join(outdir, 'demo'),
      plugins: [libraryExternal, wasmBytesPlugin('inline')],
    });
  }

  if (options.types ?? true) {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'),
        '--outDir', join(outdir, 'types')],
      { cwd: ROOT, stdio: 'inherit' },
    );
  }

  return ['makemore.js', 'makemore.nowasm.js', 'kernels.wasm'].map((file) => {
    const data = readFileSync(join(outdir, file));
    return { file: relative(ROOT, join(outdir, file)), bytes: statSync(join(outdir, file)).size, gzipBytes: gzipSync(data, { level: 9 }).length };
  });
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = await build();
  for (const s of sizes) console.log(`${s.file.padEnd(28)} ${kb(s.bytes).padStart(9)}  (gzip ${kb(s.gzipBytes)})`);
}
