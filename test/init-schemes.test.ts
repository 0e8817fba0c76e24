/**
 * Initialization schemes: the first loss of each row of the lecture's loss log against ln V (a number from the
 * vocabulary alone), the schemes' weight scales against their formulas, and the refusal of symmetric starts.
 */
import { describe, expect, it } from 'vitest';
import { buildContexts } from '../src/data/contexts.ts';
import { defaultNames } from '../src/data/default-names.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { MLP, type MLPOptions } from '../src/models/mlp.ts';
import { calculateGain } from '../src/nn/index.ts';

const words = defaultNames();
const vocab = Vocabulary.fromWords(words);
const lnV = Math.log(vocab.size);
const data = buildContexts(words, vocab, 3);

/** The training-mode loss of the untouched model on 4,000 examples (the loss before the first update). */
async function firstLoss(o: Omit<MLPOptions, 'vocab'>): Promise<number> {
  const model = await MLP.create({ vocab, backend: 'wasm', seed: 7, ...o });
  const n = 4000, stride = Math.floor(data.count / n);
  const X = new Int32Array(n * 3), Y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    X.set(data.X.subarray(i * stride * 3, i * stride * 3 + 3), i * 3);
    Y[i] = data.Y[i * stride]!;
  }
  return model.trainStep(X, Y, 1e-12);
}

const std = (x: Float32Array) => {
  const m = x.reduce((s, v) => s + v, 0) / x.length;
  return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length);
};

describe('initial loss of each row of the lecture loss log', () => {
  it(`naive (every weight and bias N(0, 1)): far above ln V = ${lnV.toFixed(4)}`, async () => {
    expect(await firstLoss({ init: 'naive', batchNorm: false })).toBeGreaterThan(15);
  });

  it.each([
    ['fix softmax: output ×0.01', { init: 'naive', batchNorm: false, outputScale: 0.01 }],
    ['fix tanh: hidden ×0.2', { init: 'naive', batchNorm: false, outputScale: 0.01, hiddenScale: 0.2 }],
    ['kaiming', { init: 'kaiming', batchNorm: false, outputScale: 0.01 }],
    ['add BatchNorm', { init: 'kaiming', batchNorm: true, outputScale: 0.01 }],
    ['lecture (the default)', {}],
    ['xavier, output ×0.01', { init: 'xavier', outputScale: 0.01 }],
  ] as const)('%s: within 0.1 of ln V', async (_, o) => {
    const loss = await firstLoss(o as Omit<MLPOptions, 'vocab'>);
    expect(Math.abs(loss - lnV), `loss ${loss}`).toBeLessThan(0.1);
  });
});

describe('scheme weight scales', () => {
  it('calculateGain is torch’s: tanh 5/3, relu √2, linear and sigmoid 1', () => {
    expect([calculateGain('tanh'), calculateGain('relu'), calculateGain('linear'), calculateGain('sigmoid')]).toEqual([5 / 3, Math.SQRT2, 1, 1]);
    expect(() => calculateGain('gelu' as never)).toThrow(/unknown nonlinearity "gelu"/);
  });

  it('kaiming: std gain/√fanIn; xavier: uniform within ±gain·√(6/(in+out)) with std a/√3; naive: N(0, 1) biases', async () => {
    const H = 300, fanIn = 30;
    const k = await MLP.create({ vocab, init: 'kaiming', hidden: [H], batchNorm: false, backend: 'js' });
    expect(std(k.tensor('hidden.0.weight')) / ((5 / 3) / Math.sqrt(fanIn))).toBeCloseTo(1, 1);
    expect(std(k.tensor('output.weight')) / (1 / Math.sqrt(H))).toBeCloseTo(1, 1);
    expect(k.tensor('hidden.0.bias').every((v) => v === 0)).toBe(true);
    const x = await MLP.create({ vocab, init: 'xavier', hidden: [H], backend: 'js' });
    const a = (5 / 3) * Math.sqrt(6 / (fanIn + H));
    const w = x.tensor('hidden.0.weight');
    expect(w.every((v) => Math.abs(v) <= a)).toBe(true);
    expect(std(w) / (a / Math.sqrt(3))).toBeCloseTo(1, 1);
    const n = await MLP.create({ vocab, init: 'naive', hidden: [H], batchNorm: false, backend: 'js' });
    expect(std(n.tensor('hidden.0.bias'))).toBeCloseTo(1, 0);
    expect(std(n.tensor('output.weight'))).toBeCloseTo(1, 1);
  });

  it('the lecture default keeps its recorded numbers: hidden std (5/3)/√fanIn, output 0.1/√fanIn', async () => {
    const m = await MLP.create({ vocab, hidden: [300], backend: 'js' });
    expect(std(m.tensor('hidden.0.weight')) / ((5 / 3) / Math.sqrt(30))).toBeCloseTo(1, 1);
    expect(std(m.tensor('output.weight')) / (0.1 / Math.sqrt(300))).toBeCloseTo(1, 1);
  });

  it('an unknown scheme or a negative scale is refused, naming the value', async () => {
    await expect(MLP.create({ vocab, init: 'he' as never })).rejects.toThrow(/init must be one of lecture, kaiming, xavier, naive, got "he"/);
    await expect(MLP.create({ vocab, outputScale: -1 })).rejects.toThrow(/outputScale must be a finite number >= 0.*got -1/);
  });
});

describe('symmetric starts', () => {
  it('a zero hidden layer is refused with an explanation of symmetry', async () => {
    await expect(MLP.create({ vocab, hiddenScale: 0 })).rejects.toThrow(/'hidden.0.weight'.*starts equal to 0.*stay identical.*allowSymmetric/);
  });

  it('allowed, the hidden units stay identical through training, and the diagnostics show it', async () => {
    const model = await MLP.create({ vocab, hiddenScale: 0, outputScale: 0, allowSymmetric: true, batchNorm: false, hidden: [8], backend: 'js' });
    const B = 32;
    for (let s = 0; s < 20; s++) {
      const X = data.X.subarray(s * B * 3, (s + 1) * B * 3), Y = data.Y.subarray(s * B, (s + 1) * B);
      model.trainStep(X, Y, 0.1);
    }
    const W = model.tensor('hidden.0.weight'); // [30 × 8]: every column the same
    for (let r = 0; r < 30; r++) for (let j = 1; j < 8; j++) expect(W[r * 8 + j] === W[r * 8], `row ${r} column ${j}`).toBe(true);
    const d = model.diagnostics();
    const tanh = d.activations.find((a) => a.name === 'hidden.0.tanh')!;
    expect(tanh.output.std).toBe(0);
  });
});
