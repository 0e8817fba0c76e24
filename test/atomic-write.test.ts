/**
 * Item 3 of issue 11: temp files of killed writers are removed by the next write to the same target, while a live
 * writer's temp file and unrelated files are left alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleTemps, tempPathFor, writeFileAtomic } from '../src/io/atomic-write.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'makemore-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The id of a process that has exited (and, right after, is very unlikely to be reused). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('stale temp files', () => {
  it('removes a dead writer’s temp file, keeps a live writer’s and other files', () => {
    const target = join(dir, 'model.json');
    const dead = `.model.json.${deadPid()}.abc.def123.tmp`;
    const live = `.model.json.${process.ppid}.abc.def123.tmp`; // our parent is alive while we run
    const otherTarget = `.other.json.${deadPid()}.abc.def123.tmp`;
    const unrelated = '.model.json.notes.tmp';
    for (const name of [dead, live, otherTarget, unrelated]) writeFileSync(join(dir, name), 'partial');
    writeFileAtomic(target, 'complete');
    expect(readdirSync(dir).sort()).toEqual([live, otherTarget, unrelated, 'model.json'].sort());
  });

  it('removes a temp file a day old even when its process id is in use again', () => {
    const target = join(dir, 'm.json');
    const old = join(dir, `.m.json.${process.ppid}.abc.def123.tmp`);
    writeFileSync(old, 'partial');
    const dayAgo = (Date.now() - 25 * 3600 * 1000) / 1000;
    utimesSync(old, dayAgo, dayAgo);
    expect(removeStaleTemps(target)).toEqual([old]);
  });

  it('the temp name pattern is the one removeStaleTemps recognises', () => {
    const target = join(dir, 'x.json');
    const temp = tempPathFor(target);
    writeFileSync(temp, 'partial'); // as if this very process had been killed mid-write earlier
    expect(removeStaleTemps(target)).toEqual([temp]);
  });
});
