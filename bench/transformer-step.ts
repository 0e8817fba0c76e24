/**
 * `transformer-step` of `npm run bench` (issue 15): one training step of makemore.py's Transformer (4 layers, 4 heads,
 * embed 64, T 16 on names.txt, batch 32, AdamW) — ours on wasm and JS, TF.js on wasm and cpu — on the same word
 * batches, cycled. The step's flops (forward ≈ 211 MFLOP at these sizes, backward twice that) give its GFLOP/s.
 */
import { buildSequences, sequenceLength } from '../src/data/sequences.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { Transformer } from '../src/models/transformer.ts';
import { Rng } from '../src/rng.ts';
import type { Corpus } from './lib/data.ts';
import type { OurBackends } from './lib/kernel-cases.ts';
import { withRoof } from './lib/roof.ts';
import type { GroupSpec } from './lib/run.ts';
import { ourStepCase } from './lib/step-cases.ts';
import type { Case } from './lib/timing.ts';
import { tfImpl, useTf } from './tfjs/setup.ts';
import { TfTransformer } from './tfjs/transformer.ts';

export const TRANSFORMER_BATCH = 32;
const LAYERS = 4, HEADS = 4, EMBED = 64, LR = 5e-4, BATCHES = 64;

/** Multiply-adds ×2 of one forward pass over B·T rows (matmuls and the attention's q·k and weighted sums). */
export function transformerForwardFlops(V: number, T: number, B: number, L = LAYERS, C = EMBED): number {
  const rows = B * T;
  const perRow = L * (C * 3 * C + C * C + C * 4 * C + 4 * C * C) + C * V;
  const attention = L * B * ((T * (T + 1)) / 2) * C * 2; // q·k and att·v, every head together
  return 2 * (rows * perRow + attention);
}

/** The label of the configuration. */
export function transformerLabel(T: number): string {
  return `layers${LAYERS} heads${HEADS} embed${EMBED} T${T} batch${TRANSFORMER_BATCH}`;
}

export function transformerGroup(corpus: Corpus, backends: OurBackends): GroupSpec {
  const T = sequenceLength(corpus.words);
  const config = transformerLabel(T);
  return {
    bench: 'transformer-step',
    label: config,
    async make() {
      const vocab = Vocabulary.fromWords(corpus.words);
      const s = buildSequences(corpus.words, vocab, T);
      const rng = new Rng(1234);
      const batches = Array.from({ length: BATCHES }, () => {
        const X = new Int32Array(TRANSFORMER_BATCH * T), Y = new Int32Array(TRANSFORMER_BATCH * T);
        for (let b = 0; b < TRANSFORMER_BATCH; b++) {
          const r = rng.int(s.count);
          X.set(s.X.subarray(r * T, (r + 1) * T), b * T);
          Y.set(s.Y.subarray(r * T, (r + 1) * T), b * T);
        }
        return { X, Y };
      });
      const flops = 3 * transformerForwardFlops(vocab.size, T, TRANSFORMER_BATCH);
      const cases: Case[] = [];
      const finite = (who: string, loss: () => number) => () => {
        if (!Number.isFinite(loss())) throw new Error(`${who}: the loss became ${loss()} during the benchmark`);
      };
      for (const be of backends.values()) {
        cases.push(await ourStepCase(be, { bench: 'transformer-step', config, flops }, async (on) => {
          const model = await Transformer.create({ vocab, blockSize: T, layers: LAYERS, heads: HEADS, embed: EMBED, seed: 1, backend: on });
          model.setBatchSize(TRANSFORMER_BATCH);
          let i = 0;
          return {
            run: () => { const b = batches[i++ % BATCHES]!; return model.trainStep(b.X, b.Y, LR); },
            dispose: () => model.dispose(),
          };
        }));
      }
      for (const name of ['wasm', 'cpu'] as const) {
        await useTf(name);
        const model = new TfTransformer({ vocabSize: vocab.size, blockSize: T, layers: LAYERS, heads: HEADS, embed: EMBED, seed: 1 }, LR);
        let i = 0, loss = 0;
        cases.push({
          bench: 'transformer-step', impl: tfImpl(name), config, flops, note: 'TF.js: one-hot embeddings, masked softmax, Adam',
          before: () => useTf(name),
          run() {
            const b = batches[i++ % BATCHES]!;
            loss = model.trainStep(b.X, b.Y);
          },
          verify: finite(`transformer-step ${tfImpl(name)}`, () => loss),
          dispose: () => model.dispose(),
        });
      }
      return withRoof(cases);
    },
  };
}
