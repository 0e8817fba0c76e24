/**
 * The neural bigram of makemore part 1: one weight matrix W[V×V], logits = one-hot(previous) · W (a row lookup),
 * softmax, cross-entropy plus λ·mean(W²), trained by full-batch gradient descent. On src/nn it is a Net of a single
 * {@link Embedding} layer (the row lookup); the exact O(V²) count-gradient path is its own specialization that writes
 * the Net's gradient block directly (its arithmetic, with the batch's data and the float64 NLLs, in bigram-batch.ts).
 */
import type { Backend, Ptr } from '../backend/index.ts';
import type { Contexts } from '../data/contexts.ts';
import { Vocabulary } from '../data/vocabulary.ts';
import { Embedding } from '../nn/embedding.ts';
import type { Tensor } from '../nn/layer.ts';
import { Net } from '../nn/net.ts';
import { checkSeed } from '../seed.ts';
import { resolveBackend, type BackendOption } from './backend-option.ts';
import {
  bigramContextsNll, bigramData, bigramWordsNll, countPathLoss, rowSoftmax64, type BigramData, type GradientPath, type FullBatchOptions,
} from './bigram-batch.ts';
import type { LanguageModel, ModelState, SampleOptions } from './model.ts';
import type { ModelKindEntry } from './model-kind.ts';
import { optimizerFromJSON, optimizerToJSON } from './optimizer-state.ts';
import { resolveSampleOptions, sampleWords } from './sampling.ts';
import { rejectModelFile } from './state-guard.ts';
import { decodeTensor, encodeTensor } from './tensor-codec.ts';
import type { TrainingSession, TrainingSetup } from './training.ts';

export type { FullBatchOptions, GradientPath } from './bigram-batch.ts';

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
    const next = bigramData(this.vocab, data);
    if (this.data?.ws) this.net.freeWorkspace(this.data.ws);
    this.data = next;
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
      loss = countPathLoss(arena.F32, this.logP, this.dW, V, data);
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
    return rowSoftmax64(this.backend.arena.f32(this.W, V * V), V);
  }

  /** Mean negative log-likelihood per predicted character (without the penalty), in float64. */
  nll(words: readonly string[]): number {
    return bigramWordsNll(this, words);
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
