/**
 * The demo's Model panel: reading it, every field checked, with a message that names the field as the page labels it;
 * and filling it with the settings that suit a model kind when the kind changes.
 */
import type { InitScheme } from '../src/nn/init-schemes.ts';
import type { Kind, RunConfig } from './protocol.ts';

const RECURRENT: readonly Kind[] = ['rnn', 'gru', 'lstm'];

function input(id: string): HTMLInputElement {
  const el = document.getElementById(id);
  if (!(el instanceof HTMLInputElement)) throw new Error(`demo: input #${id} is missing from the page`);
  return el;
}

/** The number in field `id`, checked against [min, max] (and integrality). */
function num(id: string, integer: boolean, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const field = input(id);
  const label = field.closest('label')?.firstChild?.textContent?.trim() ?? id;
  const v = Number(field.value);
  if (field.value.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    const what = integer ? 'an integer' : 'a number';
    throw new Error(`${label} must be ${what} from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, got '${field.value}'.`);
  }
  return v;
}

/** The configuration in the form for a model `kind`, checked; throws a readable message naming the field. */
export function readConfig(kind: Kind): RunConfig {
  return {
    kind,
    seed: num('seed', true, 0, 2 ** 31 - 1),
    order: num('order', true, 1, 5),
    smoothing: num('smoothing', false, 0),
    regularization: num('regularization', false, 0),
    blockSize: num('blockSize', true, 1, 16),
    // recurrent (issue 14): their own embedding and hidden-state fields
    embedDim: RECURRENT.includes(kind) ? num('rnnEmbed', true, 1, 256) : num('embedDim', true, 1, 128),
    hidden: RECURRENT.includes(kind) ? [num('rnnHidden', true, 1, 512)] : readHidden(),
    batchNorm: input('batchNorm').checked,
    init: (document.getElementById('init') as HTMLSelectElement).value as InitScheme,
    diagnosticsEvery: num('diagnosticsEvery', true, 0),
    flatten: num('flatten', true, 2, 16),
    layers: num('layers', true, 1, 12),
    heads: num('heads', true, 1, 16),
    embed: num('embed', true, 1, 256),
    steps: num('steps', true, 1, 10_000_000),
    batchSize: num('batchSize', true, 1, 4096),
    lr: num('lr', false, 0),
    // empty: never (as the CLI without --lr-decay-at for the bigram); else the rule of the CLI's --lr-decay-at
    decayStep: input('decayStep').value.trim() === '' ? null : num('decayStep', true, 0),
    weightDecay: num('weightDecay', false, 0),
    evalEvery: num('evalEvery', true, 1),
  };
}

/** Hidden layer widths: comma-separated integers ('' is no hidden layer: a linear model of the embeddings). */
function readHidden(): number[] {
  const raw = input('hidden').value.trim();
  if (raw === '') return [];
  const widths = raw.split(/[\s,]+/).map(Number);
  if (widths.length > 4 || widths.some((w) => !Number.isInteger(w) || w < 1 || w > 1024)) {
    throw new Error(`Hidden layers must be up to 4 comma-separated widths from 1 to 1024, got '${raw}'.`);
  }
  return widths;
}

/** The network fields of the kinds that share them: the lecture's sizes when switching between the MLP and the WaveNet. */
const NETWORK_DEFAULTS: Partial<Record<Kind, { blockSize: number; embedDim: number; hidden: string }>> = {
  mlp: { blockSize: 3, embedDim: 10, hidden: '200' },
  wavenet: { blockSize: 8, embedDim: 24, hidden: '128' },
};

/** Puts the lecture's context, embedding and hidden sizes of `kind` in the network fields (other kinds: no change). */
export function setNetworkDefaults(kind: Kind): void {
  const n = NETWORK_DEFAULTS[kind];
  if (!n) return;
  input('blockSize').value = String(n.blockSize);
  input('embedDim').value = String(n.embedDim);
  input('hidden').value = n.hidden;
}

/** Training settings that suit each model: the neural bigram takes big full-batch steps, the MLP small minibatch ones. */
const KIND_DEFAULTS: Record<Kind, { steps: number; lr: number; decayStep: number | null; evalEvery: number; weightDecay?: number }> = {
  ngram: { steps: 1, lr: 0.1, decayStep: null, evalEvery: 1 },
  bigram: { steps: 300, lr: 50, decayStep: null, evalEvery: 10 },
  mlp: { steps: 30_000, lr: 0.1, decayStep: 20_000, evalEvery: 1_000 },
  // the lecture's schedule shape (lr ÷10 at three quarters), shortened: a 76K-parameter step costs ~10 MLP steps
  wavenet: { steps: 20_000, lr: 0.1, decayStep: 15_000, evalEvery: 1_000 },
  // recurrent (issue 14): makemore.py's AdamW settings (the worker takes the optimizer from the registry)
  rnn: { steps: 20_000, lr: 5e-4, decayStep: null, evalEvery: 1_000 },
  gru: { steps: 20_000, lr: 5e-4, decayStep: null, evalEvery: 1_000 },
  lstm: { steps: 20_000, lr: 5e-4, decayStep: null, evalEvery: 1_000 },
  // makemore.py's AdamW at a constant 5e-4 (issue 15)
  transformer: { steps: 5_000, lr: 5e-4, decayStep: null, evalEvery: 250, weightDecay: 0.01 },
  bow: { steps: 5_000, lr: 5e-4, decayStep: null, evalEvery: 250, weightDecay: 0.01 },
};

/** Puts the training settings and network sizes that suit `kind` in the form (the user's values are replaced). */
export function setKindDefaults(kind: Kind): void {
  const d = KIND_DEFAULTS[kind];
  input('steps').value = String(d.steps);
  input('lr').value = String(d.lr);
  input('decayStep').value = d.decayStep === null ? '' : String(d.decayStep);
  input('evalEvery').value = String(d.evalEvery);
  setNetworkDefaults(kind);
  // recurrent (issue 14): makemore.py's weight decay 0.01 for its models, 0 (the SGD default) for the MLP and WaveNet
  if (kind !== 'ngram' && kind !== 'bigram') input('weightDecay').value = RECURRENT.includes(kind) ? '0.01' : '0';
  if (d.weightDecay !== undefined) input('weightDecay').value = String(d.weightDecay); // transformer, bow (issue 15)
}
