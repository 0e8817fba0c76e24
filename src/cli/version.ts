/**
 * `makemore --version`: the package version (read from the package.json this CLI ships in, so it cannot drift) and
 * the model-file format version it writes.
 */
import { readFileSync } from 'node:fs';
import { MODEL_FILE_FORMAT, MODEL_FILE_VERSION } from '../io/model-file.ts';

/** The `version` field of makemore-wasm's package.json. */
export function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: unknown };
  if (pkg.name !== 'makemore-wasm' || typeof pkg.version !== 'string') {
    throw new Error(`makemore: ${url.pathname} is not makemore-wasm's package.json (name ${JSON.stringify(pkg.name)})`);
  }
  return pkg.version;
}

/** The line `makemore --version` prints. */
export function versionText(): string {
  return `makemore-wasm ${packageVersion()} (model files: format "${MODEL_FILE_FORMAT}" version ${MODEL_FILE_VERSION})\n`;
}
