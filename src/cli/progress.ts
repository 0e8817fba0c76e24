/**
 * How the CLI shows what it does: a live progress bar on a terminal, plain periodic lines in a pipe or log file, or
 * one JSON object per line with `--json` (then nothing else reaches stdout).
 */

/** One progress report of a training run. */
export interface ProgressInfo {
  /** Steps done so far (1-based count). */
  step: number;
  /** Total steps planned. */
  steps: number;
  /** Latest training (minibatch) loss. */
  loss: number;
  /** Latest dev loss, when evaluated at this step. */
  devLoss?: number;
  /** Recent speed. */
  stepsPerSecond: number;
}

/** Where the CLI writes; injectable for tests. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** The CLI's output channel for one command. */
export interface Reporter {
  /** A training progress update (may be drawn, printed, or skipped by throttling). */
  progress(info: ProgressInfo): void;
  /** A line of human-readable text (dropped in JSON mode). */
  line(text?: string): void;
  /** A machine-readable event (printed only in JSON mode), e.g. `{ event: 'summary', ... }`. */
  event(record: Record<string, unknown>): void;
  /** Ends any live display. */
  finish(): void;
}

/** A duration as `2.5s`, `45s`, `3m07s` or `1h02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A loss with 4 decimals, or its non-finite name. */
export function formatLoss(loss: number | null | undefined): string {
  if (loss === null || loss === undefined) return '-';
  return Number.isFinite(loss) ? loss.toFixed(4) : String(loss);
}

function eta(info: ProgressInfo): string {
  return info.stepsPerSecond > 0 ? formatDuration((info.steps - info.step) / info.stepsPerSecond) : '?';
}

function speed(stepsPerSecond: number): string {
  return stepsPerSecond >= 100 ? stepsPerSecond.toFixed(0) : stepsPerSecond.toPrecision(3);
}

/** JSON numbers cannot be Infinity or NaN: such losses are written as null. */
export function jsonNumber(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

/** At least this often (ms) a plain or JSON progress line is printed, however long a tenth of the run takes. */
export const PROGRESS_SECONDS_MS = 5000;

/**
 * `--json`: one object per line on stdout; progress at every dev evaluation, about every tenth of the run, at least
 * every 5 seconds, and at the end.
 */
export class JsonReporter implements Reporter {
  private next = 0;
  private printedAt: number;
  constructor(
    private readonly out: OutputStream,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.printedAt = now();
  }
  progress(info: ProgressInfo): void {
    const every = Math.max(1, Math.round(info.steps / 10));
    const t = this.now();
    const due = info.step >= this.next || info.devLoss !== undefined || info.step === info.steps || t - this.printedAt >= PROGRESS_SECONDS_MS;
    if (!due) return;
    this.printedAt = t;
    this.next = (Math.floor(info.step / every) + 1) * every;
    const record: Record<string, unknown> = {
      event: 'progress',
      step: info.step,
      steps: info.steps,
      loss: jsonNumber(info.loss),
      steps_per_second: jsonNumber(info.stepsPerSecond),
    };
    if (info.devLoss !== undefined) record.dev_loss = jsonNumber(info.devLoss);
    this.out.write(`${JSON.stringify(record)}\n`);
  }
  line(_text?: string): void {}
  event(record: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify(record)}\n`);
  }
  finish(): void {}
}

/**
 * Not a terminal: a plain line about every tenth of the run, at least every 5 seconds, and at the last step, with the
 * latest dev loss.
 */
export class PlainReporter implements Reporter {
  private next = 0;
  private lastDev: number | undefined;
  private printedAt: number;
  constructor(
    private readonly out: OutputStream,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.printedAt = now();
  }
  progress(info: ProgressInfo): void {
    if (info.devLoss !== undefined) this.lastDev = info.devLoss;
    const every = Math.max(1, Math.round(info.steps / 10));
    const t = this.now();
    if (info.step < this.next && info.step !== info.steps && t - this.printedAt < PROGRESS_SECONDS_MS) return;
    this.printedAt = t;
    this.next = (Math.floor(info.step / every) + 1) * every;
    const dev = this.lastDev === undefined ? '' : `  dev ${formatLoss(this.lastDev)}`;
    const width = String(info.steps).length;
    this.out.write(
      `step ${String(info.step).padStart(width)}/${info.steps}  loss ${formatLoss(info.loss)}${dev}  ` +
        `${speed(info.stepsPerSecond)} steps/s  ETA ${eta(info)}\n`,
    );
  }
  line(text = ''): void {
    this.out.write(`${text}\n`);
  }
  event(_record?: Record<string, unknown>): void {}
  finish(): void {}
}

/** A terminal: one live line with a bar, redrawn at most ~10 times a second; text lines scroll above it. */
export class TtyReporter implements Reporter {
  private last: ProgressInfo | undefined;
  private lastDev: number | undefined;
  private drawnAt = -Infinity;
  private shown = false;
  constructor(
    private readonly out: OutputStream,
    private readonly now: () => number = () => performance.now(),
  ) {}
  progress(info: ProgressInfo): void {
    this.last = info;
    if (info.devLoss !== undefined) this.lastDev = info.devLoss;
    const t = this.now();
    if (t - this.drawnAt < 100 && info.step !== info.steps && info.devLoss === undefined) return;
    this.drawnAt = t;
    this.draw();
  }
  line(text = ''): void {
    this.clear();
    this.out.write(`${text}\n`);
    if (this.last) this.draw();
  }
  event(): void {}
  finish(): void {
    if (this.shown) this.out.write('\n');
    this.shown = false;
    this.last = undefined;
  }
  private clear(): void {
    if (this.shown) this.out.write('\r\x1b[2K');
    this.shown = false;
  }
  private draw(): void {
    const info = this.last;
    if (!info) return;
    const width = 24;
    const frac = info.steps > 0 ? Math.min(1, info.step / info.steps) : 1;
    const full = Math.round(frac * width);
    const bar = `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
    const dev = this.lastDev === undefined ? '' : ` dev ${formatLoss(this.lastDev)}`;
    let text =
      `${bar} ${(100 * frac).toFixed(0).padStart(3)}% step ${info.step}/${info.steps} loss ${formatLoss(info.loss)}${dev} ` +
      `${speed(info.stepsPerSecond)} steps/s ETA ${eta(info)}`;
    const columns = this.out.columns || 100;
    if (text.length > columns - 1) text = text.slice(0, Math.max(10, columns - 1));
    this.out.write(`\r\x1b[2K${text}`);
    this.shown = true;
  }
}

/** The reporter for an output: JSON if asked, a live bar on a terminal, plain lines otherwise. */
export function createReporter(out: OutputStream, json: boolean): Reporter {
  if (json) return new JsonReporter(out);
  return out.isTTY ? new TtyReporter(out) : new PlainReporter(out);
}
