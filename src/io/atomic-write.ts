/**
 * Atomic file replacement for Node: write a temp file in the same directory, fsync it, rename it over the target,
 * fsync the directory. rename() within one file system is atomic on POSIX, so a reader (or the next run after a crash,
 * a full disk or Ctrl-C) sees either the old file or the complete new one, never a half-written file at the target.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `length` bytes of `buffer` from `offset` to `fd`, returns how many it wrote (the shape of `fs.writeSync`). */
export type WriteChunk = (fd: number, buffer: Uint8Array, offset: number, length: number) => number;

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Bytes per write call (default 1 MiB). */
  chunkSize?: number;
  /** The low-level write (default `fs.writeSync`); tests substitute one that fails part-way to simulate a crash. */
  write?: WriteChunk;
}

/** The temp file name used for `path`: hidden, in the same directory (so rename stays on one file system), unique. */
export function tempPathFor(path: string): string {
  const unique = `${process.pid}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
  return join(dirname(path), `.${basename(path)}.${unique}.tmp`);
}

/**
 * Replaces `path` with `data` atomically. If anything fails before the rename, the temp file is removed and the error
 * is rethrown: the previous content of `path` (if any) is untouched.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  try {
    writeAtomic(path, data, options);
  } catch (error) {
    throw namedWriteError(path, error);
  }
  removeStaleTemps(path);
}

/** A write error that names the file the user asked for (not only the hidden temp file), keeping the errno code. */
function namedWriteError(path: string, error: unknown): Error {
  const e = error as NodeJS.ErrnoException;
  if (typeof e?.message === 'string' && e.message.startsWith(`cannot write '${path}'`)) return e;
  const reason =
    e?.code === 'ENOSPC' ? 'no space left on device (ENOSPC)' :
    e?.code === 'EDQUOT' ? 'disk quota exceeded (EDQUOT)' :
    e?.code === 'EACCES' || e?.code === 'EPERM' ? `permission denied (${e.code})` :
    e?.code === 'EROFS' ? 'read-only file system (EROFS)' :
    e?.message ?? String(error);
  return Object.assign(new Error(`cannot write '${path}': ${reason}; its previous content (if any) is unchanged`, { cause: error }), {
    code: e?.code,
  });
}

function writeAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const chunkSize = options.chunkSize ?? 1 << 20;
  const write: WriteChunk = options.write ?? ((fd, buffer, offset, length) => writeSync(fd, buffer, offset, length));
  const temp = tempPathFor(path);
  // 'wx': never follow or clobber an existing file with the temp name
  const fd = openSync(temp, 'wx', 0o644);
  let renamed = false;
  try {
    try {
      let offset = 0;
      while (offset < bytes.length) {
        const written = write(fd, bytes, offset, Math.min(chunkSize, bytes.length - offset));
        if (!(written > 0)) throw new Error(`writeFileAtomic: write to '${temp}' made no progress`);
        offset += written;
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    renamed = true;
    syncDirectory(dirname(path));
  } finally {
    if (!renamed) {
      try {
        unlinkSync(temp);
      } catch {
        // already gone: nothing to clean up
      }
    }
  }
}

/** Makes the rename itself durable. Not every platform can open a directory (Windows cannot): best effort. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // durability of the directory entry is a bonus, atomicity does not depend on it
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether a process with this id exists (EPERM: it exists but belongs to someone else). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A temp file older than this is stale even if a process with its writer's id exists (the id was reused). */
const STALE_AGE_MS = 24 * 3600 * 1000;

/**
 * Removes the temp files that killed writers left beside `path` (`.NAME.<pid>.<time>.<random>.tmp`, see
 * {@link tempPathFor}): those whose writer process is gone, or that are a day old. A live concurrent writer's temp file
 * is left alone. Best effort: a failure here never fails the write that already succeeded.
 */
export function removeStaleTemps(path: string): string[] {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const parts = name.slice(prefix.length, -'.tmp'.length).split('.');
    const pid = Number(parts[0]);
    if (parts.length !== 3 || !Number.isSafeInteger(pid) || pid <= 0) continue; // not one of ours
    const full = join(dir, name);
    try {
      const old = Date.now() - statSync(full).mtimeMs > STALE_AGE_MS;
      if ((pid !== process.pid && processAlive(pid)) && !old) continue;
      unlinkSync(full);
      removed.push(full);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}
