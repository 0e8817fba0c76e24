/**
 * The WaveNet of part 5: its size (76,579 parameters for the lecture's defaults), the generic gradient checker on
 * both backends, a naive float64 forward whose BatchNorm reduces over the B·T rows of [B, T, C] activations (and a
 * check that the per-position statistics of the lecture's bug would be told apart), eval-mode outputs that do not
 * depend on the other rows of the batch, its errors, saving, and the wasm backend agreeing with the JS one.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../src/backend/index.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { BN_EPS } from '../src/nn/batchnorm.ts';
import { WaveNet, waveNetLevels, type WaveNetConfig } from '../src/models/wavenet.ts';
import { defaultSettings, MODEL_REGISTRY } from '../src/models/registry.ts';
import { modelFromJSON } from '../src/io/load-model.ts';
import { Rng } from '../src/rng.ts';
import { checkGradients, fillBatch } from './helpers/gradcheck.ts';

const hasWasm = existsSync(new URL('../build/kernels.wasm', import.meta.url));
const backends = hasWasm ? (['js', 'wasm'] as const) : (['js'] as const);
const vocab = Vocabulary.fromChars([...'abcdef']);
const V = vocab.size;

function randomBatch(B: number, T: number, seed: number): { X: Int32Array; Y: Int32Array } {
  const rng = new Rng(seed);
  return { X: Int32Array.from({ length: B * T }, () => rng.int(V)), Y: Int32Array.from({ length: B }, () => rng.int(V)) };
}

type Rows = number[][];
type Params = Record<string, Float64Array>;

function paramsOf(model: WaveNet): Params {
  const out: Params = {};
  for (const { name } of model.tensorNames()) out[name] = Float64Array.from(model.tensor(name));
  return out;
}

/** x·W (+ b) per row, W stored [in × out]. */
function linear(x: Rows, W: Float64Array, bias: Float64Array | undefined, out: number): Rows {
  return x.map((row) => Array.from({ length: out }, (_, j) => {
    let s = bias ? bias[j]! : 0;
    for (let i = 0; i < row.length; i++) s += row[i]! * W[i * out + j]!;
    return s;
  }));
}

/** Per-channel mean and biased variance over the given groups of rows (each group normalized on its own). */
function stats(rows: Rows): { mean: number[]; variance: number[] } {
  const C = rows[0]!.length;
  const mean = Array.from({ length: C }, (_, c) => rows.reduce((s, r) => s + r[c]!, 0) / rows.length);
  const variance = Array.from({ length: C }, (_, c) => rows.reduce((s, r) => s + (r[c]! - mean[c]!) ** 2, 0) / rows.length);
  return { mean, variance };
}

/**
 * The WaveNet written out naively in float64 from its definition: look up the embeddings ([B·T rows of C]), then per
 * level fuse `flatten` consecutive rows into one, x·W, BatchNorm, tanh; output x·W + b; mean cross-entropy.
 * BatchNorm in training mode uses batch statistics (biased variance) over `groupsOf(rows, T)` — all B·T rows by
 * default — and returns each level's mean and unbiased variance; in eval mode the model's running buffers.
 */
function naiveForward(
  p: Params, cfg: WaveNetConfig, X: Int32Array, Y: Int32Array, training: boolean,
  groupsOf: (rows: Rows, T: number) => number[][] = (rows) => [rows.map((_, i) => i)],
): { loss: number; logits: Rows; levels: { mean: number[]; unbiased: number[] }[] } {
  const { blockSize: T0, embedDim: D, flatten: n } = cfg;
  const B = Y.length;
  let x: Rows = [];
  for (let i = 0; i < B * T0; i++) x.push(Array.from(p.embedding!.subarray(X[i]! * D, X[i]! * D + D)));
  let T = T0;
  const levels: { mean: number[]; unbiased: number[] }[] = [];
  cfg.hidden.forEach((h, l) => {
    const fused: Rows = [];
    for (let r = 0; r < x.length; r += n) fused.push(x.slice(r, r + n).flat());
    T /= n;
    const z = linear(fused, p[`hidden.${l}.weight`]!, undefined, h);
    const gain = p[`hidden.${l}.bn.gain`]!, beta = p[`hidden.${l}.bn.bias`]!;
    const out: Rows = z.map((r) => r.slice());
    if (training) {
      for (const group of groupsOf(z, T)) {
        const { mean, variance } = stats(group.map((i) => z[i]!));
        const M = group.length;
        levels.push({ mean, unbiased: variance.map((v) => (v * M) / (M - 1)) });
        for (const i of group) for (let c = 0; c < h; c++) out[i]![c] = gain[c]! * (z[i]![c]! - mean[c]!) / Math.sqrt(variance[c]! + BN_EPS) + beta[c]!;
      }
    } else {
      const rm = p[`hidden.${l}.bn.runningMean`]!, rv = p[`hidden.${l}.bn.runningVar`]!;
      for (const r of out) for (let c = 0; c < h; c++) r[c] = gain[c]! * (r[c]! - rm[c]!) / Math.sqrt(rv[c]! + BN_EPS) + beta[c]!;
    }
    x = out.map((r) => r.map(Math.tanh));
  });
  const logits = linear(x, p['output.weight']!, p['output.bias']!, V);
  let loss = 0;
  logits.forEach((row, b) => {
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    loss += lse - row[Y[b]!]!;
  });
  return { loss: loss / B, logits, levels };
}

describe('WaveNet: size and names', () => {
  it('has 76,579 parameters with the lecture defaults on 27 characters', async () => {
    const model = await WaveNet.create({ vocab: Vocabulary.fromChars([...'abcdefghijklmnopqrstuvwxyz']), backend: 'js' });
    expect(model.config).toMatchObject({ blockSize: 8, embedDim: 24, hidden: [128, 128, 128], flatten: 2 });
    // counted from the definition: 27·24 + (48·128 + 2·128) + 2·(256·128 + 2·128) + (128·27 + 27)
    expect(model.parameterCount).toBe(27 * 24 + (48 * 128 + 256) + 2 * (256 * 128 + 256) + (128 * 27 + 27));
    expect(model.parameterCount).toBe(76_579);
    const registryModel = await MODEL_REGISTRY.wavenet.create(
      Vocabulary.fromChars([...'abcdefghijklmnopqrstuvwxyz']), defaultSettings('wavenet'), { seed: 1, words: [], allWords: [] },
    );
    expect((registryModel as WaveNet).parameterCount).toBe(76_579);
  });

  it('names its tensors per level, the layers of the lecture in order', async () => {
    const model = await WaveNet.create({ vocab, blockSize: 4, embedDim: 3, hidden: 5, backend: 'js' });
    expect(model.tensorNames().map((t) => `${t.name}[${t.shape.join('×')}]`)).toEqual([
      'embedding[7×3]', 'hidden.0.weight[6×5]', 'hidden.0.bn.gain[5]', 'hidden.0.bn.bias[5]',
      'hidden.1.weight[10×5]', 'hidden.1.bn.gain[5]', 'hidden.1.bn.bias[5]', 'output.weight[5×7]', 'output.bias[7]',
      'hidden.0.bn.runningMean[5]', 'hidden.0.bn.runningVar[5]', 'hidden.1.bn.runningMean[5]', 'hidden.1.bn.runningVar[5]',
    ]);
  });

  it('counts the flat models of the performance log: flatten = blockSize is one level', async () => {
    const v27 = Vocabulary.fromChars([...'abcdefghijklmnopqrstuvwxyz']);
    const size = async (blockSize: number, embedDim: number, hidden: number, flatten: number) =>
      (await WaveNet.create({ vocab: v27, blockSize, embedDim, hidden, flatten, backend: 'js' })).parameterCount;
    expect(await size(3, 10, 200, 3)).toBe(27 * 10 + 30 * 200 + 400 + 200 * 27 + 27); // 12,097: the part-3 MLP
    expect(await size(8, 10, 200, 8)).toBe(27 * 10 + 80 * 200 + 400 + 200 * 27 + 27); // 22,097
    expect(await size(8, 10, 68, 2)).toBe(27 * 10 + 20 * 68 + 136 + 2 * (136 * 68 + 136) + 68 * 27 + 27); // 22,397
  });
});

describe('WaveNet: errors', () => {
  it('a block size that is not a power of the flatten factor is an error naming both', async () => {
    await expect(WaveNet.create({ vocab, blockSize: 6, flatten: 2, backend: 'js' })).rejects.toThrow(/blockSize 6 must be a power of flatten 2/);
    await expect(WaveNet.create({ vocab, blockSize: 8, flatten: 3, backend: 'js' })).rejects.toThrow(/blockSize 8 must be a power of flatten 3/);
    await expect(WaveNet.create({ vocab, blockSize: 1, flatten: 2, backend: 'js' })).rejects.toThrow(/blockSize 1 must be a power of flatten 2/);
    expect(waveNetLevels(27, 3)).toBe(3);
    expect(waveNetLevels(16, 16)).toBe(1);
  });

  it('checks flatten, hidden and the other settings, naming the value', async () => {
    await expect(WaveNet.create({ vocab, flatten: 1, backend: 'js' })).rejects.toThrow(/flatten must be an integer >= 2, got 1/);
    await expect(WaveNet.create({ vocab, hidden: [8, 8], backend: 'js' })).rejects.toThrow(
      /hidden must be one width or one per level \(3 levels for blockSize 8, flatten 2\), got \[8, 8\]/,
    );
    await expect(WaveNet.create({ vocab, hidden: [8, 0, 8], backend: 'js' })).rejects.toThrow(/hidden\[1\] must be an integer >= 1, got 0/);
    await expect(WaveNet.create({ vocab, embedDim: 2.5, backend: 'js' })).rejects.toThrow(/embedDim must be an integer >= 1, got 2.5/);
    await expect(WaveNet.fromJSON({ kind: 'mlp', config: {}, vocab: [], tensors: {} })).rejects.toThrow(/expected kind 'wavenet', got "mlp"/);
    const model = await WaveNet.create({ vocab, blockSize: 4, embedDim: 3, hidden: 4, backend: 'js' });
    const { X, Y } = randomBatch(1, 4, 1);
    expect(() => model.trainStep(X, Y, 0.1)).toThrow(/batch size must be at least 2 with BatchNorm/);
  });
});

describe('WaveNet: gradients', () => {
  const netOf = (o: { blockSize: number; embedDim: number; hidden: number[]; flatten: number }, B: number) =>
    async (backend: Awaited<ReturnType<typeof createBackend>>) => {
      const model = await WaveNet.create({ vocab, ...o, seed: 5, backend });
      const ws = model.net.workspace(B, true);
      fillBatch(model.net, ws, V, 9);
      return { net: model.net, ws };
    };

  it('passes the generic gradient checker (finite differences on JS, wasm against JS): three levels of 2', async () => {
    expect(await checkGradients(netOf({ blockSize: 8, embedDim: 3, hidden: [6, 5, 4], flatten: 2 }, 6))).toBeGreaterThan(80);
  }, 120_000);

  it('passes the gradient checker with flatten 3 (two levels) and flat (one level)', async () => {
    expect(await checkGradients(netOf({ blockSize: 9, embedDim: 2, hidden: [5, 4], flatten: 3 }, 5))).toBeGreaterThan(50);
    expect(await checkGradients(netOf({ blockSize: 4, embedDim: 3, hidden: [6], flatten: 4 }, 7))).toBeGreaterThan(40);
  }, 120_000);
});

describe.each(backends)('WaveNet on %s: BatchNorm over [B, T, C] and eval mode', (backend) => {
  const cfg = { blockSize: 8, embedDim: 5, hidden: [6, 7, 5], flatten: 2 };
  const B = 10;

  it('training forward and running statistics match a float64 reference reducing over B·T rows', async () => {
    const model = await WaveNet.create({ vocab, ...cfg, seed: 3, backend });
    const p = paramsOf(model);
    const { X, Y } = randomBatch(B, 8, 4);
    const loss = model.trainStep(X, Y, 0); // lr 0: parameters stay, running statistics move once
    const ref = naiveForward(p, model.config, X, Y, true);
    expect(Math.abs(loss - ref.loss)).toBeLessThanOrEqual(2e-6 * ref.loss);
    const m = model.config.momentum;
    ref.levels.forEach((s, l) => {
      const rm = model.tensor(`hidden.${l}.bn.runningMean`), rv = model.tensor(`hidden.${l}.bn.runningVar`);
      s.mean.forEach((mu, c) => expect(Math.abs(rm[c]! - m * mu), `level ${l} runningMean[${c}]`).toBeLessThanOrEqual(1e-5));
      s.unbiased.forEach((v, c) => expect(Math.abs(rv[c]! - ((1 - m) + m * v)), `level ${l} runningVar[${c}]`).toBeLessThanOrEqual(2e-5));
    });
    // the test tells the lecture's bug apart: statistics per position (over B rows only) give another loss and mean
    const perPosition = (rows: Rows, T: number) => Array.from({ length: T }, (_, t) => rows.map((_, i) => i).filter((i) => i % T === t));
    const buggy = naiveForward(p, model.config, X, Y, true, perPosition);
    expect(Math.abs(buggy.loss - ref.loss)).toBeGreaterThan(100 * 2e-6 * ref.loss);
    expect(buggy.levels.length).toBe(4 + 2 + 1);
  });

  it('eval-mode logits match the float64 reference on the running buffers and do not depend on the rest of the batch', async () => {
    const model = await WaveNet.create({ vocab, ...cfg, seed: 6, backend });
    for (let s = 0; s < 20; s++) {
      const { X, Y } = randomBatch(16, 8, 100 + s);
      model.trainStep(X, Y, 0.2);
    }
    model.eval();
    const { X, Y } = randomBatch(B, 8, 7);
    const logits = model.logits(X);
    const ref = naiveForward(paramsOf(model), model.config, X, Y, false);
    const scale = Math.max(...ref.logits.flat().map(Math.abs));
    ref.logits.flat().forEach((v, i) => expect(Math.abs(logits[i]! - v), `logit ${i}`).toBeLessThanOrEqual(1e-5 * scale));
    // every row alone, and the batch reversed with other rows mixed in: bit-identical rows
    for (let b = 0; b < B; b++) {
      expect(model.logits(X.slice(b * 8, b * 8 + 8)), `row ${b} alone`).toEqual(logits.slice(b * V, b * V + V));
    }
    const other = randomBatch(5, 8, 8).X;
    const mixed = new Int32Array([...other, ...Array.from({ length: B }, (_, b) => [...X.subarray((B - 1 - b) * 8, (B - b) * 8)]).flat()]);
    const out = model.logits(mixed);
    for (let b = 0; b < B; b++) {
      const at = (5 + B - 1 - b) * V;
      expect(out.slice(at, at + V), `row ${b} in a mixed batch`).toEqual(logits.slice(b * V, b * V + V));
    }
  });
});

describe('WaveNet: training, saving, backends', () => {
  it.runIf(hasWasm)('wasm and JS agree step by step, and a saved model gives the same logits when loaded', async () => {
    const make = (backend: 'js' | 'wasm') => WaveNet.create({ vocab, blockSize: 4, embedDim: 4, hidden: 12, seed: 2, backend });
    const js = await make('js');
    const wasm = await make('wasm');
    const rng = new Rng(3);
    let first = 0, last = 0;
    for (let s = 0; s < 60; s++) {
      const { X, Y } = randomBatch(32, 4, rng.int(1 << 30));
      for (let i = 0; i < Y.length; i++) Y[i] = X[i * 4 + 3]!; // learnable: the next character repeats the last
      const a = js.trainStep(X, Y, 0.3);
      const b = wasm.trainStep(X, Y, 0.3);
      expect(Math.abs(a - b), `step ${s}`).toBeLessThanOrEqual(1e-4 * Math.max(1, a));
      if (s === 0) first = a;
      last = a;
    }
    expect(last).toBeLessThan(first * 0.7);
    wasm.eval();
    const saved = JSON.parse(JSON.stringify(wasm.toJSON()));
    expect(saved.kind).toBe('wavenet');
    const again = (await modelFromJSON(saved, { backend: 'wasm' })) as WaveNet;
    expect(again).toBeInstanceOf(WaveNet);
    const { X } = randomBatch(6, 4, 9);
    expect(again.logits(X)).toEqual(wasm.logits(X));
    expect(again.sample({ count: 5, seed: 4 })).toEqual(wasm.sample({ count: 5, seed: 4 }));
    const onJs = (await modelFromJSON(saved, { backend: 'js' })) as WaveNet;
    const l1 = wasm.logits(X), l2 = onJs.logits(X);
    l1.forEach((v, i) => expect(Math.abs(v - l2[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
  });
});
