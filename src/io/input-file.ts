/**
 * Reading an input file (a word list, a model file) in Node, refusing anything that is not a regular file of a sane
 * size before reading a byte: a directory, a FIFO (whose open would wait for a writer), a device (`/dev/zero` would be
 * read until memory ran out), a socket, or a file larger than the caller's limit.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats, constants } from 'node:fs';

/** The file cannot be used as input; `problem` says why (without the file name, which the caller adds). */
export class InputFileError extends Error {
  readonly path: string;
  readonly problem: string;
  constructor(path: string, problem: string) {
    super(`'${path}' ${problem}`);
    this.name = 'InputFileError';
    this.path = path;
    this.problem = problem;
  }
}

/** What kind of file system object this is, for messages; undefined for a regular file. */
export function specialKind(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** "12.3 MB" */
export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} bytes`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

function problemOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'ENOTDIR') return 'does not exist (a part of the path is not a directory)';
  if (code === 'ELOOP') return 'cannot be read (too many levels of symbolic links)';
  return `cannot be read (${(error as Error).message})`;
}

/**
 * The bytes of a regular file of at most `maxBytes` bytes.
 * @throws InputFileError for a missing or unreadable path, a directory, FIFO, device or socket, or a file too large
 */
export function readInputFile(path: string, maxBytes: number): Uint8Array {
  const check = (stats: Stats): void => {
    const kind = specialKind(stats);
    if (kind !== undefined) throw new InputFileError(path, `is ${kind}, expected a regular file`);
    if (stats.size > maxBytes) {
      throw new InputFileError(path, `is ${formatBytes(stats.size)}, more than the limit of ${formatBytes(maxBytes)}`);
    }
  };
  let fd: number;
  try {
    check(statSync(path)); // stat first: opening a FIFO for reading would block until a writer appears
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(path, problemOf(error));
  }
  try {
    const stats = fstatSync(fd);
    check(stats); // the path may have been replaced between stat and open
    const bytes = new Uint8Array(stats.size);
    let offset = 0;
    while (offset < bytes.length) {
      const n = readSync(fd, bytes, offset, bytes.length - offset, null);
      if (n === 0) break; // the file shrank while we read it
      offset += n;
    }
    return offset === bytes.length ? bytes : bytes.subarray(0, offset);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(path, problemOf(error));
  } finally {
    closeSync(fd);
  }
}
