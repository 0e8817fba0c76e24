/**
 * What `makemore train --diagnostics-every N` prints and `--log FILE.jsonl` records: a compact per-layer table of the
 * step's diagnostics, and one JSON line per evaluation or diagnostics step (step, lr, train loss, dev loss,
 * diagnostics) — the run log `makemore plot --log` draws the lecture's figures from.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Diagnostics } from '../nn/diagnostics.ts';
import type { DiagnosticsReport, TrainProgress } from '../train.ts';
import { UsageError } from './args.ts';

const num = (v: number | null, digits: number, width: number): string => (v === null ? '—' : v.toFixed(digits)).padStart(width);

/**
 * The table: one row per activation (mean, std, saturation % for bounded layers, std of its gradient), then one per
 * weight matrix (std of its gradient, grad:data, log10 update:data). Blank cells do not apply to the row.
 */
export function diagnosticsTable(d: Diagnostics): string[] {
  const weights = d.parameters.filter((q) => q.shape.length >= 2);
  const label = (p: (typeof weights)[number]) => `${p.name} [${p.shape.join('×')}]`;
  const rows = [...d.activations.map((a) => a.name), ...weights.map(label)];
  const w = Math.max(5, ...rows.map((r) => r.length));
  const head = `${'layer'.padEnd(w)}  ${'act mean'.padStart(9)} ${'act std'.padStart(8)} ${'sat %'.padStart(6)} ` +
    `${'grad std'.padStart(9)} ${'grad:data'.padStart(9)} ${'log10 upd'.padStart(9)}`;
  const blank = (n: number) => ''.padStart(n);
  const lines = [head];
  for (const a of d.activations) {
    const sat = a.saturation === null ? blank(6) : num(100 * a.saturation, 2, 6);
    lines.push(`${a.name.padEnd(w)}  ${num(a.output.mean, 4, 9)} ${num(a.output.std, 4, 8)} ${sat} ${a.grad.std.toExponential(2).padStart(9)} ${blank(9)} ${blank(9)}`);
  }
  for (const p of weights) {
    lines.push(`${label(p).padEnd(w)}  ${blank(9)} ${blank(8)} ${blank(6)} ${p.grad.std.toExponential(2).padStart(9)} ` +
      `${p.gradToData === null ? '—'.padStart(9) : p.gradToData.toExponential(2).padStart(9)} ${num(p.updateToData, 3, 9)}`);
  }
  return lines;
}

/** One line of the run log. */
export interface LogLine {
  step: number;
  lr: number;
  /** Mean minibatch loss since the previous evaluation (evaluation lines), or the step's loss (diagnostics lines). */
  trainLoss?: number;
  devLoss?: number;
  diagnostics?: Diagnostics;
}

/**
 * The JSONL run log. Diagnostics and evaluation of the same step share one line: diagnostics arrive first (train()
 * reports them before that step's progress) and wait for the progress of their step, or go out alone when the next
 * report is of another step.
 */
export class RunLog {
  private readonly fd: number;
  private pending: LogLine | null = null;

  /** @param evalEvery losses are logged at evaluation steps (multiples of it) and at `last`. */
  constructor(readonly path: string, private readonly evalEvery: number, private readonly last: number) {
    try {
      this.fd = openSync(path, 'w');
    } catch (error) {
      throw new UsageError(`--log: cannot write '${path}' (${(error as Error).message})`, 'train');
    }
  }

  diagnostics(r: DiagnosticsReport): void {
    this.flush();
    this.pending = { step: r.step, lr: r.lr, trainLoss: r.loss, diagnostics: r.diagnostics };
  }

  progress(p: TrainProgress): void {
    if (p.step % this.evalEvery !== 0 && p.step !== this.last && this.pending?.step !== p.step) return;
    const line: LogLine = { step: p.step, lr: p.lr, trainLoss: p.trainLoss, ...(p.devLoss === undefined ? {} : { devLoss: p.devLoss }) };
    if (this.pending?.step === p.step) {
      line.diagnostics = this.pending.diagnostics;
      this.pending = null;
    }
    this.flush();
    this.write(line);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.pending) this.write(this.pending);
    this.pending = null;
  }

  private write(line: LogLine): void {
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
  }
}
