/**
 * What every CLI command is: a name, flags, help and a run function that gets parsed flags and the output streams.
 */
import type { FlagSpec, FlagValue, ParsedFlags } from './args.ts';
import type { OutputStream } from './progress.ts';

/** The streams and process hooks a command uses; injectable so tests can run commands in-process. */
export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  /**
   * Called with a function to run on SIGINT, SIGTERM or SIGHUP (it gets the signal's name); returns a function that
   * removes it.
   */
  onInterrupt(handler: (signal?: string) => void): () => void;
}

/** A subcommand of `makemore`. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Longer description for `--help`. */
  description: string;
  flags: readonly FlagSpec[];
  /** Text after the flag list in `--help` (examples). */
  examples?: string;
  /** Runs the command; resolves to the exit code. */
  run(flags: ParsedFlags, context: CliContext): Promise<number>;
}

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** A typed read of a parsed flag with a default. */
export function flag<T extends FlagValue>(flags: ParsedFlags, name: string, fallback: T): T;
export function flag<T extends FlagValue>(flags: ParsedFlags, name: string): T | undefined;
export function flag<T extends FlagValue>(flags: ParsedFlags, name: string, fallback?: T): T | undefined {
  return flags.has(name) ? (flags.get(name) as T) : fallback;
}
