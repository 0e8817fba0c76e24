/**
 * `npm run bench:split`: where a recurrent training step's time goes, per cell (issue 14). Every kernel call of a
 * step is timed by wrapping the wasm backend's raw kernels, and the times are summed by kind:
 *
 *   matmul     matmul, matmulTN, matmulNT (forward, BPTT, weight gradients, output layer)
 *   gates      the fused gate kernels, tanh/sigmoid, bias add/backward, transposes
 *   loss       the fused softmax cross-entropy over the B·T logits
 *   embedding  gather and scatter-add
 *   optimizer  AdamW, zeroing the gradients, the rollback snapshot
 *
 * Rounds alternate an instrumented step with a plain one, so the JSON line also carries the uninstrumented step time
 * of the same conditions (the wrappers add ~0.1 µs per call); each figure is the median over the rounds. One JSON
 * line per cell on stdout, a table on stderr. Options: --rounds N (default 60), --steps N per round (default 5).
 */
import { parseArgs } from 'node:util';
import { createBackend } from '../src/backend/index.ts';
import { buildSequences } from '../src/data/sequences.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { RecurrentLM, RECURRENT_KINDS } from '../src/models/recurrent.ts';
import { Rng } from '../src/rng.ts';
import { loadCorpus } from './lib/data.ts';
import { RECURRENT_BENCH, recurrentStepFlops } from './recurrent.ts';

const KIND_OF: Record<string, string> = {
  matmul: 'matmul', matmulTN: 'matmul', matmulNT: 'matmul', softmaxCrossEntropy: 'loss',
  embeddingGather: 'embedding', embeddingScatterAdd: 'embedding', adamwUpdate: 'optimizer', zero: 'optimizer', copy: 'optimizer',
};
const KINDS = ['matmul', 'gates', 'loss', 'embedding', 'optimizer'] as const;

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '60' }, steps: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds), steps = Number(values.steps);
const corpus = loadCorpus();
const vocab = Vocabulary.fromWords(corpus.words);
const seqs = buildSequences(corpus.words, vocab);
const T = seqs.length;
const { batch: B, embed: E, hidden: H, lr } = RECURRENT_BENCH;
const rng = new Rng(7);
const X = new Int32Array(B * T), Y = new Int32Array(B * T);
for (let b = 0; b < B; b++) {
  const r = rng.int(seqs.count);
  X.set(seqs.X.subarray(r * T, (r + 1) * T), b * T);
  Y.set(seqs.Y.subarray(r * T, (r + 1) * T), b * T);
}
const median = (a: number[]): number => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
process.stderr.write(`bench:split on ${corpus.source}, T ${T}, batch ${B}, embed ${E}, hidden ${H}; ${rounds} rounds of ${steps} steps\n`);
process.stderr.write('| cell | step (plain) | matmul | gates | loss | embedding | optimizer | JS glue | matmul GFLOP/s |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n');
for (const cell of RECURRENT_KINDS) {
  const backend = await createBackend('wasm');
  const model = await RecurrentLM.create({ cell, vocab, blockSize: T, embedDim: E, hidden: H, seed: 1, backend });
  model.setOptimizer({ kind: 'adamw', beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01 });
  const raw = backend.raw as unknown as Record<string, (...a: unknown[]) => unknown>;
  const plain = { ...raw };
  const spent: Record<string, number> = {};
  const timed = Object.fromEntries(Object.entries(plain).map(([name, f]) => {
    const kind = KIND_OF[name] ?? 'gates';
    return [name, (...a: unknown[]) => {
      const t = performance.now();
      const r = f(...a);
      spent[kind] = (spent[kind] ?? 0) + performance.now() - t;
      return r;
    }];
  }));
  for (let i = 0; i < 20; i++) model.trainStep(X, Y, lr); // warm-up
  const samples: Record<string, number[]> = { plain: [], instrumented: [], glue: [], ...Object.fromEntries(KINDS.map((k) => [k, []])) };
  for (let r = 0; r < rounds; r++) {
    Object.assign(raw, plain);
    let t = performance.now();
    for (let s = 0; s < steps; s++) model.trainStep(X, Y, lr);
    samples.plain!.push((performance.now() - t) / steps);
    Object.assign(raw, timed);
    for (const k of KINDS) spent[k] = 0;
    t = performance.now();
    for (let s = 0; s < steps; s++) model.trainStep(X, Y, lr);
    samples.instrumented!.push((performance.now() - t) / steps);
    for (const k of KINDS) samples[k]!.push(spent[k]! / steps);
    // what is left of the instrumented step: the JS between kernel calls (layer loop, id checks, snapshot views)
    samples.glue!.push(samples.instrumented!.at(-1)! - KINDS.reduce((sum, k) => sum + spent[k]! / steps, 0));
  }
  Object.assign(raw, plain);
  const ms = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const glue = ms.glue!;
  const matmulFlops = recurrentStepFlops(cell, B, T, E, H, vocab.size);
  const line = {
    bench: `${cell}-split`, config: `T${T} embed${E} hidden${H} batch${B}`, step_us: round(ms.plain! * 1000),
    step_gflops: round(matmulFlops / (ms.plain! * 1e6), 2),
    ...Object.fromEntries(KINDS.map((k) => [`${k}_us`, round(ms[k]! * 1000)])), glue_us: round(glue * 1000),
    matmul_gflops: round(matmulFlops / (ms.matmul! * 1e6), 2), rounds,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  const whole = KINDS.reduce((sum, k) => sum + ms[k]!, glue);
  const pct = (x: number): string => `${(x * 1000).toFixed(0)} µs (${((100 * x) / whole).toFixed(0)}%)`;
  process.stderr.write(`| ${cell} | ${(ms.plain! * 1000).toFixed(0)} µs | ${KINDS.map((k) => pct(ms[k]!)).join(' | ')} | ${pct(glue)} | ${line.matmul_gflops} |\n`);
  model.dispose();
}

function round(x: number, d = 1): number {
  return Number(x.toFixed(d));
}
