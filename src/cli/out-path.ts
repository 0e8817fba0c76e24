/**
 * Checking an output file before any work is done, so that a run never trains for minutes and then fails to save,
 * and never overwrites one of its own inputs. Every problem is a {@link UsageError} (exit 2) naming the flag.
 *
 * Decisions: a missing parent directory is created (as before; `npm start` relies on it); a symbolic link at the
 * output path is refused rather than written through or replaced (replacing it would leave its target stale, writing
 * through it would surprise whoever shares the target), and the message names the link's target to use instead.
 */
import { closeSync, lstatSync, mkdirSync, openSync, readlinkSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { specialKind } from '../io/input-file.ts';
import { UsageError } from './args.ts';

/** An input of the command that the output must not replace. */
export interface InputFile {
  /** The flag that named it, e.g. '--data'. */
  flag: string;
  path: string;
}

function statOrUndefined(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Creates the directory if needed and proves it writable by creating and removing a probe file in it. */
function checkDirectoryWritable(dir: string, flag: string, command: string, out: string): void {
  const existing = statOrUndefined(dir, true);
  if (existing !== undefined && !existing.isDirectory()) {
    throw new UsageError(`${flag}: the parent of '${out}', '${dir}', is not a directory`, command);
  }
  try {
    if (existing === undefined) mkdirSync(dir, { recursive: true });
    // access(W_OK) says yes to root on a read-only mount and to anyone on some network file systems: really try
    const probe = join(dir, `.makemore-probe.${process.pid}.${Math.random().toString(36).slice(2, 8)}`);
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : (error as Error).message;
    throw new UsageError(`${flag}: cannot write in the directory '${dir}' of '${out}' (${why})`, command);
  }
}

/**
 * Throws a {@link UsageError} unless `out` can be written as a new or replaced regular file: not ending in a slash,
 * not a directory, symbolic link, FIFO, device or socket, not the same file as any of `inputs`, in a directory that
 * exists (or can be created) and is writable.
 */
export function checkOutputFile(out: string, inputs: readonly InputFile[], command: string, flag = '--out'): void {
  if (/[/\\]$/.test(out)) {
    throw new UsageError(`${flag}: '${out}' ends with a slash, expected a file name such as ${out}model.json`, command);
  }
  const here = statOrUndefined(out, false);
  if (here !== undefined) {
    if (here.isSymbolicLink()) {
      let target = '?';
      try {
        target = readlinkSync(out);
      } catch {
        // unreadable link: the message says '?'
      }
      throw new UsageError(
        `${flag}: '${out}' is a symbolic link (to '${target}'); makemore does not write through links: give the ` +
          `target's path, or remove the link`,
        command,
      );
    }
    const kind = specialKind(here);
    if (kind !== undefined) {
      const hint = here.isDirectory() ? `, expected a file name such as ${join(out, 'model.json')}` : ', expected a regular file';
      throw new UsageError(`${flag}: '${out}' is ${kind}${hint}`, command);
    }
    for (const input of inputs) {
      const other = statOrUndefined(input.path, true);
      if (other !== undefined && other.dev === here.dev && other.ino === here.ino) {
        throw new UsageError(
          `${flag}: '${out}' is the same file as ${input.flag} '${input.path}'; writing it would replace that input`,
          command,
        );
      }
    }
  } else {
    // not there yet: it can still name an input through a path that does not resolve (e.g. a dangling parent)
    for (const input of inputs) {
      if (resolve(input.path) === resolve(out)) {
        throw new UsageError(`${flag}: '${out}' is ${input.flag} '${input.path}'; writing it would replace that input`, command);
      }
    }
  }
  checkDirectoryWritable(dirname(out), flag, command, out);
}
