/**
 * The neural bigram of makemore part 1: one weight matrix W[V×V], logits = one-hot(previous) · W (a row lookup),
 * softmax, cross-entropy plus λ·mean(W²), trained by full-batch gradient descent. On src/nn it is a Net of a single
 * {@link Embedding} layer (the row lookup); the exact O(V²) count-gradient path is its own specialization that writes
 * the Net's gradient block directly.
 */
import type { Backend, Ptr } from '../backend/index.ts';
import type { Contexts } from '../data/contexts.ts';
import { Vocabulary } from '../data/vocabulary.ts';
import { describeList } from '../data/words.ts';
import { Embedding } from '../nn/embedding.ts';
import type { Tensor } from '../nn/layer.ts';
import { Net, type Workspace } from '../nn/net.ts';
import { checkSeed } from '../seed.ts';
import { resolveBackend, type BackendOption } from './backend-option.ts';
import type { LanguageModel, ModelState, SampleOptions } from './model.ts';
import type { ModelKindEntry } from './model-kind.ts';
import { optimizerFromJSON, optimizerToJSON } from './optimizer-state.ts';
import { resolveSampleOptions, sampleWords } from './sampling.ts';
import { rejectModelFile } from './state-guard.ts';
import { decodeTensor, encodeTensor } from './tensor-codec.ts';
import type { TrainingSession, TrainingSetup } from './training.ts';

/** Options for {@link NeuralBigram.create}. */
export interface NeuralBigramOptions {
  /** The characters (index 0 is `.`). */
  vocab: Vocabulary;
  /** Seed of the N(0, 1) initialization of W (default 42). */
  seed?: number;
  /** λ of the λ·mean(W²) penalty, which pulls W towards uniform rows like add-k smoothing (default 0.01). */
  regularization?: number;
  /** Backend name or a ready backend to share (default 'wasm'). */
  backend?: BackendOption;
}

/**
 * How the full-batch gradient is computed. The loss depends on the data only through the bigram counts N, so
 * `'counts'` computes it exactly from N in O(V²): dW[i,j] = (Σⱼ N[i,j] · softmax(W[i])ⱼ − N[i,j]) / M.
 * `'examples'` is the general path of every neural model: gather one row of W per example, fused softmax +
 * cross-entropy, scatter-add back, O(M·V). Both add the penalty's 2λ·W/V².
 */
export type GradientPath = 'counts' | 'examples';

/** Options for {@link NeuralBigram.trainFullBatch}. */
export interface FullBatchOptions {
  /** Number of gradient steps (default 100). */
  steps?: number;
  /** Learning rate (default 50, as in the lecture; the count-scaled gradient is small). */
  lr?: number;
  /** Gradient path (default 'counts'). */
  path?: GradientPath;
  /** Called after every step with the loss before that step's update. */
  onProgress?: (p: { step: number; steps: number; loss: number }) => void;
}

/** The training data as the model holds it in its arena. */
interface BigramData {
  /** Number of examples M (characters plus end markers). */
  count: number;
  /** V×V pair counts, float64, for the count path. */
  counts: Float64Array;
  /** Row sums of counts. */
  totals: Float64Array;
  /** int32 previous / next ids of every example. */
  X: Int32Array;
  Y: Int32Array;
  /** The per-example path's workspace (ids, targets, M×V logits), allocated on first use. */
  ws: Workspace | null;
}

/**
 * A bigram model as a one-layer neural net. Its weights, gradient and data live in the backend's arena; a step
 * allocates nothing.
 */
export class NeuralBigram implements LanguageModel {
  readonly kind = 'bigram' as const;
  readonly vocab: Vocabulary;
  /** λ of the L2 penalty. */
  readonly regularization: number;
  /** The initialization seed. */
  readonly seed: number;
  readonly backend: Backend;
  /** W as the table of an Embedding: its gradient, optimizer and rollback are the Net's. */
  readonly net: Net;
  /** W's tensor: its `ptr` moves between the Net's two state copies as updates are adopted, so it is read each time. */
  private readonly wTensor: Tensor;
  private readonly dW: Ptr;
  /** V×V scratch: log-softmax of W (count path). */
  private readonly logP: Ptr;
  private data: BigramData | null = null;
  /** Mean NLL (the loss without the λ·mean(W²) penalty) of the last lossAndGradient or step: what NLL curves plot. */
  lastNll = Number.NaN;

  private constructor(vocab: Vocabulary, seed: number, regularization: number, backend: Backend) {
    this.vocab = vocab;
    this.seed = seed;
    this.regularization = regularization;
    this.backend = backend;
    const V = vocab.size;
    this.net = new Net(backend, new Embedding(V, V, { name: 'W' }), { input: [1], classes: V, seed, name: 'bigram' });
    this.wTensor = this.net.tensor('W');
    this.dW = this.wTensor.grad!;
    this.logP = backend.arena.allocF32(V * V, 'bigram.logP');
  }

  /** Where W is now. */
  private get W(): Ptr {
    return this.wTensor.ptr;
  }

  /** A new model with W ~ N(0, 1). */
  static async create(options: NeuralBigramOptions): Promise<NeuralBigram> {
    const { vocab, seed = 42, regularization = 0.01 } = options ?? ({} as NeuralBigramOptions);
    if (!(vocab instanceof Vocabulary)) throw new Error(`NeuralBigram.create: vocab must be a Vocabulary, got ${typeof vocab}`);
    checkSeed(seed, 'NeuralBigram.create');
    if (!(regularization >= 0) || !Number.isFinite(regularization)) {
      throw new Error(`NeuralBigram.create: regularization must be a finite number >= 0, got ${regularization}`);
    }
    const backend = await resolveBackend(options.backend, 'NeuralBigram.create');
    return new NeuralBigram(vocab, seed, regularization, backend);
  }

  /** Number of parameters: V². */
  get parameterCount(): number {
    return this.vocab.size * this.vocab.size;
  }

  /**
   * Sets the full batch: the words (or bigram contexts with blockSize 1) whose mean NLL the steps minimize.
   * Replaces earlier data.
   */
  setData(data: readonly string[] | Contexts): void {
    const V = this.vocab.size;
    let X: Int32Array;
    let Y: Int32Array;
    if (Array.isArray(data)) {
      if (data.length === 0) throw new Error(`NeuralBigram.setData: words must be a non-empty array of strings, got an empty list`);
      const prev: number[] = [];
      const next: number[] = [];
      for (const word of data as readonly string[]) {
        let p = 0;
        for (const id of [...this.vocab.encode(word), 0]) {
          prev.push(p);
          next.push(id);
          p = id;
        }
      }
      X = Int32Array.from(prev);
      Y = Int32Array.from(next);
    } else if (data && (data as Contexts).X instanceof Int32Array) {
      const c = data as Contexts;
      if (c.blockSize !== 1) throw new Error(`NeuralBigram.setData: contexts must have blockSize 1, got ${c.blockSize}`);
      if (c.count < 1) throw new Error(`NeuralBigram.setData: contexts are empty (count ${c.count})`);
      checkIds(c.X, V, 'X');
      checkIds(c.Y, V, 'Y');
      X = c.X;
      Y = c.Y;
    } else {
      throw new Error(`NeuralBigram.setData: data must be a word list or contexts, got ${describeList(data)}`);
    }
    const counts = new Float64Array(V * V);
    for (let i = 0; i < X.length; i++) counts[X[i]! * V + Y[i]!]! += 1;
    const totals = new Float64Array(V);
    for (let i = 0; i < V; i++) for (let j = 0; j < V; j++) totals[i]! += counts[i * V + j]!;

    if (this.data?.ws) this.net.freeWorkspace(this.data.ws);
    this.data = { count: X.length, counts, totals, X, Y, ws: null };
  }

  /**
   * Loss of the current data (mean NLL plus λ·mean(W²)) and its gradient, written to the model's gradient buffer
   * (read it with {@link NeuralBigram.gradient}).
   */
  lossAndGradient(path: GradientPath = 'counts'): number {
    this.live('lossAndGradient');
    const data = this.requireData('lossAndGradient');
    // unchecked kernels: shapes are fixed at construction and the ids were validated once, in setData
    const be = this.backend.raw;
    const arena = this.backend.arena;
    const V = this.vocab.size;
    const n = V * V;
    let loss: number;
    if (path === 'counts') {
      be.logSoftmax(this.logP, this.W, V, V);
      const F = arena.F32;
      const L = this.logP >>> 2, D = this.dW >>> 2;
      const { counts, totals } = data;
      let sum = 0;
      for (let i = 0; i < V; i++) {
        for (let j = 0; j < V; j++) {
          const k = i * V + j;
          const logp = F[L + k]!;
          sum -= counts[k]! * logp;
          F[D + k] = (totals[i]! * Math.exp(logp) - counts[k]!) / data.count;
        }
      }
      loss = sum / data.count;
    } else if (path === 'examples') {
      // the general path of every neural model: gather, fused softmax-CE, scatter-add (the Net's own step)
      if (data.ws === null) {
        data.ws = this.net.workspace(data.count, true);
        arena.i32(data.ws.ids, data.count).set(data.X);
        arena.i32(data.ws.targets, data.count).set(data.Y);
      }
      loss = this.net.lossAndGradients(data.ws);
    } else {
      throw new Error(`NeuralBigram: path must be 'counts' or 'examples', got ${JSON.stringify(path)}`);
    }
    this.lastNll = loss; // issue 10: the data part alone, for curves labelled "mean NLL"
    const lambda = this.regularization;
    if (lambda > 0) {
      loss += (lambda * be.sumSquares(this.W, n)) / n;
      const F = arena.F32;
      const W = this.W >>> 2, D = this.dW >>> 2;
      const scale = (2 * lambda) / n;
      for (let k = 0; k < n; k++) F[D + k] += scale * F[W + k]!;
    }
    return loss;
  }

  /** A copy of the gradient from the last {@link NeuralBigram.lossAndGradient} or step. */
  gradient(): Float32Array {
    const n = this.parameterCount;
    return this.backend.arena.f32(this.dW, n).slice();
  }

  /**
   * One full-batch gradient step: returns the loss before the update. If the loss is not finite the update is skipped
   * and W goes back to its last finite value (the caller should stop and lower the learning rate).
   */
  step(lr: number, options: { path?: GradientPath } = {}): number {
    if (!Number.isFinite(lr)) throw new Error(`NeuralBigram.step: lr must be a finite number, got ${lr}`);
    if (lr < 0) throw new Error(`NeuralBigram.step: lr must be >= 0 (a negative rate climbs the loss), got ${lr}`);
    return this.net.update(this.lossAndGradient(options.path ?? 'counts'), lr);
  }

  /**
   * Sets the words as data and runs `steps` full-batch steps; returns the loss before each step. Throws (keeping the
   * last finite W) when a loss is not finite.
   */
  trainFullBatch(words: readonly string[] | Contexts, options: FullBatchOptions = {}): number[] {
    const { steps = 100, lr = 50, path = 'counts', onProgress } = options;
    if (!Number.isInteger(steps) || steps < 0) throw new Error(`NeuralBigram.trainFullBatch: steps must be an integer >= 0, got ${steps}`);
    this.setData(words);
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      const loss = this.step(lr, { path });
      if (!Number.isFinite(loss)) {
        throw new Error(`NeuralBigram: loss became ${loss} at step ${s}; try a lower learning rate than ${lr}`);
      }
      losses.push(loss);
      onProgress?.({ step: s + 1, steps, loss });
    }
    return losses;
  }

  /** A copy of W (V×V, row = previous character). */
  weights(): Float32Array {
    this.live('weights');
    return this.backend.arena.f32(this.W, this.parameterCount).slice();
  }

  /** Overwrites W (V×V values). */
  setWeights(values: ArrayLike<number>): void {
    const n = this.parameterCount;
    if (values?.length !== n) throw new Error(`NeuralBigram.setWeights: expected ${n} values (V×V), got ${values?.length}`);
    this.net.setTensor('W', values, 'NeuralBigram.setWeights');
  }

  private disposed = false;

  /** W lives in memory the arena may have given to another model since dispose(): never read it then. */
  private live(who: string): void {
    if (this.disposed) throw new Error(`NeuralBigram.${who}: this model was disposed`);
  }

  /** Returns the model's arena memory to its backend; the model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return; // a second dispose must not free logP twice
    this.disposed = true;
    this.net.dispose();
    const arena = this.backend.arena as unknown as { free?: (p: Ptr) => void };
    arena.free?.(this.logP);
    this.data = null;
  }

  /** {@link train}'s hook: the training words (or bigram contexts) as the full batch, one step per call. */
  startTraining(setup: TrainingSetup): TrainingSession {
    this.setData(setup.train as readonly string[] | Contexts);
    if (setup.optimizer) this.net.setOptimizer(setup.optimizer);
    const path = (setup.extra.path as GradientPath | undefined) ?? 'counts';
    const dev = setup.dev;
    const devLoss = dev === null
      ? null
      : Array.isArray(dev)
        ? () => this.nll(dev as readonly string[])
        : () => bigramContextsNll(this, dev as Contexts);
    return { step: (lr) => this.step(lr, { path }), devLoss, end: () => {} };
  }

  /** The model's next-character distributions, softmax of each row of W in float64 (V×V). */
  probabilities(): Float64Array {
    this.live('probabilities');
    const V = this.vocab.size;
    const w = this.backend.arena.f32(this.W, V * V);
    const out = new Float64Array(V * V);
    for (let i = 0; i < V; i++) {
      let max = -Infinity;
      for (let j = 0; j < V; j++) max = Math.max(max, w[i * V + j]!);
      let sum = 0;
      for (let j = 0; j < V; j++) sum += out[i * V + j] = Math.exp(w[i * V + j]! - max);
      for (let j = 0; j < V; j++) out[i * V + j]! /= sum;
    }
    return out;
  }

  /** Mean negative log-likelihood per predicted character (without the penalty), in float64. */
  nll(words: readonly string[]): number {
    if (!Array.isArray(words) || words.length === 0) {
      throw new Error(`NeuralBigram.nll: words must be a non-empty array of strings, got ${describeList(words)}`);
    }
    const V = this.vocab.size;
    const P = this.probabilities();
    let sum = 0;
    let count = 0;
    for (const word of words) {
      let p = 0;
      for (const id of [...this.vocab.encode(word), 0]) {
        sum -= Math.log(P[p * V + id]!);
        count++;
        p = id;
      }
    }
    return sum / count;
  }

  /** New words; temperature divides the logits (the rows of W). */
  sample(options: SampleOptions = {}): string[] {
    const opts = resolveSampleOptions(this.vocab, options, 'NeuralBigram.sample');
    const V = this.vocab.size;
    const w = this.weights();
    return sampleWords(this.vocab, 1, opts, (contexts, B, out) => {
      for (let b = 0; b < B; b++) {
        const row = contexts[b]!;
        for (let j = 0; j < V; j++) out[b * V + j] = w[row * V + j]!;
      }
    }, 'NeuralBigram.sample');
  }

  /** W with λ and the seed. */
  toJSON(): ModelState {
    const V = this.vocab.size;
    return {
      kind: 'bigram',
      config: { regularization: this.regularization, seed: this.seed },
      vocab: this.vocab.toJSON(),
      tensors: { W: encodeTensor(this.weights(), [V, V]) },
      optimizer: optimizerToJSON(this.net),
    };
  }

  /** The model saved by {@link NeuralBigram.toJSON}, on the given backend (default 'wasm'). */
  static async fromJSON(state: ModelState, options: { backend?: BackendOption } = {}): Promise<NeuralBigram> {
    rejectModelFile(state, 'NeuralBigram.fromJSON'); // issue 10: a whole model file gets a pointer to modelFromJSON
    if (!state || state.kind !== 'bigram') throw new Error(`NeuralBigram.fromJSON: expected kind 'bigram', got ${JSON.stringify(state?.kind)}`);
    const vocab = Vocabulary.fromChars(state.vocab);
    const W = decodeTensor(state.tensors?.W, 'W', [vocab.size, vocab.size]);
    const config = state.config ?? {};
    const model = await NeuralBigram.create({
      vocab,
      seed: (config.seed as number | undefined) ?? 42,
      regularization: (config.regularization as number | undefined) ?? 0.01,
      backend: options.backend,
    });
    model.setWeights(W);
    optimizerFromJSON(model.net, state.optimizer, 'NeuralBigram.fromJSON');
    return model;
  }

  private requireData(who: string): BigramData {
    if (!this.data) throw new Error(`NeuralBigram.${who}: no data; call setData(words) first`);
    return this.data;
  }
}

function checkIds(ids: Int32Array, V: number, name: string): void {
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i]!;
    if (v < 0 || v >= V) throw new Error(`NeuralBigram.setData: ${name}[${i}] = ${v} is out of range [0, ${V})`);
  }
}

/** Mean NLL of bigram contexts (blockSize 1) from the model's probabilities. */
function bigramContextsNll(model: NeuralBigram, c: Contexts): number {
  if (c.blockSize !== 1) throw new Error(`train: data.dev for a NeuralBigram must have blockSize 1, got ${c.blockSize}`);
  const V = model.vocab.size;
  const P = model.probabilities();
  let sum = 0;
  for (let i = 0; i < c.count; i++) {
    const x = c.X[i]!, y = c.Y[i]!;
    if (x < 0 || x >= V || y < 0 || y >= V) throw new Error(`train: data.dev example ${i} (${x} → ${y}) has an id outside [0, ${V})`);
    sum -= Math.log(P[x * V + y]!);
  }
  return sum / c.count;
}

/** The neural bigram kind of the registry: full-batch gradient descent, `--weight-decay` its λ. */
export const BIGRAM_KIND: ModelKindEntry<NeuralBigram> = {
  summary: 'bigram: the neural bigram, one V×V weight matrix trained on the full batch (makemore part 1)',
  options: [],
  training: {
    steps: 200, lr: 50, lrDecay: 'never', minibatch: false, optimizer: { kind: 'sgd' },
    weightDecay: { meaning: 'regularization', default: 0.01 },
  },
  create: (vocab, s, c) => NeuralBigram.create({ vocab, seed: c.seed, regularization: s.regularization as number, backend: c.backend }),
  fromJSON: (state, o) => NeuralBigram.fromJSON(state, o),
  describe: (m) => `neural bigram, λ = ${m.regularization}; ${m.parameterCount} parameters; full batch`,
  pictures: (m) => ({ heatmap: { values: m.probabilities(), mode: 'probability' } }),
};
