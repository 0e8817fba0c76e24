import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createJsBackend } from '../src/backend/index.ts';
import { buildContexts } from '../src/data/contexts.ts';
import { defaultNames } from '../src/data/default-names.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { MLP, type MLPConfig } from '../src/models/mlp.ts';
import { Rng } from '../src/rng.ts';

const hasWasm = existsSync(new URL('../build/kernels.wasm', import.meta.url));
const backends = hasWasm ? (['js', 'wasm'] as const) : (['js'] as const);

/** Words over a 5-letter alphabet: small vocabulary, every letter used. */
function tinyWords(count: number, seed: number): string[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    let w = '';
    const n = 1 + rng.int(6);
    for (let i = 0; i < n; i++) w += 'abcde'[rng.int(5)];
    return w;
  });
}

type Tensors = Record<string, Float64Array>;

function tensorsOf(model: MLP): Tensors {
  const out: Tensors = {};
  for (const { name } of model.tensorNames()) out[name] = Float64Array.from(model.tensor(name));
  return out;
}

/**
 * The model written out naively in float64 from its definition: embedding lookup and concatenation, then per hidden
 * layer x·W (+ b), BatchNorm (batch statistics with biased variance in training mode, running buffers in eval mode,
 * ε = 1e-5), tanh; output x·W + b; mean cross-entropy. Returns the loss and the logits.
 */
function naiveForward(p: Tensors, cfg: MLPConfig, V: number, X: Int32Array, Y: Int32Array, training: boolean): { loss: number; logits: number[][] } {
  const { blockSize: T, embedDim: D, hidden, batchNorm } = cfg;
  const B = Y.length;
  let x: number[][] = [];
  for (let b = 0; b < B; b++) {
    const row: number[] = [];
    for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) row.push(p.embedding![X[b * T + t]! * D + d]!);
    x.push(row);
  }
  const linear = (x: number[][], W: Float64Array, bias: Float64Array | undefined, out: number): number[][] =>
    x.map((row) => {
      const y = new Array<number>(out).fill(0);
      for (let j = 0; j < out; j++) {
        let s = bias ? bias[j]! : 0;
        for (let i = 0; i < row.length; i++) s += row[i]! * W[i * out + j]!;
        y[j] = s;
      }
      return y;
    });
  hidden.forEach((h, l) => {
    let z = linear(x, p[`hidden.${l}.weight`]!, batchNorm ? undefined : p[`hidden.${l}.bias`], h);
    if (batchNorm) {
      const gain = p[`hidden.${l}.bn.gain`]!, beta = p[`hidden.${l}.bn.bias`]!;
      const mean = new Array<number>(h).fill(0), vari = new Array<number>(h).fill(0);
      if (training) {
        for (const r of z) r.forEach((v, j) => (mean[j]! += v / B));
        for (const r of z) r.forEach((v, j) => (vari[j]! += (v - mean[j]!) ** 2 / B));
      } else {
        for (let j = 0; j < h; j++) {
          mean[j] = p[`hidden.${l}.bn.runningMean`]![j]!;
          vari[j] = p[`hidden.${l}.bn.runningVar`]![j]!;
        }
      }
      z = z.map((r) => r.map((v, j) => (gain[j]! * (v - mean[j]!)) / Math.sqrt(vari[j]! + 1e-5) + beta[j]!));
    }
    x = z.map((r) => r.map(Math.tanh));
  });
  const logits = linear(x, p['output.weight']!, p['output.bias'], V);
  let loss = 0;
  logits.forEach((r, b) => {
    const max = Math.max(...r);
    const lse = max + Math.log(r.reduce((s, v) => s + Math.exp(v - max), 0));
    loss += (lse - r[Y[b]!]!) / B;
  });
  return { loss, logits };
}

function batchOf(words: string[], vocab: Vocabulary, T: number, B: number, seed: number): { X: Int32Array; Y: Int32Array } {
  const c = buildContexts(words, vocab, T);
  const rng = new Rng(seed);
  const X = new Int32Array(B * T), Y = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const r = rng.int(c.count);
    X.set(c.X.subarray(r * T, r * T + T), b * T);
    Y[b] = c.Y[r]!;
  }
  return { X, Y };
}

const words = tinyWords(300, 1);
const vocab = Vocabulary.fromWords(words);
const small = { vocab, blockSize: 2, embedDim: 3, hidden: [5, 4] };

describe.each(backends)('MLP on the %s backend', (backend) => {
  it.each([true, false])('matches a naive float64 forward and its finite-difference gradient (batchNorm %s)', async (batchNorm) => {
    const model = await MLP.create({ ...small, batchNorm, backend, seed: 4 });
    // a few steps first, so BatchNorm's gain/bias and the running statistics are not at their initial values
    for (let s = 0; s < 20; s++) {
      const { X, Y } = batchOf(words, vocab, 2, 16, 100 + s);
      model.trainStep(X, Y, 0.3);
    }
    const { X, Y } = batchOf(words, vocab, 2, 16, 7);
    const p = tensorsOf(model);
    const ref = naiveForward(p, model.config as MLPConfig, vocab.size, X, Y, true);
    const loss = model.trainStep(X, Y, 0); // lr 0: computes the gradient, leaves the parameters unchanged
    expect(Math.abs(loss - ref.loss)).toBeLessThan(2e-6 * ref.loss);
    for (const { name, parameter } of model.tensorNames()) {
      if (!parameter) continue;
      const g = model.gradient(name);
      const t = p[name]!;
      const h = 1e-6;
      let scale = 1e-3;
      const fd = new Float64Array(t.length);
      for (let i = 0; i < t.length; i++) {
        const keep = t[i]!;
        t[i] = keep + h;
        const up = naiveForward(p, model.config as MLPConfig, vocab.size, X, Y, true).loss;
        t[i] = keep - h;
        const down = naiveForward(p, model.config as MLPConfig, vocab.size, X, Y, true).loss;
        t[i] = keep;
        fd[i] = (up - down) / (2 * h);
        scale = Math.max(scale, Math.abs(fd[i]!));
      }
      for (let i = 0; i < t.length; i++) {
        expect(Math.abs(g[i]! - fd[i]!), `${name}[${i}]: ${g[i]} vs finite difference ${fd[i]}`).toBeLessThan(1e-4 * scale);
      }
    }
  });

  it('agrees with a finite difference of its own loss along a random direction (float32)', async () => {
    const model = await MLP.create({ ...small, backend, seed: 9 });
    const { X, Y } = batchOf(words, vocab, 2, 32, 3);
    model.trainStep(X, Y, 0);
    const rng = new Rng(2);
    const names = model.tensorNames().filter((t) => t.parameter).map((t) => t.name);
    const base = Object.fromEntries(names.map((n) => [n, model.tensor(n)]));
    const dir = Object.fromEntries(names.map((n) => [n, Float64Array.from(base[n]!, () => rng.normal())]));
    let analytic = 0;
    for (const n of names) model.gradient(n).forEach((g, i) => (analytic += g * dir[n]![i]!));
    const lossAt = (eps: number): number => {
      for (const n of names) model.setTensor(n, base[n]!.map((v, i) => v + eps * dir[n]![i]!));
      return model.trainStep(X, Y, 0);
    };
    const eps = 1e-3;
    const numeric = (lossAt(eps) - lossAt(-eps)) / (2 * eps);
    expect(Math.abs(numeric - analytic)).toBeLessThan(0.01 * Math.abs(analytic) + 1e-4);
  });

  it('updates the running statistics with momentum and the unbiased variance, and evaluates with them', async () => {
    const model = await MLP.create({ ...small, backend, momentum: 0.25, seed: 1 });
    const { X, Y } = batchOf(words, vocab, 2, 10, 5);
    const p = tensorsOf(model);
    // the first layer's pre-activations of the batch, naively
    const T = 2, D = 3, h = 5, B = 10;
    const W = p['hidden.0.weight']!;
    const pre = Array.from({ length: B }, (_, b) => Array.from({ length: h }, (_, j) => {
      let s = 0;
      for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) s += p.embedding![X[b * T + t]! * D + d]! * W[(t * D + d) * h + j]!;
      return s;
    }));
    model.trainStep(X, Y, 0);
    const rm = model.tensor('hidden.0.bn.runningMean'), rv = model.tensor('hidden.0.bn.runningVar');
    for (let j = 0; j < h; j++) {
      const mean = pre.reduce((s, r) => s + r[j]!, 0) / B;
      const unbiased = pre.reduce((s, r) => s + (r[j]! - mean) ** 2, 0) / (B - 1);
      expect(rm[j]).toBeCloseTo(0.25 * mean, 5);
      expect(rv[j]).toBeCloseTo(0.75 * 1 + 0.25 * unbiased, 5);
    }
    model.eval();
    const ref = naiveForward(tensorsOf(model), model.config as MLPConfig, vocab.size, X, Y, false);
    expect(Math.abs(model.evaluate(X, Y) - ref.loss)).toBeLessThan(1e-5);
    const logits = model.logits(X);
    ref.logits.flat().forEach((v, i) => expect(Math.abs(logits[i]! - v)).toBeLessThan(1e-5));
  });

  it('switches between train and eval mode: eval rows are independent, trainStep refuses to run', async () => {
    const model = await MLP.create({ ...small, backend, seed: 2 });
    const { X, Y } = batchOf(words, vocab, 2, 20, 1);
    for (let i = 0; i < 5; i++) model.trainStep(X, Y, 0.1);
    expect(model.training).toBe(true);
    expect(model.eval()).toBe(model);
    expect(model.training).toBe(false);
    const all = model.logits(X);
    const V = vocab.size;
    for (const b of [0, 7, 19]) {
      const one = model.logits(X.slice(b * 2, b * 2 + 2));
      expect(one).toEqual(all.slice(b * V, (b + 1) * V));
    }
    expect(() => model.trainStep(X, Y, 0.1)).toThrow(/eval mode; call model\.train\(\) first/);
    // training-mode losses use batch statistics, so they differ from the eval-mode loss of the same batch
    const evalLoss = model.evaluate(X, Y);
    model.train();
    expect(model.trainStep(X, Y, 0)).not.toBeCloseTo(evalLoss, 6);
  });

  it('starts near ln V, learns, and is deterministic in its seed', async () => {
    const names = new Rng(3).shuffle(defaultNames()).slice(0, 1000);
    const v = Vocabulary.fromWords(names);
    const a = await MLP.create({ vocab: v, backend, hidden: [32], seed: 11 });
    const b = await MLP.create({ vocab: v, backend, hidden: [32], seed: 11 });
    const c = await MLP.create({ vocab: v, backend, hidden: [32], seed: 12 });
    expect(a.stateVector()).toEqual(b.stateVector());
    expect(a.stateVector()).not.toEqual(c.stateVector());
    expect(Math.abs(a.nll(names) - Math.log(v.size))).toBeLessThan(0.05);
    const before = a.nll(names);
    for (let s = 0; s < 200; s++) {
      const { X, Y } = batchOf(names, v, 3, 32, s);
      const la = a.trainStep(X, Y, 0.1);
      expect(b.trainStep(X, Y, 0.1)).toBe(la);
    }
    expect(a.stateVector()).toEqual(b.stateVector());
    expect(a.nll(names)).toBeLessThan(before - 0.3);
  }, 30_000);

  it('round-trips through JSON: identical tensors, losses and samples', async () => {
    const model = await MLP.create({ ...small, backend, seed: 3 });
    for (let s = 0; s < 10; s++) {
      const { X, Y } = batchOf(words, vocab, 2, 16, s);
      model.trainStep(X, Y, 0.2);
    }
    model.eval();
    const back = await MLP.fromJSON(JSON.parse(JSON.stringify(model.toJSON())), { backend });
    expect(back.config).toEqual(model.config);
    expect(back.training).toBe(false);
    expect(back.stateVector()).toEqual(model.stateVector());
    expect(back.nll(words)).toBe(model.nll(words));
    expect(back.sample({ count: 10, seed: 4 })).toEqual(model.sample({ count: 10, seed: 4 }));
  });

  it('samples in eval mode, deterministically, with prefix and maxLength, without touching the state', async () => {
    const model = await MLP.create({ ...small, backend, seed: 3 });
    const state = model.stateVector();
    const s = model.sample({ count: 30, seed: 1 });
    expect(s).toEqual(model.sample({ count: 30, seed: 1 }));
    expect(s).not.toEqual(model.sample({ count: 30, seed: 2 }));
    for (const w of model.sample({ count: 30, prefix: 'ab', maxLength: 4 })) {
      expect(w.startsWith('ab')).toBe(true);
      expect([...w].length).toBeLessThanOrEqual(4);
    }
    expect(model.stateVector()).toEqual(state);
  });
});

describe('MLP', () => {
  it('counts parameters as in the lecture (12,097 for the part-3 configuration)', async () => {
    const v = Vocabulary.fromChars([...'abcdefghijklmnopqrstuvwxyz']);
    const model = await MLP.create({ vocab: v, backend: 'js' });
    expect(model.parameterCount).toBe(27 * 10 + 30 * 200 + 200 + 200 + 200 * 27 + 27);
    expect(model.parameterCount).toBe(12097);
    const noBn = await MLP.create({ vocab: v, backend: 'js', batchNorm: false, hidden: [100, 50] });
    expect(noBn.parameterCount).toBe(270 + 30 * 100 + 100 + 100 * 50 + 50 + 50 * 27 + 27);
    expect(model.embedding()).toEqual(model.tensor('embedding'));
    expect(model.embedding().length).toBe(27 * 10);
  });

  it('allocates its workspace once per batch size: a training step allocates nothing', async () => {
    const be = createJsBackend();
    const model = await MLP.create({ ...small, backend: be });
    const { X, Y } = batchOf(words, vocab, 2, 16, 1);
    model.trainStep(X, Y, 0.1);
    const used = be.arena.bytesUsed, mark = be.arena.mark(), buffer = be.arena.memory.buffer;
    for (let i = 0; i < 20; i++) model.trainStep(X, Y, 0.1);
    model.evaluate(X, Y);
    expect(be.arena.bytesUsed).toBe(used);
    expect(be.arena.mark()).toBe(mark);
    expect(be.arena.memory.buffer).toBe(buffer);
    // a new batch size replaces the workspace (freed, since nothing was allocated after it)
    const b2 = batchOf(words, vocab, 2, 8, 2);
    model.trainStep(b2.X, b2.Y, 0.1);
    expect(be.arena.bytesUsed).toBeLessThan(used);
  });

  it('trains on a batch written in place into its arena buffers exactly as trainStep does, views surviving growth', async () => {
    const be = createJsBackend();
    const a = await MLP.create({ ...small, backend: be });
    const b = await MLP.create({ ...small, backend: createJsBackend() });
    a.setBatchSize(16);
    const before = be.arena.memory.buffer;
    for (let s = 0; s < 5; s++) {
      const { X, Y } = batchOf(words, vocab, 2, 16, s);
      const views = a.batchBuffers();
      views.X.set(X);
      views.Y.set(Y);
      expect(a.trainBatch(0.1)).toBe(b.trainStep(X, Y, 0.1));
      be.arena.allocF32(20_000, 'grow the memory'); // detaches every view over the old buffer
    }
    expect(be.arena.memory.buffer).not.toBe(before);
    expect(a.stateVector()).toEqual(b.stateVector());
    const views = a.batchBuffers();
    expect(views.Y.length).toBe(16);
    views.Y[3] = vocab.size; // an id past the vocabulary, written straight into the arena
    expect(() => a.trainBatch(0.1)).toThrow(`Y[3] = ${vocab.size}`);
  });

  it.skipIf(!hasWasm)('wasm and JS backends agree within 1e-4 on the loss over 100 steps', async () => {
    const names = new Rng(5).shuffle(defaultNames()).slice(0, 1000);
    const v = Vocabulary.fromWords(names);
    const js = await MLP.create({ vocab: v, backend: 'js', hidden: [50, 50] });
    const wasm = await MLP.create({ vocab: v, backend: 'wasm', hidden: [50, 50] });
    expect(wasm.stateVector()).toEqual(js.stateVector());
    for (let s = 0; s < 100; s++) {
      const { X, Y } = batchOf(names, v, 3, 32, s);
      expect(Math.abs(wasm.trainStep(X, Y, 0.1) - js.trainStep(X, Y, 0.1))).toBeLessThan(1e-4);
    }
    const dev = new Rng(6).shuffle(defaultNames()).slice(0, 300);
    expect(Math.abs(wasm.nll(dev) - js.nll(dev))).toBeLessThan(1e-4);
  });

  it('throws clear errors on bad input', async () => {
    await expect(MLP.create({ ...small, hidden: [5, 0], backend: 'js' })).rejects.toThrow(/hidden\[1\] must be a positive integer, got 0/);
    await expect(MLP.create({ ...small, blockSize: 0, backend: 'js' })).rejects.toThrow(/blockSize must be a positive integer, got 0/);
    await expect(MLP.create({ ...small, embedDim: 2.5, backend: 'js' })).rejects.toThrow(/embedDim .* got 2\.5/);
    await expect(MLP.create({ ...small, momentum: 2, backend: 'js' })).rejects.toThrow(/momentum must be in \[0, 1\], got 2/);
    await expect(MLP.create({ ...small, backend: 'cuda' as never })).rejects.toThrow(/unknown backend "cuda"/);
    await expect(MLP.create({ vocab: undefined as never })).rejects.toThrow(/vocab must be a Vocabulary/);
    const model = await MLP.create({ ...small, backend: 'js' });
    expect(() => model.nll(['abz'])).toThrow(/character "z" .* in word "abz"/);
    expect(() => model.nll([])).toThrow(/empty list/);
    const { X, Y } = batchOf(words, vocab, 2, 4, 1);
    expect(() => model.trainStep(X.slice(0, 2), Y.slice(0, 1), 0.1)).toThrow(/at least 2 with BatchNorm.*got 1/);
    expect(() => model.trainStep(X.slice(1), Y, 0.1)).toThrow(/X must hold 4×2 = 8 ids .* got 7/);
    expect(() => model.trainStep(X, Int32Array.from([0, 1, 2, 99]), 0.1)).toThrow(/Y\[3\] = 99 is not a character id in \[0, 6\)/);
    expect(() => model.trainStep(X, Y, Number.NaN)).toThrow(/lr must be a finite number, got NaN/);
    expect(() => model.tensor('nope')).toThrow(/no tensor named "nope"/);
    const state = model.toJSON();
    state.tensors['output.bias'] = { shape: [7], data: state.tensors['output.bias']!.data };
    await expect(MLP.fromJSON(state, { backend: 'js' })).rejects.toThrow(/'output\.bias' has shape \[7\], expected \[6\]/);
  });
});
