/**
 * End-to-end benchmarks: whole training steps, ours (wasm and JS backends) against the same model in TF.js (wasm
 * and cpu backends).
 *
 * - `mlp-step`: one minibatch SGD step of the makemore MLP (forward, backward, update) at the part-3
 *   configuration (block 3, embed 10, hidden [200], BatchNorm, batch 32), at batch 256, and with hidden [100]×5.
 *   The batches are drawn once from the corpus and cycled, the same ones for every implementation.
 * - `wavenet-step`: one minibatch SGD step of the part-5 WaveNet (block 8, embed 24, hidden 128, flatten 2, 76,579
 *   parameters, batch 32); see e2e-wavenet.ts.
 * - `bigram-step`: one full-batch gradient step of the neural bigram on every bigram of the corpus (228,146 with
 *   names.txt), through the per-example path (a row of W per example, softmax-CE, scatter-add back) and the count
 *   path (the 27×27 bigram counts give the same loss and gradient in O(V²)).
 * - `transformer-step`: one AdamW step of makemore.py's Transformer at its defaults, batch 32 (`transformer-step.ts`).
 */
import { buildContexts, type Contexts } from '../src/data/contexts.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { NeuralBigram, type GradientPath } from '../src/models/bigram.ts';
import { MLP } from '../src/models/mlp.ts';
import type { Corpus } from './lib/data.ts';
import type { OurBackends } from './lib/kernel-cases.ts';
import { withRoof } from './lib/roof.ts';
import type { GroupSpec } from './lib/run.ts';
import type { Case } from './lib/timing.ts';
import { TfBigram, type BigramPath } from './tfjs/bigram.ts';
import { TfMlp } from './tfjs/mlp.ts';
import { tfImpl, useTf } from './tfjs/setup.ts';
import { WAVENET_CONFIG, WAVENET_QUICK, wavenetGroup } from './e2e-wavenet.ts';
import { BATCHES, drawBatches, finite, ourStepCase, TF_EMBEDDING, TF_EMBEDDING_NOTE } from './lib/step-cases.ts';
import { recurrentGroups } from './recurrent.ts';
import { transformerGroup } from './transformer-step.ts';

/** One MLP configuration to time. */
export interface MlpBenchConfig {
  hidden: number[];
  batch: number;
}

/** The three MLP configurations of the issue; the first is makemore part 3's. */
export const MLP_CONFIGS: readonly MlpBenchConfig[] = [
  { hidden: [200], batch: 32 },
  { hidden: [200], batch: 256 },
  { hidden: [100, 100, 100, 100, 100], batch: 32 },
];

const BLOCK = 3;
const EMBED = 10;
const MOMENTUM = 0.001; // the library's default (the lecture's)
const MLP_LR = 0.1;
const BIGRAM_LR = 50;
const BIGRAM_LAMBDA = 0.01; // the library's default λ·mean(W²)

/** The label of an MLP configuration, e.g. `block3 embed10 hidden[200] BN batch32`. */
export function mlpLabel(c: MlpBenchConfig): string {
  const h = c.hidden.every((x) => x === c.hidden[0]) && c.hidden.length > 1 ? `[${c.hidden[0]}]×${c.hidden.length}` : `[${c.hidden.join(',')}]`;
  return `block${BLOCK} embed${EMBED} hidden${h} BN batch${c.batch}`;
}

function mlpGroup(corpus: Corpus, c: MlpBenchConfig, backends: OurBackends): GroupSpec {
  const config = mlpLabel(c);
  return {
    bench: 'mlp-step',
    label: config,
    async make() {
      const vocab = Vocabulary.fromWords(corpus.words);
      const batches = drawBatches(buildContexts(corpus.words, vocab, BLOCK), c.batch, BATCHES);
      const cases: Case[] = [];
      for (const be of backends.values()) {
        cases.push(await ourStepCase(be, { bench: 'mlp-step', config }, async (on) => {
          const model = await MLP.create({
            vocab, blockSize: BLOCK, embedDim: EMBED, hidden: c.hidden, batchNorm: true, momentum: MOMENTUM, seed: 1, backend: on,
          });
          model.setBatchSize(c.batch);
          let i = 0;
          return { run: () => { const b = batches[i++ % BATCHES]!; return model.trainStep(b.X, b.Y, MLP_LR); } };
        }));
      }
      for (const name of ['wasm', 'cpu'] as const) {
        await useTf(name);
        const mode = TF_EMBEDDING[name];
        const model = new TfMlp(
          { vocabSize: vocab.size, blockSize: BLOCK, embedDim: EMBED, hidden: c.hidden, batchNorm: true, momentum: MOMENTUM, seed: 1 },
          mode, MLP_LR,
        );
        let i = 0;
        let loss = 0;
        cases.push({
          bench: 'mlp-step', impl: tfImpl(name), config, note: TF_EMBEDDING_NOTE[mode],
          before: () => useTf(name),
          run() {
            const b = batches[i++ % BATCHES]!;
            loss = model.trainStep(b.X, b.Y);
          },
          verify: finite(`mlp-step ${tfImpl(name)}`, () => loss),
          dispose: () => model.dispose(),
        });
      }
      return withRoof(cases);
    },
  };
}

const OUR_PATH: Record<BigramPath, GradientPath> = { 'per-example': 'examples', count: 'counts' };
const TF_BIGRAM_NOTE: Record<BigramPath, string> = {
  'per-example': 'TF.js per-example: logits = one-hot(x) · W (one-hot built once, as in the lecture), fused softmax-CE',
  count: 'TF.js count path: loss = −Σ N ∘ logSoftmax(W) / ΣN',
};

function bigramGroup(corpus: Corpus, path: BigramPath, backends: OurBackends, limit: number | undefined): GroupSpec {
  return {
    bench: 'bigram-step',
    label: path,
    async make() {
      const vocab = Vocabulary.fromWords(corpus.words);
      const all = buildContexts(corpus.words, vocab, 1);
      const n = Math.min(all.count, limit ?? all.count);
      const ctx: Contexts = { X: all.X.subarray(0, n), Y: all.Y.subarray(0, n), count: n, blockSize: 1 };
      const config = `${path} path, ${n} examples`;
      const cases: Case[] = [];
      for (const be of backends.values()) {
        cases.push(await ourStepCase(be, { bench: 'bigram-step', config }, async (on) => {
          const model = await NeuralBigram.create({ vocab, seed: 1, regularization: BIGRAM_LAMBDA, backend: on });
          model.setData(ctx);
          return { run: () => model.step(BIGRAM_LR, { path: OUR_PATH[path] }) };
        }));
      }
      const V = vocab.size;
      for (const name of ['wasm', 'cpu'] as const) {
        await useTf(name);
        // λ·mean(W²) = (2λ/V²)/2 · ΣW²: TfBigram's weightDecay/2 · ΣW²
        const model = new TfBigram(ctx.X, ctx.Y, V, path, BIGRAM_LR, (2 * BIGRAM_LAMBDA) / (V * V), 1);
        let loss = 0;
        cases.push({
          bench: 'bigram-step', impl: tfImpl(name), config, note: TF_BIGRAM_NOTE[path],
          before: () => useTf(name),
          run() {
            loss = model.trainStep();
          },
          verify: finite(`bigram-step ${tfImpl(name)}`, () => loss),
          dispose: () => model.dispose(),
        });
      }
      return cases;
    },
  };
}

/**
 * The end-to-end groups. `quick` keeps every code path but shrinks the work: the part-3 MLP only, a small WaveNet,
 * and the bigram on the first 4,096 examples.
 */
export function e2eGroups(corpus: Corpus, backends: OurBackends, quick: boolean): GroupSpec[] {
  const configs = quick ? MLP_CONFIGS.slice(0, 1) : MLP_CONFIGS;
  const limit = quick ? 4096 : undefined;
  return [
    ...configs.map((c) => mlpGroup(corpus, c, backends)),
    wavenetGroup(corpus, quick ? WAVENET_QUICK : WAVENET_CONFIG, backends),
    bigramGroup(corpus, 'per-example', backends, limit),
    bigramGroup(corpus, 'count', backends, limit),
    ...recurrentGroups(corpus, backends), // recurrent (issue 14)
    transformerGroup(corpus, backends), // transformer (issue 15)
  ];
}
