/**
 * `rnn-step`, `gru-step`, `lstm-step` (issue 14): one training step of makemore.py's recurrent models — batch 32
 * words, T = longest word + 1 (16 on names.txt), n_embd = n_embd2 = 64, AdamW lr 5e-4 with betas (0.9, 0.99) — ours
 * on wasm and JS, and the same cell in TF.js wasm and cpu (see tfjs/recurrent.ts). The batches are drawn once from
 * the corpus and cycled, the same for every implementation. GFLOP/s count the matmuls of a step (forward and
 * backward: 3 × (x·W_x + h·W_h + h·W_out) over the B·T rows); elementwise work is not counted.
 */
import { buildSequences, type Sequences } from '../src/data/sequences.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { RecurrentLM, RECURRENT_KINDS, type RecurrentKind } from '../src/models/recurrent.ts';
import { Rng } from '../src/rng.ts';
import type { Corpus } from './lib/data.ts';
import type { OurBackends } from './lib/kernel-cases.ts';
import { withRoof } from './lib/roof.ts';
import type { GroupSpec } from './lib/run.ts';
import { ourStepCase } from './lib/step-cases.ts';
import type { Case } from './lib/timing.ts';
import { TfRecurrent } from './tfjs/recurrent.ts';
import { tfImpl, useTf } from './tfjs/setup.ts';

export const RECURRENT_BENCH = { batch: 32, embed: 64, hidden: 64, lr: 5e-4 } as const;
const ADAMW = { kind: 'adamw', beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01 } as const;
const GATES: Record<RecurrentKind, number> = { rnn: 1, gru: 3, lstm: 4 };
const BATCHES = 64;

/** Matmul FLOPs of one training step: forward 2·BT·(E·G + H·G + H·V), backward twice that. */
export function recurrentStepFlops(cell: RecurrentKind, B: number, T: number, E: number, H: number, V: number): number {
  const G = GATES[cell] * H;
  return 3 * 2 * B * T * (E * G + H * G + H * V);
}

/** The label of a configuration, e.g. `gru T16 embed64 hidden64 batch32`. */
export function recurrentLabel(cell: RecurrentKind, T: number): string {
  const { batch, embed, hidden } = RECURRENT_BENCH;
  return `${cell} T${T} embed${embed} hidden${hidden} batch${batch}`;
}

function drawBatches(s: Sequences, batch: number): { X: Int32Array; Y: Int32Array }[] {
  const rng = new Rng(1234);
  const T = s.length;
  return Array.from({ length: BATCHES }, () => {
    const X = new Int32Array(batch * T), Y = new Int32Array(batch * T);
    for (let i = 0; i < batch; i++) {
      const r = rng.int(s.count);
      X.set(s.X.subarray(r * T, (r + 1) * T), i * T);
      Y.set(s.Y.subarray(r * T, (r + 1) * T), i * T);
    }
    return { X, Y };
  });
}

function recurrentGroup(corpus: Corpus, cell: RecurrentKind, backends: OurBackends): GroupSpec {
  const bench = `${cell}-step`;
  const { batch, embed, hidden, lr } = RECURRENT_BENCH;
  return {
    bench,
    label: `whole words, batch ${RECURRENT_BENCH.batch}`,
    async make() {
      const vocab = Vocabulary.fromWords(corpus.words);
      const seqs = buildSequences(corpus.words, vocab);
      const T = seqs.length;
      const config = recurrentLabel(cell, T);
      const flops = recurrentStepFlops(cell, batch, T, embed, hidden, vocab.size);
      const batches = drawBatches(seqs, batch);
      const cases: Case[] = [];
      for (const be of backends.values()) {
        cases.push(await ourStepCase(be, { bench, config, flops }, async (on) => {
          const model = await RecurrentLM.create({ cell, vocab, blockSize: T, embedDim: embed, hidden, seed: 1, backend: on });
          model.setOptimizer(ADAMW);
          model.setBatchSize(batch);
          let i = 0;
          return { run: () => { const b = batches[i++ % BATCHES]!; return model.trainStep(b.X, b.Y, lr); } };
        }));
      }
      for (const name of ['wasm', 'cpu'] as const) {
        await useTf(name);
        const mode = name === 'wasm' ? 'onehot' : 'gather';
        const model = new TfRecurrent({ cell, vocabSize: vocab.size, length: T, embedDim: embed, hidden, seed: 1 }, mode, lr);
        let i = 0, loss = 0;
        cases.push({
          bench, impl: tfImpl(name), config, flops,
          note: `TF.js ${name}: tf ops + tf.variableGrads + adam, embedding ${mode === 'onehot' ? 'one-hot · C' : 'tf.gather'}`,
          before: () => useTf(name),
          run() {
            const b = batches[i++ % BATCHES]!;
            loss = model.trainStep(b.X, b.Y);
          },
          verify: () => { if (!Number.isFinite(loss)) throw new Error(`${bench} ${tfImpl(name)}: the loss became ${loss}`); },
          dispose: () => model.dispose(),
        });
      }
      return withRoof(cases);
    },
  };
}

/** The recurrent groups of `npm run bench`, one per cell. */
export function recurrentGroups(corpus: Corpus, backends: OurBackends): GroupSpec[] {
  return RECURRENT_KINDS.map((cell) => recurrentGroup(corpus, cell, backends));
}
