/**
 * The runs whose numbers a refactor must keep bit-identical (see scripts/record-fixture.ts): the part-3 MLP for
 * 1,000 steps and the neural bigram for 50 full-batch steps on both backends, on the embedded default names.
 * Losses are kept as JSON numbers (exact for doubles); tensors as FNV-1a hashes of their float32 bytes.
 */
import { createBackend, defaultNames, MLP, NeuralBigram, splitWords, train, Vocabulary } from '../../src/index.ts';

export interface FixtureRun {
  losses: number[];
  tensors: Record<string, string>;
}

/** FNV-1a (32-bit) of the bytes of a float32 array, as 8 hex digits. */
export function hashFloats(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

export async function fixtureRuns(mlpSteps = 1000): Promise<Record<string, FixtureRun>> {
  const words = defaultNames();
  const { train: trainWords } = splitWords(words, { seed: 42 });
  const vocab = Vocabulary.fromWords(words);
  const runs: Record<string, FixtureRun> = {};
  for (const name of ['wasm', 'js'] as const) {
    const backend = await createBackend(name);
    const mlp = await MLP.create({ vocab, seed: 42, backend });
    const losses: number[] = [];
    await train(mlp, {
      data: { train: trainWords }, steps: mlpSteps, batchSize: 32, lr: 0.1, seed: 42, evalEvery: mlpSteps,
      progressEvery: 1, onProgress: (p) => losses.push(p.trainLoss),
    });
    const tensors: Record<string, string> = {};
    for (const t of mlp.tensorNames()) tensors[t.name] = hashFloats(mlp.tensor(t.name));
    runs[`mlp.${name}`] = { losses, tensors };

    for (const path of ['counts', 'examples'] as const) {
      const bigram = await NeuralBigram.create({ vocab, seed: 42, backend });
      const bl = bigram.trainFullBatch(trainWords, { steps: 50, lr: 50, path });
      runs[`bigram.${path}.${name}`] = { losses: bl, tensors: { W: hashFloats(bigram.weights()) } };
    }
  }
  return runs;
}
