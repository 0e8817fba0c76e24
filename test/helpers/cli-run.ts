/**
 * Running the `makemore` CLI in tests: as a subprocess through bin/makemore.js, or in-process through runCli with
 * captured streams.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliContext } from '../../src/cli/command.ts';
import { runCli } from '../../src/cli/main.ts';

export const BIN = fileURLToPath(new URL('../../bin/makemore.js', import.meta.url));
export const HAS_WASM = existsSync(fileURLToPath(new URL('../../build/kernels.wasm', import.meta.url)));
export const BACKEND = HAS_WASM ? 'wasm' : 'js';

/** What a run of the CLI did. */
export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI as a subprocess in `cwd`. */
export function startCli(cwd: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the CLI as a subprocess to the end. */
export async function runSubprocess(cwd: string, args: string[]): Promise<Run> {
  const child = startCli(cwd, args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout, stderr };
}

/** Runs the CLI in this process with `cwd` as the working directory, capturing its output. */
export async function runInProcess(cwd: string, args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const context: CliContext = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    onInterrupt: () => () => {},
  };
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const code = await runCli(args, context);
    return { code, signal: null, stdout, stderr };
  } finally {
    process.chdir(previous);
  }
}

/** {@link runInProcess} in the current directory: for tests that pass absolute paths only. */
export function runHere(args: string[]): Promise<Run> {
  return runInProcess(process.cwd(), args);
}
