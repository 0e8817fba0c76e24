/**
 * The `wavenet-step` benchmark: one minibatch SGD step (forward, backward, update) of the makemore part-5 WaveNet,
 * ours on the wasm and JS backends against the same model in TF.js (wasm and cpu backends). The batches are drawn
 * once from the corpus and cycled, the same ones for every implementation.
 */
import { buildContexts } from '../src/data/contexts.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { WaveNet } from '../src/models/wavenet.ts';
import type { Corpus } from './lib/data.ts';
import type { OurBackends } from './lib/kernel-cases.ts';
import { withRoof } from './lib/roof.ts';
import type { GroupSpec } from './lib/run.ts';
import type { Case } from './lib/timing.ts';
import { BATCHES, drawBatches, finite, ourStepCase, TF_EMBEDDING, TF_EMBEDDING_NOTE } from './lib/step-cases.ts';
import { TfWaveNet } from './tfjs/wavenet.ts';
import { tfImpl, useTf } from './tfjs/setup.ts';

/** One WaveNet configuration to time. */
export interface WaveNetBenchConfig {
  blockSize: number;
  embedDim: number;
  hidden: number;
  flatten: number;
  batch: number;
}

/** The lecture's model: 76,579 parameters on 27 characters. */
export const WAVENET_CONFIG: WaveNetBenchConfig = { blockSize: 8, embedDim: 24, hidden: 128, flatten: 2, batch: 32 };
/** `--quick`: the same code paths at a quarter of the width. */
export const WAVENET_QUICK: WaveNetBenchConfig = { blockSize: 8, embedDim: 8, hidden: 32, flatten: 2, batch: 32 };

const MOMENTUM = 0.1; // the library's default (the lecture's part-5 BatchNorm1d)
const LR = 0.1;

/** The label of a WaveNet configuration, e.g. `block8 embed24 hidden128 flatten2 batch32`. */
export function wavenetLabel(c: WaveNetBenchConfig): string {
  return `block${c.blockSize} embed${c.embedDim} hidden${c.hidden} flatten${c.flatten} batch${c.batch}`;
}

/** The group: our two backends, then TF.js wasm and cpu. */
export function wavenetGroup(corpus: Corpus, c: WaveNetBenchConfig, backends: OurBackends): GroupSpec {
  const config = wavenetLabel(c);
  return {
    bench: 'wavenet-step',
    label: config,
    async make() {
      const vocab = Vocabulary.fromWords(corpus.words);
      const batches = drawBatches(buildContexts(corpus.words, vocab, c.blockSize), c.batch, BATCHES);
      const shape = { blockSize: c.blockSize, embedDim: c.embedDim, flatten: c.flatten, momentum: MOMENTUM };
      const cases: Case[] = [];
      for (const be of backends.values()) {
        cases.push(await ourStepCase(be, { bench: 'wavenet-step', config }, async (on) => {
          const model = await WaveNet.create({ vocab, ...shape, hidden: c.hidden, seed: 1, backend: on });
          model.setBatchSize(c.batch);
          let i = 0;
          return { run: () => { const b = batches[i++ % BATCHES]!; return model.trainStep(b.X, b.Y, LR); } };
        }));
      }
      const levels = Math.round(Math.log(c.blockSize) / Math.log(c.flatten));
      for (const name of ['wasm', 'cpu'] as const) {
        await useTf(name);
        const mode = TF_EMBEDDING[name];
        const model = new TfWaveNet(
          { vocabSize: vocab.size, ...shape, hidden: new Array<number>(levels).fill(c.hidden), seed: 1 }, mode, LR,
        );
        let i = 0;
        let loss = 0;
        cases.push({
          bench: 'wavenet-step', impl: tfImpl(name), config, note: TF_EMBEDDING_NOTE[mode],
          before: () => useTf(name),
          run() {
            const b = batches[i++ % BATCHES]!;
            loss = model.trainStep(b.X, b.Y);
          },
          verify: finite(`wavenet-step ${tfImpl(name)}`, () => loss),
          dispose: () => model.dispose(),
        });
      }
      return withRoof(cases);
    },
  };
}
