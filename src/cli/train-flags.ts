/**
 * The flags of `makemore train`: the run's own (data, steps, optimizer, output, ...) plus every model kind's settings
 * from the registry, one flag per name, each allowed only for the kinds that use it.
 */
import { MODEL_KINDS, MODEL_REGISTRY, describeDecay, type ModelKindEntry, type ModelOption, type RegisteredKind } from '../models/registry.ts';
import { OPTIMIZER_KINDS } from '../nn/optim.ts';
import type { FlagSpec } from './args.ts';
import { MAX_SAMPLE_COUNT } from './limits.ts';
import { MAX_SEED } from '../seed.ts';
import { LR_DECAY_RULE } from '../lr-schedule.ts';

const entries = MODEL_KINDS.map((kind) => [kind, MODEL_REGISTRY[kind]] as const);
const trained = entries.filter(([, e]) => e.training).map(([k]) => k);
const diagnosed = entries.filter(([, e]) => e.training?.diagnostics).map(([k]) => k);
const minibatched = entries.filter(([, e]) => e.training?.minibatch).map(([k]) => k);

/** "200000 (mlp), 200 (bigram)" from a per-kind value. */
function perKind(kinds: readonly RegisteredKind[], text: (e: ModelKindEntry) => string | undefined): string {
  return kinds.map((k) => [k, text(MODEL_REGISTRY[k])] as const)
    .filter(([, t]) => t !== undefined).map(([k, t]) => `${t} (${k})`).join(', ');
}

export const backendFlag: FlagSpec = {
  name: 'backend', type: 'enum', values: ['wasm', 'js'], arg: 'NAME',
  help: 'numeric backend: wasm (SIMD kernels) or js (plain TypeScript)', defaultText: 'wasm',
};

/** A model option as a flag; an option several kinds share gets one flag whose default names each kind's. */
function optionFlag(option: ModelOption, kinds: readonly RegisteredKind[]): FlagSpec {
  const defaults = kinds.length === 1
    ? String(option.default)
    : perKind(kinds, (e) => String(e.options.find((o) => o.flag === option.flag)?.default));
  // kinds that explain the setting alike share one text; otherwise each kind says its own
  const helps = kinds.map((k) => MODEL_REGISTRY[k].options.find((o) => o.flag === option.flag)!.help);
  const help = helps.every((h) => h === helps[0])
    ? `${kinds.join(', ')}: ${option.help}`
    : kinds.map((k, i) => `${k}: ${helps[i]}`).join('; ');
  switch (option.type) {
    case 'int': return { name: option.flag, type: 'int', min: option.min, arg: option.arg, help, defaultText: defaults };
    case 'number': return { name: option.flag, type: 'number', min: option.min, arg: option.arg, help, defaultText: defaults };
    case 'int-list': return { name: option.flag, type: 'int-list', min: option.min, arg: option.arg, help, defaultText: defaults };
    case 'off-switch':
    case 'on-switch': return { name: option.flag, type: 'boolean', help };
    case 'enum': return { name: option.flag, type: 'enum', values: option.values, arg: option.arg, help, defaultText: defaults };
    case 'optional-number': return { name: option.flag, type: 'number', min: option.min, arg: option.arg, help };
  }
}

/** Which kinds take each model-option flag, in registry order. */
export const OPTION_KINDS: ReadonlyMap<string, RegisteredKind[]> = (() => {
  const map = new Map<string, RegisteredKind[]>();
  for (const [kind, e] of entries) for (const o of e.options) map.set(o.flag, [...(map.get(o.flag) ?? []), kind]);
  return map;
})();

const optionFlags: FlagSpec[] = [...OPTION_KINDS].map(([flag, kinds]) => {
  const option = MODEL_REGISTRY[kinds[0]!].options.find((o) => o.flag === flag)!;
  return optionFlag(option, kinds);
});

export const trainFlags: FlagSpec[] = [
  { name: 'data', type: 'string', arg: 'FILE', help: 'training words, one per line', defaultText: 'the embedded English first names' },
  {
    name: 'model', type: 'enum', values: MODEL_KINDS, arg: 'KIND',
    help: `the model: ${MODEL_KINDS.join(', ')}`, defaultText: 'mlp',
  },
  ...optionFlags,
  { name: 'steps', type: 'int', min: 1, arg: 'N', help: 'optimisation steps (with --resume: steps more)', defaultText: perKind(trained, (e) => String(e.training?.steps)) },
  { name: 'batch-size', type: 'int', min: 1, arg: 'N', help: `${minibatched.join(', ')}: examples per minibatch (bigram: always the full batch)`, defaultText: '32' },
  { name: 'optimizer', type: 'enum', values: OPTIMIZER_KINDS, arg: 'NAME', help: 'sgd (torch.optim.SGD) or adamw (torch.optim.AdamW, decoupled weight decay)', defaultText: perKind(trained, (e) => e.training?.optimizer.kind) },
  { name: 'lr', type: 'number', min: 0, exclusiveMin: true, arg: 'RATE', help: 'learning rate', defaultText: perKind(trained, (e) => String(e.training?.lr)) },
  { name: 'momentum', type: 'number', min: 0, arg: 'M', help: 'sgd: momentum μ (v = μ·v + g; p −= lr·v)', defaultText: '0' },
  { name: 'beta1', type: 'number', min: 0, arg: 'B1', help: 'adamw: decay of the first moment, in [0, 1)', defaultText: '0.9' },
  { name: 'beta2', type: 'number', min: 0, arg: 'B2', help: 'adamw: decay of the second moment, in [0, 1)', defaultText: `0.999; ${perKind(trained, (e) => (e.training?.optimizer.kind === 'adamw' ? String(e.training.optimizer.beta2 ?? 0.999) : undefined))}` },
  {
    name: 'lr-decay-at', type: 'int', min: 0, arg: 'STEP',
    help: `the learning-rate rule with N = STEP: ${LR_DECAY_RULE}`,
    defaultText: perKind(trained, (e) => (e.training ? describeDecay(e.training) : undefined)),
  },
  {
    name: 'weight-decay', type: 'number', min: 0, arg: 'L',
    help: 'sgd: L2 decay, p −= lr·(g + L·p); adamw: decoupled decay, p *= 1 − lr·L; bigram: the λ of its loss term λ·mean(W²)',
    defaultText: '0 (sgd), 0.01 (adamw, bigram)',
  },
  { name: 'split', type: 'number-list', length: 3, arg: 'TR,DEV,TEST', help: 'fractions of the words for train, dev, test (1,0,0: all train)', defaultText: '0.8,0.1,0.1' },
  { name: 'seed', type: 'int', min: 0, max: MAX_SEED, arg: 'S', help: 'seed of the split, initialisation, batches and samples', defaultText: '42' },
  { name: 'eval-every', type: 'int', min: 1, arg: 'N', help: 'evaluate the dev loss every N steps', defaultText: 'steps/20' },
  backendFlag,
  { name: 'samples', type: 'int', min: 0, max: MAX_SAMPLE_COUNT, arg: 'N', help: 'how many words to sample from the trained model at the end (after saving)', defaultText: '10' },
  { name: 'top-k', type: 'int', min: 1, arg: 'K', help: 'samples: draw only among the K most likely next characters', defaultText: 'all' },
  { name: 'out', type: 'string', arg: 'FILE', help: 'write the trained model to FILE (atomically)' },
  { name: 'resume', type: 'string', arg: 'FILE', help: 'continue training the model in FILE (written by train --out) exactly where it stopped' },
  {
    name: 'diagnostics-every', type: 'int', min: 1, arg: 'N',
    help: `${diagnosed.join(', ')}: every N steps print a per-layer table (activation mean/std/saturation, gradient std, grad:data, log10 update:data)`,
  },
  { name: 'log', type: 'string', arg: 'FILE', help: 'write one JSON line per evaluation and diagnostics step (step, lr, losses, diagnostics) to FILE, for plot --log' },
  { name: 'json', type: 'boolean', help: 'print one JSON object per line (progress, samples, summary) and nothing else' },
];

/** Flags that only some model kinds use: giving one to another kind is an error rather than silently ignored. */
export const ONLY_FOR: Readonly<Record<string, readonly RegisteredKind[]>> = {
  ...Object.fromEntries(OPTION_KINDS),
  'batch-size': minibatched,
  'diagnostics-every': diagnosed,
  log: trained,
  ...Object.fromEntries(['steps', 'lr', 'lr-decay-at', 'weight-decay', 'eval-every', 'backend', 'optimizer', 'momentum', 'beta1', 'beta2']
    .map((f) => [f, trained])),
};

/** Flags that select or shape the model, the data or the run, which a resumed run takes from its file. */
export const RUN_DEFINING = ['model', 'data', 'split', 'seed', 'batch-size', 'optimizer', 'lr', 'momentum', 'beta1', 'beta2', 'lr-decay-at', 'weight-decay', ...OPTION_KINDS.keys()];
