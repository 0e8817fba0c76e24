/**
 * `makemore train --resume FILE`: the saved run's settings, model and position, and the refusal of flags that would
 * make the continuation a different run than the one that was saved.
 */
import type { ModelFile } from '../io/model-file.ts';
import type { ModelSettings, RegisteredKind } from '../models/registry.ts';
import { modelKind } from '../models/registry.ts';
import type { OptimizerSpec } from '../nn/optim.ts';
import { UsageError, type FlagValue, type ParsedFlags } from './args.ts';
import { flag } from './command.ts';
import { DEFAULT_SOURCE } from './data.ts';
import { readModelFlag } from './open-model.ts';
import { RUN_DEFINING } from './train-flags.ts';

/** The resolved settings of a training run (what the model file records, and what --resume continues). */
export interface TrainSettings {
  kind: RegisteredKind;
  data: string;
  words: number;
  split: [number, number, number];
  seed: number;
  /** The model kind's own settings (block size, widths, ...). */
  options?: ModelSettings;
  steps?: number;
  batchSize?: number;
  lr?: number;
  lrDecayAt?: number | null;
  weightDecay?: number;
  optimizer?: OptimizerSpec;
  evalEvery?: number;
  backend?: string;
}

/** A run to continue: its file, settings and where it stopped. */
export interface ResumedRun {
  path: string;
  file: ModelFile;
  settings: TrainSettings;
  step: number;
  batchRng: number[];
}

/** Reads the file of `--resume` and checks it can be continued and that no flag contradicts it. */
export function readResume(parsed: ParsedFlags): ResumedRun {
  const path = flag<string>(parsed, 'resume')!;
  const fail = (problem: string): never => {
    throw new UsageError(`--resume: model file '${path}' ${problem}`, 'train');
  };
  let file: ModelFile;
  try {
    file = readModelFlag(path, 'train');
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^--model: /, '--resume: '), 'train');
  }
  const settings = file.training.settings as TrainSettings | undefined;
  const resume = file.training.resume;
  if (!modelKind(file.model.kind).training) fail(`holds a ${file.model.kind} model, which is fit by counting, not trained by steps`);
  if (!settings || !resume) fail('records no run to continue (it was written by an older makemore-wasm or not by makemore train)');
  if (settings!.kind !== file.model.kind) fail(`is inconsistent: its settings say ${settings!.kind}, its model is ${file.model.kind}`);
  for (const name of RUN_DEFINING) {
    if (!parsed.has(name)) continue;
    const given = parsed.get(name)!;
    const saved = savedValue(name, settings!);
    if (!sameValue(given, saved)) {
      throw new UsageError(
        `--${name}: ${formatValue(given)} contradicts the run saved in '${path}' (${formatValue(saved)}); ` +
          'a resumed run continues with its own settings (leave the flag out, or train a new model)',
        'train',
      );
    }
  }
  return { path, file, settings: settings!, step: resume!.step, batchRng: resume!.batchRng };
}

/** The saved run's value of a run-defining flag, as the flag would spell it. */
function savedValue(name: string, s: TrainSettings): unknown {
  switch (name) {
    case 'model': return s.kind;
    case 'data': return s.data === DEFAULT_SOURCE ? undefined : s.data;
    case 'split': return s.split;
    case 'seed': return s.seed;
    case 'batch-size': return s.batchSize;
    case 'optimizer': return s.optimizer?.kind;
    case 'lr': return s.lr;
    case 'momentum': return (s.optimizer as { momentum?: number } | undefined)?.momentum;
    case 'beta1': return (s.optimizer as { beta1?: number } | undefined)?.beta1;
    case 'beta2': return (s.optimizer as { beta2?: number } | undefined)?.beta2;
    case 'lr-decay-at': return s.lrDecayAt;
    case 'weight-decay': return s.weightDecay;
    default: {
      const option = modelKind(s.kind).options.find((o) => o.flag === name);
      const value = option ? s.options?.[option.key] : undefined;
      return option?.type === 'off-switch' ? value === false : value;
    }
  }
}

function sameValue(given: FlagValue, saved: unknown): boolean {
  return JSON.stringify(given) === JSON.stringify(saved);
}

function formatValue(v: unknown): string {
  if (v === undefined || v === null) return 'not set';
  return Array.isArray(v) ? v.join(',') : String(v);
}
