/**
 * The `makemore` command line: train, sample, eval and plot character-level language models.
 *
 * Exit codes: 0 success, 1 failure while running (e.g. a diverging training run), 2 bad command-line input (unknown
 * flag, bad value, missing or unusable file), 130 interrupted by Ctrl-C, SIGTERM or SIGHUP (after saving the best model so
 * far when --out was given).
 */
import { pathToFileURL } from 'node:url';
import { formatHelp, parseFlags, UsageError } from './args.ts';
import { EXIT, type CliContext, type Command } from './command.ts';
import { evalCommand } from './eval.ts';
import { plotCommand } from './plot.ts';
import { sampleCommand } from './sample.ts';
import { trainCommand } from './train.ts';
import { versionText } from './version.ts';

/** Every command, in the order of the help. */
export const COMMANDS: readonly Command[] = [trainCommand, sampleCommand, evalCommand, plotCommand];

/** The top-level help. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: makemore <command> [flags]',
    '',
    'Character-level language models (n-gram counts, neural bigram, MLP with BatchNorm, WaveNet) as in Karpathy\'s',
    'makemore, with a WebAssembly SIMD core.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run 'makemore <command> --help' for the flags of a command, 'makemore --version' for the version.",
    '',
  ].join('\n');
}

/** The help of one command. */
export function commandHelp(command: Command): string {
  return formatHelp(command.name, command.description, command.flags, command.examples);
}

/** The context of the real process: its streams and SIGINT. */
export function processContext(): CliContext {
  // `makemore sample | head`: the reader went away, which is not an error of ours
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    onInterrupt(handler) {
      let count = 0;
      const onSignal = (signal: NodeJS.Signals): void => {
        // the first signal asks for a clean stop (and a save); a second one means "now", without saving
        if (++count > 1) process.exit(EXIT.interrupted);
        handler(signal);
      };
      for (const signal of INTERRUPT_SIGNALS) process.on(signal, onSignal);
      return () => {
        for (const signal of INTERRUPT_SIGNALS) process.off(signal, onSignal);
      };
    },
  };
}

/** Ctrl-C, `kill`, and a closed terminal: all stop training cleanly and save the best model so far. */
const INTERRUPT_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Runs the CLI on the arguments after the program name; resolves to the exit code (it never calls process.exit). */
export async function runCli(argv: readonly string[], context: CliContext = processContext()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? context.stderr : context.stdout).write(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    context.stdout.write(versionText());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    context.stderr.write(
      `makemore: unknown command '${name}' (accepted: ${COMMANDS.map((c) => c.name).join(', ')})\n` +
        "Run 'makemore --help' for usage.\n",
    );
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    context.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  try {
    return await command.run(parseFlags(rest, command.flags, command.name), context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr.write(`makemore ${command.name}: ${error.message}\nRun 'makemore ${command.name} --help' for the flags.\n`);
      return EXIT.usage;
    }
    context.stderr.write(`makemore ${command.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.MAKEMORE_DEBUG && error instanceof Error) context.stderr.write(`${error.stack}\n`);
    return EXIT.failure;
  }
}

// run when executed directly (tsx src/cli/main.ts ...), not when imported by tests or bin/makemore.js
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
