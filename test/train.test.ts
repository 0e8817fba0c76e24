import { describe, expect, it } from 'vitest';
import { buildContexts } from '../src/data/contexts.ts';
import { defaultNames } from '../src/data/default-names.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { splitWords } from '../src/data/words.ts';
import { NeuralBigram } from '../src/models/bigram.ts';
import { MLP } from '../src/models/mlp.ts';
import { NGramModel } from '../src/models/ngram.ts';
import { Rng } from '../src/rng.ts';
import { train, TrainingDivergedError, type TrainProgress } from '../src/train.ts';

const words = new Rng(1).shuffle(defaultNames()).slice(0, 1500);
const vocab = Vocabulary.fromWords(defaultNames());
const split = splitWords(words, { seed: 1 });

function mlp(seed = 42): Promise<MLP> {
  return MLP.create({ vocab, backend: 'js', hidden: [32], embedDim: 4, seed });
}

describe('train', () => {
  it('records history every evalEvery steps, reports progress every progressEvery steps and learns', async () => {
    const model = await mlp();
    const start = model.nll(split.dev);
    const reports: TrainProgress[] = [];
    const lrs: number[] = [];
    const result = await train(model, {
      data: split, steps: 250, batchSize: 16, evalEvery: 100, progressEvery: 50,
      lr: (i) => (lrs.push(i), i < 200 ? 0.2 : 0.05),
      onProgress: (p) => reports.push(p),
    });
    expect(result.steps).toBe(250);
    expect(result.stopped).toBe(false);
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.history.map((h) => h.step)).toEqual([100, 200, 250]);
    expect(reports.map((r) => r.step)).toEqual([50, 100, 150, 200, 250]);
    expect(reports.map((r) => r.devLoss === undefined)).toEqual([true, false, true, false, false]);
    expect(reports.map((r) => r.lr)).toEqual([0.2, 0.2, 0.2, 0.2, 0.05]);
    expect(lrs).toEqual(Array.from({ length: 250 }, (_, i) => i)); // the schedule sees 0-based step indices
    for (const r of reports) {
      expect(r.steps).toBe(250);
      expect(r.stepsPerSecond).toBeGreaterThan(0);
    }
    const last = result.history[2]!;
    expect(last.devLoss).toBeCloseTo(model.nll(split.dev), 12); // dev loss is the eval-mode NLL
    expect(last.devLoss!).toBeLessThan(start - 0.3);
    expect(model.training).toBe(false); // left in eval mode
  });

  it('is deterministic in its seed, and takes contexts as well as words', async () => {
    const a = await mlp(), b = await mlp(), c = await mlp();
    const ra = await train(a, { data: split, steps: 60, seed: 3 });
    const rb = await train(b, {
      data: { train: buildContexts(split.train, vocab, 3), dev: buildContexts(split.dev, vocab, 3) }, steps: 60, seed: 3,
    });
    const rc = await train(c, { data: split, steps: 60, seed: 4 });
    expect(rb.history).toEqual(ra.history);
    expect(b.stateVector()).toEqual(a.stateVector());
    expect(c.stateVector()).not.toEqual(a.stateVector());
    expect(rc.history).not.toEqual(ra.history);
  });

  it('resumes exactly when the same Rng is passed on: 25 + 35 steps equal 60 in one go', async () => {
    const whole = await mlp(), split2 = await mlp();
    await train(whole, { data: split, steps: 60, seed: 7, evalEvery: 60 });
    const rng = new Rng(7);
    await train(split2, { data: split, steps: 25, seed: rng, evalEvery: 25 });
    expect(split2.stateVector()).not.toEqual(whole.stateVector());
    await train(split2, { data: split, steps: 35, seed: rng, evalEvery: 35 });
    expect(split2.stateVector()).toEqual(whole.stateVector());
  });

  it('a running mean of minibatch losses: trainLoss is the mean of the steps since the last point', async () => {
    // replay the same batches by hand: same seed, same sampling order (rng.int over the training examples)
    const a = await mlp(), b = await mlp();
    const result = await train(a, { data: { train: split.train }, steps: 20, evalEvery: 10, batchSize: 8, seed: 9, lr: 0.1 });
    const c = buildContexts(split.train, vocab, 3);
    const rng = new Rng(9);
    const losses: number[] = [];
    for (let s = 0; s < 20; s++) {
      const X = new Int32Array(24), Y = new Int32Array(8);
      for (let i = 0; i < 8; i++) {
        const r = rng.int(c.count);
        X.set(c.X.subarray(r * 3, r * 3 + 3), i * 3);
        Y[i] = c.Y[r]!;
      }
      losses.push(b.trainStep(X, Y, 0.1));
    }
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(result.history).toEqual([
      { step: 10, trainLoss: mean(losses.slice(0, 10)) },
      { step: 20, trainLoss: mean(losses.slice(10)) },
    ]);
  });

  it('stops early when the signal is aborted', async () => {
    const model = await mlp();
    const before = new AbortController();
    before.abort();
    const r0 = await train(model, { data: split, steps: 100, signal: before.signal });
    expect(r0).toMatchObject({ steps: 0, stopped: true, history: [] });

    const ac = new AbortController();
    const r = await train(model, {
      data: split, steps: 1000, progressEvery: 1, evalEvery: 1000, signal: ac.signal,
      onProgress: (p) => { if (p.step === 5) ac.abort(); },
    });
    expect(r.stopped).toBe(true);
    expect(r.steps).toBe(5);
    expect(r.history.map((h) => h.step)).toEqual([5]);
  });

  it('stops with an error naming the step when the loss diverges, keeping the last finite parameters', async () => {
    const model = await mlp();
    const twin = await mlp();
    const lr = (i: number): number => (i < 10 ? 0.1 : 1e38);
    let error: unknown;
    try {
      await train(model, { data: split, steps: 100, lr, seed: 5 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TrainingDivergedError);
    const err = error as TrainingDivergedError;
    expect(err.message).toMatch(new RegExp(`loss became (NaN|-?Infinity) at step ${err.step} .*lower learning rate`));
    expect(err.step).toBeGreaterThan(10);
    expect(err.result.steps).toBe(err.step - 1);
    // the parameters are those before the update that broke them: what the same run had after step err.step - 2
    await train(twin, { data: split, steps: err.step - 2, lr, seed: 5 });
    for (const { name, parameter } of model.tensorNames()) {
      const t = model.tensor(name);
      expect(t.every(Number.isFinite), name).toBe(true);
      if (parameter) expect(t, name).toEqual(twin.tensor(name));
    }
  });

  it('trains the neural bigram full-batch', async () => {
    const model = await NeuralBigram.create({ vocab, backend: 'js', seed: 1 });
    const reports: TrainProgress[] = [];
    const r = await train(model, {
      data: split, steps: 100, lr: 50, batchSize: 1e9, evalEvery: 25, onProgress: (p) => reports.push(p),
    });
    expect(r.history.map((h) => h.step)).toEqual([25, 50, 75, 100]);
    const dev = r.history.map((h) => h.devLoss!);
    for (let i = 1; i < dev.length; i++) expect(dev[i]!).toBeLessThan(dev[i - 1]!);
    expect(dev[3]).toBeCloseTo(model.nll(split.dev), 12);
    // the full-batch loss is what the model's own step computes: replay it
    const twin = await NeuralBigram.create({ vocab, backend: 'js', seed: 1 });
    const losses = twin.trainFullBatch(split.train, { steps: 25, lr: 50 });
    expect(r.history[0]!.trainLoss).toBeCloseTo(losses.reduce((s, x) => s + x, 0) / 25, 10);
  });

  it('rejects bad options with errors naming the value', async () => {
    const model = await mlp();
    const few = ['ab', 'ba'];
    await expect(train(model, { data: { train: few }, steps: 10, batchSize: 32 })).rejects.toThrow(/batchSize 32 is larger than the 6 training examples/);
    await expect(train(model, { data: { train: [] }, steps: 10 })).rejects.toThrow(/data\.train is an empty word list/);
    await expect(train(model, { data: split, steps: -1 })).rejects.toThrow(/steps must be an integer >= 0, got -1/);
    await expect(train(model, { data: split, steps: 5, batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer, got 0/);
    await expect(train(model, { data: split, steps: 5, lr: -1 })).rejects.toThrow(/lr must be .* got -1/);
    await expect(train(model, { data: split, steps: 5, lr: () => Number.NaN })).rejects.toThrow(/schedule returned NaN for step index 0/);
    await expect(train(model, { data: split, steps: 5, evalEvery: 0 })).rejects.toThrow(/evalEvery must be a positive integer, got 0/);
    await expect(train(model, { data: { train: ['ab1'] }, steps: 5, batchSize: 2 })).rejects.toThrow(/character "1" .* word "ab1"/);
    await expect(train(model, { data: { train: buildContexts(few, vocab, 2) }, steps: 5, batchSize: 2 })).rejects.toThrow(/blockSize 2, the model 3/);
    const ngram = NGramModel.fit(few);
    await expect(train(ngram as never, { data: split, steps: 5 })).rejects.toThrow(/NGramModel is fit by counting/);
    const bigram = await NeuralBigram.create({ vocab, backend: 'js' });
    await expect(train(bigram, { data: split, steps: 5, weightDecay: 0.1 })).rejects.toThrow(/weightDecay 0\.1 does not apply/);
  });
});
