/**
 * How a neural model gets its backend: by name (a fresh backend of its own) or as a ready {@link Backend} (shared).
 */
import { Backend, createBackend, type BackendName } from '../backend/index.ts';

/** `'wasm'` (default) or `'js'` for a backend of the model's own, or an existing {@link Backend} to share. */
export type BackendOption = BackendName | Backend;

/** The backend for a model: the given one, or a new one by name. Errors name the bad value. */
export async function resolveBackend(option: BackendOption | undefined, who: string): Promise<Backend> {
  if (option === undefined) return createBackend('wasm');
  if (option instanceof Backend) return option;
  if (option === 'wasm' || option === 'js') return createBackend(option);
  throw new Error(`${who}: unknown backend ${JSON.stringify(option)} (expected 'wasm', 'js' or a Backend)`);
}
