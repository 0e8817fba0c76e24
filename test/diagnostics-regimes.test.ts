/**
 * The lecture's deep diagnostic net (5 × [Linear 100 → BatchNorm → tanh], Linear → BatchNorm with gain ×0.1, SGD at
 * lr 0.1, batch 32) in its healthy regime at step 1,000, and the same depth without BatchNorm under `naive` init
 * saturating: the two regimes the diagnostics exist to tell apart. Trained on the embedded names (no external data).
 */
import { describe, expect, it } from 'vitest';
import { buildContexts } from '../src/data/contexts.ts';
import { defaultNames } from '../src/data/default-names.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { LayerModel } from '../src/models/layer-model.ts';
import { MLP } from '../src/models/mlp.ts';
import { BatchNorm1d, Embedding, FlattenConsecutive, Linear, Sequential, Tanh, linearInit, type Named } from '../src/nn/index.ts';
import { train } from '../src/train.ts';
import type { Diagnostics } from '../src/nn/index.ts';

const words = defaultNames();
const vocab = Vocabulary.fromWords(words);
const data = buildContexts(words, vocab, 3);

function deepNet(): Sequential {
  const list: Named[] = [['', new Embedding(vocab.size, 10, { name: 'embedding' })], ['', new FlattenConsecutive(3)]];
  for (let l = 0; l < 5; l++) {
    list.push([`hidden.${l}`, new Linear(100, { bias: false, ...linearInit('kaiming', 'hidden') })]);
    list.push([`hidden.${l}.bn`, new BatchNorm1d(0.1)]);
    list.push([`hidden.${l}.tanh`, new Tanh()]);
  }
  list.push(['output', new Linear(vocab.size, { bias: false, ...linearInit('kaiming', 'output') })]);
  list.push(['output.bn', new BatchNorm1d(0.1)]);
  return new Sequential(list);
}

describe('the lecture deep net: diagnostics tell the healthy regime from the saturated one', () => {
  // The activation figures are the lecture's (std 0.63–0.65, saturation 1.7–2.8%; we measure 0.63–0.66 and 1.7–3.8%
  // over seeds and corpora). The hidden weights' log10 update:data comes out at −2.35 to −2.65 (mean of steps
  // 910–1000; the reference corpus and the embedded names alike), a little above the −2.5 the issue asked: with
  // BatchNorm the ratio goes as lr/|W|², so it is set by the 5/3 gain and lr 0.1, and the statistic itself is checked
  // against float64 and against log10(lr·grad:data) in diagnostics.test.ts. The band asserted is [−3.5, −2.2].
  it('with BatchNorm at step 1,000: tanh std 0.55–0.75, saturation < 5%, hidden log10 update:data near −2.5', async () => {
    const model = await LayerModel.create({ vocab, blockSize: 3, layers: deepNet(), seed: 42, backend: 'wasm' });
    model.setTensor('output.bn.gain', new Float32Array(vocab.size).fill(0.1)); // the lecture's "less confident" last layer
    const late: Diagnostics[] = [];
    await train(model, {
      data: { train: data }, steps: 1000, batchSize: 32, lr: 0.1, optimizer: 'sgd', seed: 1,
      diagnosticsEvery: 10, onDiagnostics: (r) => { if (r.step > 900) late.push(r.diagnostics); },
    });
    const d = late.at(-1)!;
    expect(d.step).toBe(1000);
    const tanh = d.activations.filter((a) => a.layer === 'Tanh');
    expect(tanh).toHaveLength(5);
    for (const a of tanh) {
      expect(a.output.std, `${a.name} std`).toBeGreaterThanOrEqual(0.55);
      expect(a.output.std, `${a.name} std`).toBeLessThanOrEqual(0.75);
      expect(a.saturation!, `${a.name} saturation`).toBeLessThan(0.05);
    }
    const names = d.parameters.filter((p) => /^hidden\.\d\.weight$/.test(p.name)).map((p) => p.name);
    expect(names).toHaveLength(5);
    const update = names.map((n) => late.reduce((s, x) => s + x.parameters.find((p) => p.name === n)!.updateToData!, 0) / late.length);
    update.forEach((u, i) => {
      expect(u, `${names[i]} update:data`).toBeGreaterThanOrEqual(-3.5);
      expect(u, `${names[i]} update:data`).toBeLessThanOrEqual(-2.2);
    });
    console.log(JSON.stringify({
      tanh: tanh.map((a) => [a.name, +a.output.std.toFixed(3), +(100 * a.saturation!).toFixed(2)]),
      update: update.map((u, i) => [names[i], +u.toFixed(3)]),
    }));
  }, 60_000);

  it('without BatchNorm and with naive init: more than half of some tanh layer saturated', async () => {
    const model = await MLP.create({ vocab, hidden: [100, 100, 100, 100, 100], batchNorm: false, init: 'naive', backend: 'wasm' });
    model.trainStep(data.X.subarray(0, 96), data.Y.subarray(0, 32), 0.1);
    const sat = model.diagnostics().activations.filter((a) => a.layer === 'Tanh').map((a) => a.saturation!);
    expect(Math.max(...sat)).toBeGreaterThan(0.5);
    console.log(JSON.stringify({ naiveSaturation: sat.map((s) => +(100 * s).toFixed(1)) }));
  });
});
