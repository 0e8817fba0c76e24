/**
 * Command-line flags: a small declarative parser. Every error names the flag and what it accepts, and is a
 * {@link UsageError}, which the entry point turns into exit code 2.
 */

/** Bad command-line input: wrong flag, bad value, missing or unusable file. Exit code 2. */
export class UsageError extends Error {
  /** The command whose `--help` the user should read ('' for the top level). */
  readonly command: string;
  constructor(message: string, command = '') {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** The kinds of flag values. */
export type FlagType =
  | { type: 'boolean' }
  | { type: 'string' }
  | { type: 'int'; min?: number; max?: number }
  | { type: 'number'; min?: number; exclusiveMin?: boolean }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'int-list'; min?: number }
  | { type: 'number-list'; length?: number };

/** One flag of a command. */
export type FlagSpec = FlagType & {
  /** Name without the dashes, e.g. 'block-size'. */
  name: string;
  /** Placeholder in the help, e.g. 'FILE'. */
  arg?: string;
  /** One line of help. */
  help: string;
  /** Shown in the help as "(default ...)". */
  defaultText?: string;
};

/** A parsed flag value. */
export type FlagValue = string | number | boolean | number[];

/** Parsed flags: values by flag name (without dashes), only those given on the command line. */
export type ParsedFlags = Map<string, FlagValue>;

/** What a flag accepts, for messages and help. */
export function accepted(spec: FlagSpec): string {
  switch (spec.type) {
    case 'boolean':
      return 'no value';
    case 'string':
      return `a ${spec.arg ?? 'value'}`;
    case 'int':
      if (spec.max !== undefined) return `an integer from ${spec.min ?? Number.MIN_SAFE_INTEGER} to ${spec.max}`;
      return spec.min === undefined ? 'an integer' : `an integer >= ${spec.min}`;
    case 'number':
      return spec.min === undefined ? 'a number' : `a number ${spec.exclusiveMin ? '>' : '>='} ${spec.min}`;
    case 'enum':
      return `one of ${spec.values.join(', ')}`;
    case 'int-list':
      return `comma-separated integers${spec.min === undefined ? '' : ` >= ${spec.min}`}, e.g. 200 or 100,100`;
    case 'number-list':
      return `${spec.length ?? 'some'} comma-separated numbers, e.g. 0.8,0.1,0.1`;
  }
}

function parseNumber(text: string): number {
  // Number('') is 0 and Number(' 1') is 1: require a plain decimal literal
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;
}

/** Converts and checks one flag value. */
function convert(spec: FlagSpec, raw: string, command: string): FlagValue {
  const bad = (): never => {
    throw new UsageError(`--${spec.name}: expected ${accepted(spec)}, got '${raw}'`, command);
  };
  switch (spec.type) {
    case 'boolean':
      return bad();
    case 'string':
      if (raw === '') bad();
      return raw;
    case 'int': {
      const v = parseNumber(raw);
      if (!Number.isSafeInteger(v) || (spec.min !== undefined && v < spec.min)) bad();
      if (spec.max !== undefined && v > spec.max) bad();
      return v;
    }
    case 'number': {
      const v = parseNumber(raw);
      if (!Number.isFinite(v)) bad();
      if (spec.min !== undefined && (spec.exclusiveMin ? v <= spec.min : v < spec.min)) bad();
      return v;
    }
    case 'enum':
      if (!spec.values.includes(raw)) bad();
      return raw;
    case 'int-list': {
      const v = raw.split(',').map(parseNumber);
      if (v.length === 0 || v.some((x) => !Number.isSafeInteger(x) || (spec.min !== undefined && x < spec.min))) bad();
      return v;
    }
    case 'number-list': {
      const v = raw.split(',').map(parseNumber);
      if (v.some((x) => !Number.isFinite(x)) || (spec.length !== undefined && v.length !== spec.length)) bad();
      return v;
    }
  }
}

/**
 * Parses `--name value`, `--name=value` and boolean `--name`. `--help`/`-h` is handled by the caller before this.
 * Throws a {@link UsageError} for an unknown flag (listing the accepted ones), a missing or bad value, a repeated flag
 * or a positional argument.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], command: string): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const out: ParsedFlags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(`unexpected argument '${arg}' for 'makemore ${command}' (flags start with --)`, command);
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const spec = byName.get(name);
    if (spec === undefined) {
      const list = specs.map((s) => `--${s.name}`).join(', ');
      throw new UsageError(`unknown flag --${name} for 'makemore ${command}' (accepted: ${list})`, command);
    }
    if (out.has(name)) throw new UsageError(`--${name}: given more than once`, command);
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name}: takes no value, got '${arg.slice(eq + 1)}'`, command);
      out.set(name, true);
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`--${name}: needs a value (${accepted(spec)})`, command);
      raw = argv[++i];
      // `--data --steps 100`: the next word is a flag of this command, so --data was given no value
      if (raw.startsWith('--') && byName.has(raw.slice(2).split('=')[0])) {
        throw new UsageError(`--${name}: is missing its value (${accepted(spec)}); got the flag ${raw} instead`, command);
      }
    }
    out.set(name, convert(spec, raw, command));
  }
  return out;
}

/** The help text of a command: usage line, description and one line per flag. */
export function formatHelp(command: string, summary: string, specs: readonly FlagSpec[], extra = ''): string {
  const rows = specs.map((s) => {
    const left = `  --${s.name}${s.type === 'boolean' ? '' : ` ${s.arg ?? 'VALUE'}`}`;
    const def = s.defaultText === undefined ? '' : ` (default ${s.defaultText})`;
    return [left, `${s.help}${def}`] as const;
  });
  rows.push(['  --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const lines = [`Usage: makemore ${command} [flags]`, '', summary, '', 'Flags:'];
  for (const [left, right] of rows) lines.push(left.padEnd(width) + right);
  if (extra) lines.push('', extra);
  return `${lines.join('\n')}\n`;
}
