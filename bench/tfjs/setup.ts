/**
 * TensorFlow.js in Node for the comparison: the union package `@tensorflow/tfjs` (pure JS; it registers the
 * gradients that `tf.variableGrads` needs and the cpu backend) plus `@tensorflow/tfjs-backend-wasm` (XNNPACK).
 *
 * The wasm backend loads its .wasm binaries from its own package directory. Threads stay off so both sides use
 * one core (the machine is shared and our kernels are single-threaded); the SIMD binary must be the one in use,
 * or the comparison would be against a handicapped TF.js.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';

export { tf };

/** The two TF.js backends we compare against. */
export type TfBackendName = 'wasm' | 'cpu';

let ready: Promise<void> | undefined;

/** Load TF.js once: wasm binaries from the package dir, no threads, SIMD checked; both backends initialized. */
export function initTf(): Promise<void> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    tf.enableProdMode(); // what a user after speed does; also silences the "install tfjs-node" hint on stderr
    setWasmPaths(path.join(dir, 'dist') + path.sep); // a file path prefix: the trailing separator matters
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (!(await tf.setBackend('wasm'))) throw new Error('TF.js: the wasm backend failed to initialize');
    if (!tf.env().getBool('WASM_HAS_SIMD_SUPPORT')) {
      throw new Error('TF.js: WebAssembly SIMD is not detected; the comparison would use the scalar binary');
    }
    if (!(await tf.setBackend('cpu'))) throw new Error('TF.js: the cpu backend failed to initialize');
  })();
  return ready;
}

/** Make `name` the active TF.js backend (cheap when it already is). */
export async function useTf(name: TfBackendName): Promise<void> {
  if (tf.getBackend() !== name) await tf.setBackend(name);
}

/** The TF.js impl label used in the results. */
export function tfImpl(name: TfBackendName): string {
  return `tfjs-${name}`;
}
