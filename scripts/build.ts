/**
 * `npm run build`: the browser bundles, the demo page's scripts and the type declarations, into `dist/`.
 *
 * - `dist/makemore.js`: the library as one ESM file with the WebAssembly kernels inlined (gzip + base64), so a plain
 *   `<script type="module">` import works with no server configuration.
 * - `dist/makemore.node.js`: the Node entry (`makemore-wasm` under Node, `makemore-wasm/node`): the library bundle plus
 *   `saveModelFile` / `loadModelFile` (they need `node:fs`).
 * - `dist/makemore.nowasm.js` + `dist/kernels.wasm`: the same library without the inlined bytes; by default it fetches
 *   `kernels.wasm` next to itself, or takes bytes / a URL / a compiled module via `createBackend('wasm', { wasm })`.
 * - `dist/demo/main.js`, `dist/demo/worker.js`: the demo page (`web/`); the worker imports `../makemore.js`, so the demo
 *   runs the very bundle users get.
 * - `dist/types/`: `.d.ts` declarations (tsc, declarations only).
 * - a `.map` source map beside every script; names are kept through minification (esbuild `keepNames`).
 *
 * The wasm itself comes from `npm run asbuild` (`build/kernels.wasm`); this script runs it when the file is missing.
 */
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where `npm run asbuild` writes the kernels. */
export const WASM_FILE = join(ROOT, 'build', 'kernels.wasm');

/** The one module that knows where the kernels' bytes come from; the bundles swap it out. */
const WASM_BYTES_MODULE = /(^|[\\/])wasm-bytes(\.ts)?$/;
/** The embedded names: kept out of the library bundle (they would double it), shipped as `names.js`. */
const NAMES_MODULE = /[\\/]data[\\/]default-names(\.ts)?$/;
/** The demo's imports of the library and the names: rewritten to the shipped bundles, not bundled twice. */
const DEMO_EXTERNALS: [RegExp, string][] = [
  [/^(\.\.\/)+src\/index\.ts$/, '../makemore.js'],
  [/^(\.\.\/)+src\/data\/default-names\.ts$/, '../names.js'],
];

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
          // gzip first: base64 of compressed bytes is ~30% smaller raw and, served gzipped, ~4 KB smaller than base64
          // of the raw module (gzip cannot undo base64's 6-bits-per-byte spread). DecompressionStream is everywhere
          // WebAssembly SIMD is (Chrome 91+, Firefox 113+, Safari 16.4+, Node 18+).
          const base64 = gzipSync(readFileSync(WASM_FILE), { level: 9 }).toString('base64');
          return {
            loader: 'js',
            contents: `
const GZIP_BASE64 = ${JSON.stringify(base64)};
let bytes;
/** The kernels' bytes: inlined at build time (gzip, base64), decoded once. */
export async function defaultWasmBytes() {
  if (bytes === undefined) {
    const s = atob(GZIP_BASE64);
    const gz = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) gz[i] = s.charCodeAt(i);
    const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return bytes;
}`,
          };
        }
        return {
          loader: 'js',
          contents: `
/** The kernels from kernels.wasm beside this bundle. Pass { wasm } to createBackend to load them from elsewhere. */
export async function defaultWasmBytes() {
  const url = new URL('./kernels.wasm', import.meta.url);
  // Node's fetch cannot read file: URLs ("fetch failed" would say nothing): say what to pass instead
  if (url.protocol === 'file:') throw new Error('makemore-wasm/nowasm: this bundle does not carry the WebAssembly kernels and cannot fetch ' + url.href + "; pass the wasm bytes: createBackend('wasm', { wasm: readFileSync(kernelsPath) }) and give that backend to the models, or import 'makemore-wasm', which has them inlined");
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error('wasm backend: fetching ' + url.href + ' failed (' + (error && error.message) + "); pass { wasm } to createBackend('wasm', { wasm }) to load the kernels from elsewhere");
  }
  if (!response.ok) throw new Error('wasm backend: fetching ' + url.href + ' failed: HTTP ' + response.status + "; pass { wasm } to createBackend('wasm', { wasm }) to load the kernels from elsewhere");
  return new Uint8Array(await response.arrayBuffer());
}`,
        };
      });
    },
  };
}

/**
 * wasm.ts reads `file:` URLs with a lazy `import('node:fs/promises')`. A browser never takes that branch, but a bundler
 * that meets a \`node:\` import in a dependency may refuse to build; the bundles carry a stub that says why instead.
 */
const nodeStub: esbuild.Plugin = {
  name: 'node-stub',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'makemore-node-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'makemore-node-stub' }, (args) => ({
      loader: 'js',
      contents: `
const fail = () => { throw new Error(${JSON.stringify(`${args.path} is not available in the browser bundle: pass the wasm as bytes, a WebAssembly.Module or an http(s) URL`)}); };
export const readFile = fail;`,
    }));
  },
};

/** The demo's scripts import the library from source for type checking; at build time those become the bundles. */
const demoExternals: esbuild.Plugin = {
  name: 'demo-externals',
  setup(b) {
    for (const [filter, path] of DEMO_EXTERNALS) b.onResolve({ filter }, () => ({ path, external: true }));
  },
};

/**
 * In the library bundle, `defaultNames` is a stub that says where the names are: ~8,400 names are data, not library,
 * and would double the download of every page that only trains on its own words.
 */
const namesStub: esbuild.Plugin = {
  name: 'names-stub',
  setup(b) {
    b.onResolve({ filter: NAMES_MODULE }, () => ({ path: 'names-stub', namespace: 'makemore-names' }));
    b.onLoad({ filter: /.*/, namespace: 'makemore-names' }, () => ({
      loader: 'js',
      contents: `
/** Not in this bundle: import { defaultNames } from 'makemore-wasm/names' (dist/names.js). */
export function defaultNames() {
  throw new Error("defaultNames: the embedded names are not in the browser bundle (they would double its size); import { defaultNames } from 'makemore-wasm/names' (dist/names.js)");
}`,
    }));
  },
};

/**
 * \`dist/names.js\`: \`defaultNames()\` with the list computed here, at build time, by the library's own function — the
 * same words in the same order, without the two raw JSON files it is merged from.
 */
async function namesModule(): Promise<string> {
  const { defaultNames } = (await import('../src/data/default-names.ts')) as typeof import('../src/data/default-names.ts');
  const text = defaultNames().join('\n');
  return `
const TEXT = ${JSON.stringify(text)};
let cache;
/** The embedded English first names (lower-cased a–z, de-duplicated, sorted); a fresh array each call. */
export function defaultNames() {
  if (cache === undefined) cache = TEXT.split('\\n');
  return cache.slice();
}
`;
}

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
  const types = options.types ?? true;
  // a build without types (the demo, the tests) leaves the declarations of the last full build in place
  if (types) rmSync(outdir, { recursive: true, force: true });
  else if (existsSync(outdir)) {
    for (const entry of readdirSync(outdir)) if (entry !== 'types') rmSync(join(outdir, entry), { recursive: true, force: true });
  }
  mkdirSync(outdir, { recursive: true });

  const common: esbuild.BuildOptions = {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    // readable errors from the minified bundles: class and function names survive (console.log shows `Vocabulary {…}`,
    // stack traces name our functions), and a source map beside each file leads back to src/
    keepNames: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: ROOT,
  };
  const library = (outfile: string, mode: 'inline' | 'url') =>
    esbuild.build({
      ...common,
      entryPoints: [join(ROOT, 'src', 'index.ts')],
      outfile: join(outdir, outfile),
      plugins: [wasmBytesPlugin(mode), namesStub, nodeStub],
    });
  await Promise.all([library('makemore.js', 'inline'), library('makemore.nowasm.js', 'url')]);
  // the Node entry: the same library plus the file helpers (atomic, checksummed model files); node: stays external
  await esbuild.build({
    ...common,
    platform: 'node',
    entryPoints: [join(ROOT, 'src', 'node.ts')],
    outfile: join(outdir, 'makemore.node.js'),
    plugins: [wasmBytesPlugin('inline'), namesStub],
  });
  await esbuild.build({
    ...common,
    stdin: { contents: await namesModule(), loader: 'js', sourcefile: 'names.js' },
    outfile: join(outdir, 'names.js'),
    sourcemap: false, // its one source is the data itself: a map would only repeat the names
  });
  writeFileSync(join(outdir, 'kernels.wasm'), readFileSync(WASM_FILE));

  if (options.demo ?? true) {
    await esbuild.build({
      ...common,
      entryPoints: { main: join(ROOT, 'web', 'main.ts'), worker: join(ROOT, 'web', 'worker.ts') },
      outdir: join(outdir, 'demo'),
      plugins: [demoExternals],
    });
  }

  if (types) {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'),
        '--outDir', join(outdir, 'types')],
      { cwd: ROOT, stdio: 'inherit' },
    );
    rewriteDeclarationImports(join(outdir, 'types'));
  }

  return ['makemore.js', 'makemore.nowasm.js', 'kernels.wasm', 'names.js', 'makemore.node.js'].map((file) => {
    const data = readFileSync(join(outdir, file));
    return { file: relative(ROOT, join(outdir, file)), bytes: statSync(join(outdir, file)).size, gzipBytes: gzipSync(data, { level: 9 }).length };
  });
}

/**
 * tsc keeps the sources' `./x.ts` specifiers in the declarations; `./x.js` is what every TypeScript version and
 * moduleResolution setting resolves to the neighbouring `x.d.ts`.
 */
function rewriteDeclarationImports(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) rewriteDeclarationImports(path);
    else if (entry.name.endsWith('.d.ts')) {
      const text = readFileSync(path, 'utf8');
      const fixed = text.replace(/(['"])(\.{1,2}\/[^'"]*?)\.ts\1/g, '$1$2.js$1');
      if (fixed !== text) writeFileSync(path, fixed);
    }
  }
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = await build();
  for (const s of sizes) console.log(`${s.file.padEnd(28)} ${kb(s.bytes).padStart(9)}  (gzip ${kb(s.gzipBytes)})`);
}
