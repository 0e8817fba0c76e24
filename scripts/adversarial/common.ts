/**
 * Shared pieces of the adversarial run: a category tally and the CLI run in-process or as a subprocess.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { CliContext } from '../../src/cli/command.ts';
import { runCli } from '../../src/cli/main.ts';

/** Cases tried and handled in one category, with the cases that were not handled. */
export class Tally {
  tried = 0;
  handled = 0;
  readonly failures: string[] = [];
  constructor(readonly category: string) {}
  /** Records one case; `ok` is whether the program handled it as it should. */
  check(label: string, ok: boolean, detail = ''): void {
    this.tried++;
    if (ok) this.handled++;
    else this.failures.push(detail ? `${label}: ${detail}` : label);
  }
}

/** What a CLI run did. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with `cwd` as the working directory. */
export async function cliInProcess(cwd: string, args: string[]): Promise<CliRun> {
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
    return { code: await runCli(args, context), signal: null, stdout, stderr };
  } catch (error) {
    return { code: null, signal: null, stdout, stderr: `${stderr}THROWN: ${(error as Error).stack}` };
  } finally {
    process.chdir(previous);
  }
}

const BIN = fileURLToPath(new URL('../../bin/makemore.js', import.meta.url));

/**
 * Runs the CLI as a subprocess; `onStdout` may act on the output so far (e.g. send a signal). A run that takes longer
 * than `timeoutMs` is killed and reported as signal SIGKILL: a hang is a failure, not a stuck script.
 */
export async function cliSubprocess(
  cwd: string,
  args: string[],
  options: { timeoutMs?: number; onStdout?: (stdout: string, kill: (s: NodeJS.Signals) => void) => void } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // one signal per run: a second interrupt means "stop now, without saving" by design
  let signalled = false;
  const kill = (s: NodeJS.Signals): void => {
    if (signalled || child.exitCode !== null || child.signalCode !== null) return;
    signalled = true;
    child.kill(s);
  };
  child.stdout!.on('data', (d) => {
    stdout += String(d);
    options.onStdout?.(stdout, kill);
  });
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

/** A usage error done right: exit 2, nothing on stdout, a message on stderr matching `message`. */
export function isUsageError(r: CliRun, message?: RegExp): boolean {
  return r.code === 2 && r.stdout === '' && r.stderr.length > 0 && (message === undefined || message.test(r.stderr));
}

/** Words over `count` distinct characters (CJK ideographs), eight per word, as file text. */
export function wordsOver(count: number): string {
  const chars = Array.from({ length: count }, (_, i) => String.fromCodePoint(0x4e00 + i));
  const out: string[] = [];
  for (let i = 0; i < count; i += 8) out.push(chars.slice(i, i + 8).join(''));
  return `${out.join('\n')}\n`;
}
