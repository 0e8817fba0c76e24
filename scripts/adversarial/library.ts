/**
 * The library API under bad arguments (issue 11 item 7) and models created and dropped on a shared backend (item 8).
 */
import { createBackend } from '../../src/backend/index.ts';
import { Vocabulary } from '../../src/data/vocabulary.ts';
import { splitWords } from '../../src/data/words.ts';
import { NeuralBigram } from '../../src/models/bigram.ts';
import { MLP } from '../../src/models/mlp.ts';
import { train } from '../../src/train.ts';
import { Tally } from './common.ts';

/** Handled: the call throws (synchronously or as a rejected promise). */
async function refuses(f: () => unknown): Promise<boolean> {
  try {
    await f();
    return false;
  } catch {
    return true;
  }
}

async function validationCases(words: string[]): Promise<Tally> {
  const tally = new Tally('library: bad arguments refused (schedules, rates, momentum, seeds, concurrency, NaN)');
  const vocab = Vocabulary.fromWords(words);
  const small = { vocab, embedDim: 4, hidden: [8], backend: 'js' as const };
  for (const bad of [-1, 0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    const mlp = await MLP.create(small);
    tally.check(`schedule returns ${bad}`, await refuses(() => train(mlp, { data: { train: words }, steps: 5, batchSize: 8, lr: (i) => (i === 2 ? bad : 0.1) })));
  }
  for (const bad of [-1e-9, -1, Number.NaN]) {
    const mlp = await MLP.create(small);
    tally.check(`trainStep lr ${bad}`, await refuses(() => mlp.trainStep(new Int32Array(6), Int32Array.from([1, 2]), bad)));
  }
  for (const momentum of [null, [], ' ', '0.5', {}, true, Number.NaN, -0.5, 2]) {
    tally.check(`momentum ${JSON.stringify(momentum)}`, await refuses(() => MLP.create({ ...small, momentum: momentum as number })));
  }
  for (const seed of [-1, 2 ** 32, 2 ** 40, 0.5, Number.NaN, '7']) {
    const mlp = await MLP.create(small);
    tally.check(`seed ${String(seed)}: MLP.create`, await refuses(() => MLP.create({ ...small, seed: seed as number })));
    tally.check(`seed ${String(seed)}: NeuralBigram.create`, await refuses(() => NeuralBigram.create({ vocab, seed: seed as number, backend: 'js' })));
    tally.check(`seed ${String(seed)}: train`, await refuses(() => train(mlp, { data: { train: words }, steps: 1, batchSize: 8, seed: seed as number })));
    tally.check(`seed ${String(seed)}: sample`, await refuses(() => mlp.sample({ seed: seed as number })));
    tally.check(`seed ${String(seed)}: splitWords`, await refuses(() => splitWords(words, { seed: seed as number })));
  }
  const mlp = await MLP.create(small);
  const first = train(mlp, { data: { train: words }, steps: 300, batchSize: 8, yieldEveryMs: 0 });
  tally.check('two concurrent train() calls', await refuses(() => train(mlp, { data: { train: words }, steps: 5, batchSize: 8 })));
  await first;
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    const values = Array.from(mlp.tensor('output.bias'));
    values[0] = bad;
    tally.check(`setTensor ${bad}`, await refuses(() => mlp.setTensor('output.bias', values)));
  }
  return tally;
}

async function disposeCases(words: string[]): Promise<Tally> {
  const tally = new Tally('dispose: 1,000 models created and dropped on one backend (arena < 2× one model)');
  const vocab = Vocabulary.fromWords(words);
  for (const name of ['js', 'wasm'] as const) {
    const backend = await createBackend(name);
    const base = backend.arena.bytesUsed;
    for (const kind of ['mlp', 'bigram'] as const) {
      let one = 0;
      let peak = 0;
      for (let i = 0; i < 1000; i++) {
        const model = kind === 'mlp'
          ? await MLP.create({ vocab, embedDim: 8, hidden: [64], seed: i, backend })
          : await NeuralBigram.create({ vocab, seed: i, backend });
        if (model instanceof MLP) await train(model, { data: { train: words }, steps: 1, batchSize: 16 });
        else { model.setData(words); model.step(10); }
        const used = backend.arena.bytesUsed - base;
        if (i === 0) one = used;
        peak = Math.max(peak, used);
        model.dispose();
      }
      tally.check(`${kind} on ${name}`, peak < 2 * one && backend.arena.bytesUsed - base < one, `one ${one} B, peak ${peak} B`);
    }
  }
  return tally;
}

/** Library validation and dispose cases. */
export async function libraryCases(words: string[]): Promise<Tally[]> {
  return [await validationCases(words), await disposeCases(words)];
}
