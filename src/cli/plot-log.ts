/**
 * `makemore plot --log FILE.jsonl`: the lecture's diagnostic figures from a run log written by `train --log`.
 */
import { readFileSync } from 'node:fs';
import type { Diagnostics } from '../nn/diagnostics.ts';
import { activationsSvg, DIAGNOSTIC_FIGURES, gradientsSvg, updatesSvg, weightsSvg, type DiagnosticFigure } from '../plot/diagnostics.ts';
import { UsageError } from './args.ts';

/** The diagnostics lines of a run log, in order; errors name the file and the line. */
export function readRunLog(path: string): { step: number; diagnostics: Diagnostics }[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--log: cannot read '${path}' (${(error as Error).message})`, 'plot');
  }
  const out: { step: number; diagnostics: Diagnostics }[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let record: { step?: unknown; diagnostics?: Diagnostics };
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      throw new UsageError(`--log: line ${i + 1} of '${path}' is not JSON (was it written by makemore train --log?)`, 'plot');
    }
    if (typeof record.step !== 'number') throw new UsageError(`--log: line ${i + 1} of '${path}' has no step`, 'plot');
    if (record.diagnostics) out.push({ step: record.step, diagnostics: record.diagnostics });
  });
  if (out.length === 0) throw new UsageError(`--log: '${path}' holds no diagnostics (train with --diagnostics-every N --log FILE)`, 'plot');
  return out;
}

/**
 * The SVG documents of the requested figures, by file name: the histograms at `step` (default the last diagnostics
 * step of the log), the update:data plot over the whole log.
 */
export function logFigures(path: string, what: readonly DiagnosticFigure[], step?: number): Map<string, string> {
  const log = readRunLog(path);
  const at = step === undefined ? log[log.length - 1]! : log.find((l) => l.step === step);
  if (!at) throw new UsageError(`--step: '${path}' has no diagnostics at step ${step} (it has ${log.map((l) => l.step).join(', ')})`, 'plot');
  const figures = new Map<string, string>();
  for (const w of what) {
    if (w === 'activations') figures.set('activations.svg', activationsSvg(at.diagnostics));
    if (w === 'gradients') figures.set('gradients.svg', gradientsSvg(at.diagnostics));
    if (w === 'weights') figures.set('weights.svg', weightsSvg(at.diagnostics));
    if (w === 'updates') figures.set('updates.svg', updatesSvg(log));
  }
  return figures;
}

export { DIAGNOSTIC_FIGURES };
