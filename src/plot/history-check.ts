/**
 * The training history of a model file, checked before it is drawn: the file's checksum proves it was not damaged,
 * not that whoever wrote it wrote a usable history.
 */
import type { LossPoint } from '../io/model-file.ts';

const isLoss = (v: unknown): boolean => v === null || typeof v === 'number';

/** What is wrong with a history (e.g. "point 3 has no numeric 'step'"), or undefined when it can be plotted. */
export function historyProblem(history: unknown): string | undefined {
  if (history === undefined) return undefined;
  if (!Array.isArray(history)) return `it is ${history === null ? 'null' : typeof history}, not a list of points`;
  for (let i = 0; i < history.length; i++) {
    const p = history[i] as Record<string, unknown> | null;
    if (p === null || typeof p !== 'object' || Array.isArray(p)) return `point ${i} is not an object`;
    if (typeof p.step !== 'number' || !Number.isFinite(p.step)) return `point ${i} has no numeric 'step' (got ${JSON.stringify(p.step)})`;
    if (!isLoss(p.train)) return `point ${i} has a 'train' loss that is not a number (got ${JSON.stringify(p.train)})`;
    if (p.dev !== undefined && !isLoss(p.dev)) return `point ${i} has a 'dev' loss that is not a number (got ${JSON.stringify(p.dev)})`;
  }
  return undefined;
}

/** The history as loss points (null losses, which JSON writes for NaN, back to NaN). */
export function historyPoints(history: unknown): LossPoint[] {
  if (!Array.isArray(history)) return [];
  return history.map((p: { step: number; train: number | null; dev?: number | null }) => {
    const point: LossPoint = { step: p.step, train: p.train ?? Number.NaN };
    if (p.dev !== undefined) point.dev = p.dev ?? Number.NaN;
    return point;
  });
}
