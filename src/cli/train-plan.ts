/**
 * The settings of a `makemore train` run resolved from its flags and the model kind's defaults in the registry — or,
 * for `--resume`, from the saved run, with only the flags that do not change its course (steps, evaluation, output).
 */
import { defaultDecayStep, type ModelKindEntry, type ModelSettings, type RegisteredKind } from '../models/registry.ts';
import { makeOptimizer, type OptimizerKind, type OptimizerSpec } from '../nn/optim.ts';
import { UsageError, type ParsedFlags } from './args.ts';
import { flag } from './command.ts';
import type { ResumedRun } from './resume.ts';

/** How a trained model kind will be trained. */
export interface TrainingPlan {
  steps: number;
  lr: number;
  /** Step index from which the learning rate is lr/10, or null for never. */
  lrDecayAt: number | null;
  /** What --weight-decay resolved to (the optimizer's decay, or the bigram's λ). */
  weightDecay: number;
  optimizer: OptimizerSpec;
  evalEvery: number;
  batchSize: number;
}

/** The model kind's settings from its flags (defaults from the registry). */
export function modelSettingsOf(parsed: ParsedFlags, entry: ModelKindEntry): ModelSettings {
  const settings: ModelSettings = {};
  for (const o of entry.options) {
    if (o.type === 'off-switch') settings[o.key] = !flag<boolean>(parsed, o.flag, false);
    else if (o.type === 'on-switch') settings[o.key] = flag<boolean>(parsed, o.flag, false);
    else if (o.type === 'enum') settings[o.key] = flag<string>(parsed, o.flag, o.default);
    else if (o.type === 'optional-number') settings[o.key] = parsed.has(o.flag) ? flag<number>(parsed, o.flag, 0) : null;
    else {
      const v = flag<number | number[]>(parsed, o.flag, o.default);
      if (o.type === 'int' && o.max !== undefined && (v as number) > o.max) {
        throw new UsageError(`--${o.flag}: expected an integer from ${o.min} to ${o.max}, got '${String(v)}'`, 'train');
      }
      settings[o.key] = v;
    }
  }
  const problem = entry.validate?.(settings);
  if (problem) throw new UsageError(`${problem.flags.map((f) => `--${f}`).join(', ')}: ${problem.message}`, 'train');
  return settings;
}

/** The training plan of a new run from the flags and the kind's defaults. */
export function planFromFlags(parsed: ParsedFlags, kind: RegisteredKind, entry: ModelKindEntry): TrainingPlan {
  const t = entry.training!;
  const steps = flag<number>(parsed, 'steps', t.steps);
  const optimizerKind = flag<OptimizerKind>(parsed, 'optimizer', t.optimizer.kind);
  const regularizes = t.weightDecay.meaning === 'regularization';
  const weightDecay = flag<number>(parsed, 'weight-decay', !regularizes && optimizerKind === 'adamw' ? 0.01 : t.weightDecay.default);
  const optimizerDecay = regularizes ? 0 : weightDecay;
  let optimizer: OptimizerSpec;
  if (optimizerKind === 'sgd') {
    for (const f of ['beta1', 'beta2']) {
      if (parsed.has(f)) throw new UsageError(`--${f}: applies to --optimizer adamw, not to --optimizer sgd`, 'train');
    }
    optimizer = { kind: 'sgd', momentum: flag<number>(parsed, 'momentum', 0), weightDecay: optimizerDecay };
  } else {
    if (parsed.has('momentum')) throw new UsageError('--momentum: applies to --optimizer sgd, not to --optimizer adamw', 'train');
    // the kind's own AdamW settings are the defaults when it trains with AdamW (recurrent models: betas 0.9, 0.99)
    const own: { beta1?: number; beta2?: number; eps?: number } = t.optimizer.kind === 'adamw' ? t.optimizer : {};
    optimizer = {
      kind: 'adamw', beta1: flag<number>(parsed, 'beta1', own.beta1 ?? 0.9), beta2: flag<number>(parsed, 'beta2', own.beta2 ?? 0.999),
      eps: own.eps ?? 1e-8, weightDecay: optimizerDecay,
    };
  }
  try {
    makeOptimizer(optimizer);
  } catch (error) {
    const m = /^(?:sgd|adamw): (\w+) (.*)$/.exec((error as Error).message);
    const flagName = m?.[1] === 'weightDecay' ? 'weight-decay' : m?.[1] ?? 'optimizer';
    throw new UsageError(`--${flagName}: ${m ? `${m[1]} ${m[2]}` : (error as Error).message}`, 'train');
  }
  void kind;
  return {
    steps,
    lr: flag<number>(parsed, 'lr', t.lr),
    lrDecayAt: parsed.has('lr-decay-at') ? flag<number>(parsed, 'lr-decay-at', 0) : defaultDecayStep(t, steps),
    weightDecay,
    optimizer,
    evalEvery: flag<number>(parsed, 'eval-every', Math.max(1, Math.floor(steps / 20))),
    batchSize: flag<number>(parsed, 'batch-size', 32),
  };
}

/** The plan of a resumed run: the saved settings, with this call's steps and evaluation cadence. */
export function planFromResume(parsed: ParsedFlags, resumed: ResumedRun): TrainingPlan {
  const s = resumed.settings;
  const missing = (['steps', 'lr', 'weightDecay', 'optimizer', 'evalEvery', 'batchSize'] as const).filter((k) => s[k] === undefined);
  if (missing.length > 0) {
    throw new UsageError(`--resume: model file '${resumed.path}' lacks the settings ${missing.join(', ')} of its run`, 'train');
  }
  const steps = flag<number>(parsed, 'steps', s.steps!);
  return {
    steps,
    lr: s.lr!,
    lrDecayAt: s.lrDecayAt ?? null,
    weightDecay: s.weightDecay!,
    optimizer: s.optimizer!,
    evalEvery: flag<number>(parsed, 'eval-every', s.evalEvery!),
    batchSize: s.batchSize!,
  };
}
