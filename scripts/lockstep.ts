/**
 * Lock-step comparison with PyTorch (optional; `npm test` and CI do not use it): reads what
 * scripts/torch/lockstep.py wrote — makemore.py's initial weights, the batches, every step's loss and the first
 * step's gradients — loads the weights into our model, trains on the same batches with the same AdamW and prints the
 * gradient differences at step 1, tensor by tensor, and the loss differences step by step.
 *
 *   npx tsx scripts/lockstep.ts --file /tmp/lockstep-gru.json [--words ../shared/data/names.txt] [--backend js]
 *
 * Exit code 1 when a loss differs by more than 1e-4 or a step-1 gradient by more than 1e-4 of its tensor's largest
 * value: float32 rounding alone stays near 1e-6 over hundreds of steps, a wrong equation shows at step 1.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BoW, RecurrentLM, Transformer, Vocabulary, buildSequences, readWords, sequenceLength } from '../src/index.ts';

type Nested = number | Nested[];
interface TorchRun {
  kind: 'rnn' | 'gru' | 'transformer' | 'bow';
  init: Record<string, Nested>;
  grads: Record<string, Nested>;
  batches: number[][];
  losses: number[];
}

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    words: { type: 'string', default: fileURLToPath(new URL('../../shared/data/names.txt', import.meta.url)) },
    backend: { type: 'string', default: 'wasm' },
  },
});
if (!values.file) throw new Error('lockstep: --file <json written by scripts/torch/lockstep.py> is required');
const run = JSON.parse(readFileSync(values.file, 'utf8')) as TorchRun;
const words = readWords(readFileSync(values.words!, 'utf8'));
const vocab = Vocabulary.fromWords(words);
const T = sequenceLength(words);
const backend = values.backend as 'wasm' | 'js';

const flat = (a: Nested): number[] => (Array.isArray(a) ? a.flatMap(flat) : [a]);
/** A torch Linear weight [out][in] as ours [in × out], row-major. */
const transpose = (a: Nested): number[] => {
  const m = a as number[][];
  const out: number[] = [];
  for (let j = 0; j < m[0]!.length; j++) for (let i = 0; i < m.length; i++) out.push(m[i]![j]!);
  return out;
};

/** Torch's tensors under our names and layouts. */
function ours(t: Record<string, Nested>): Map<string, number[]> {
  const o = new Map<string, number[]>();
  if (run.kind === 'rnn' || run.kind === 'gru') {
    o.set('embedding', flat(t['wte.weight']!));
    o.set('cell.start', flat(t['start']!));
    o.set('output.weight', transpose(t['lm_head.weight']!));
    o.set('output.bias', flat(t['lm_head.bias']!));
    if (run.kind === 'rnn') {
      o.set('cell.weight', transpose(t['cell.xh_to_h.weight']!));
      o.set('cell.bias', flat(t['cell.xh_to_h.bias']!));
    } else {
      // ours keeps W_r and W_z side by side, [E+H, 2H]: the r columns then the z columns
      o.set('cell.rz.weight', transpose([...(t['cell.xh_to_r.weight'] as Nested[]), ...(t['cell.xh_to_z.weight'] as Nested[])]));
      o.set('cell.rz.bias', [...flat(t['cell.xh_to_r.bias']!), ...flat(t['cell.xh_to_z.bias']!)]);
      o.set('cell.hbar.weight', transpose(t['cell.xh_to_hbar.weight']!));
      o.set('cell.hbar.bias', flat(t['cell.xh_to_hbar.bias']!));
    }
    return o;
  }
  for (const [key, value] of Object.entries(t)) {
    const name = key.replace(/^transformer\./, '').replace(/^wte\.weight$/, 'embedding').replace(/^wpe\.weight$/, 'position');
    const matrix = name.endsWith('.weight') && Array.isArray((value as Nested[])[0]);
    o.set(name, matrix ? transpose(value) : flat(value));
  }
  return o;
}

const model = run.kind === 'transformer' ? await Transformer.create({ vocab, blockSize: T, backend })
  : run.kind === 'bow' ? await BoW.create({ vocab, blockSize: T, backend })
  : await RecurrentLM.create({ cell: run.kind, vocab, blockSize: T, backend });
const init = ours(run.init);
for (const { name } of model.tensorNames()) {
  const v = init.get(name);
  if (!v) throw new Error(`lockstep: no PyTorch tensor for our '${name}'`);
  model.setTensor(name, v);
}
model.setOptimizer({ kind: 'adamw', beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01 });

const rows = buildSequences(words, vocab, T);
const B = run.batches[0]!.length;
const X = new Int32Array(B * T), Y = new Int32Array(B * T);
let worstLoss = 0, worstGrad = 0;
run.batches.forEach((batch, s) => {
  batch.forEach((r, b) => {
    X.set(rows.X.subarray(r * T, (r + 1) * T), b * T);
    Y.set(rows.Y.subarray(r * T, (r + 1) * T), b * T);
  });
  const loss = model.trainStep(X, Y, 5e-4);
  const diff = loss - run.losses[s]!;
  worstLoss = Math.max(worstLoss, Math.abs(diff));
  if (s === 0) {
    const grads = ours(run.grads);
    for (const { name } of model.tensorNames()) {
      const a = model.gradient(name), b = grads.get(name)!;
      let d = 0, scale = 0;
      for (let i = 0; i < a.length; i++) {
        d = Math.max(d, Math.abs(a[i]! - b[i]!));
        scale = Math.max(scale, Math.abs(b[i]!));
      }
      worstGrad = Math.max(worstGrad, d / (scale || 1));
      console.log(`step 1 gradient ${name.padEnd(26)} max |Δ| ${d.toExponential(2)} (largest |g| ${scale.toExponential(2)})`);
    }
  }
  const n = s + 1;
  if (n === 1 || n === run.batches.length || (n & (n - 1)) === 0) {
    console.log(`step ${String(n).padStart(5)}: loss ours ${loss.toFixed(6)} PyTorch ${run.losses[s]!.toFixed(6)} Δ ${diff.toExponential(2)}`);
  }
});
const ok = worstLoss <= 1e-4 && worstGrad <= 1e-4;
console.log(`${run.kind} on ${backend}: ${run.batches.length} steps, max |Δloss| ${worstLoss.toExponential(2)}, ` +
  `worst step-1 gradient difference ${worstGrad.toExponential(2)} of its tensor's scale: ${ok ? 'agree' : 'DIFFER'}`);
process.exitCode = ok ? 0 : 1;
