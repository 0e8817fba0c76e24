/**
 * The MLP of makemore parts 2–3 (Bengio et al. 2003): embed each of the blockSize previous characters, concatenate,
 * [Linear → BatchNorm1d → tanh] × L, Linear → softmax.
 */
import type { Backend, Kernels, Ptr } from '../backend/index.ts';
import { buildContexts } from '../data/contexts.ts';
import { Vocabulary } from '../data/vocabulary.ts';
import { describeList } from '../data/words.ts';
import { Rng } from '../rng.ts';
import { resolveBackend, type BackendOption } from './backend-option.ts';
import { BatchNorm1d, Embedding, Linear, tanhBackward, tanhForward, type TensorSlot } from './layers.ts';
import type { LanguageModel, ModelState, SampleOptions } from './model.ts';
import { resolveSampleOptions, sampleWords } from './sampling.ts';
import { decodeTensor, encodeTensor } from './tensor-codec.ts';

/** Options for {@link MLP.create}. */
export interface MLPOptions {
  /** The characters (index 0 is `.`). */
  vocab: Vocabulary;
  /** Characters of context (default 3). */
  blockSize?: number;
  /** Embedding dimension per character (default 10). */
  embedDim?: number;
  /** One width per hidden layer (default [200]); [] is a linear model of the embeddings. */
  hidden?: readonly number[];
  /** BatchNorm1d after each hidden Linear (default true); without it the hidden Linears have a bias. */
  batchNorm?: boolean;
  /** Running-statistics momentum: run = (1 − m)·run + m·batch (default 0.001, as in the lecture). */
  momentum?: number;
  /** Seed of the initialization (default 42). */
  seed?: number;
  /** Backend name or a ready backend to share (default 'wasm'). */
  backend?: BackendOption;
}

/** The hyper-parameters of an {@link MLP}, as saved in its {@link ModelState}. */
export interface MLPConfig {
  blockSize: number;
  embedDim: number;
  hidden: number[];
  batchNorm: boolean;
  momentum: number;
  seed: number;
}

/** Rows per chunk for evaluation and sampling: bounds the eval workspace whatever the data size. */
const EVAL_CHUNK = 512;

/** Activations of one hidden layer for a batch. */
interface LayerBuffers {
  /** Linear output [B×h]. */
  pre: Ptr;
  /** BatchNorm's saved xhat [B×h] and invstd [h] (training workspaces with BatchNorm only). */
  xhat: Ptr | null;
  invstd: Ptr | null;
  /** BatchNorm output [B×h] (with BatchNorm only). */
  norm: Ptr | null;
  /** tanh output [B×h]. */
  act: Ptr;
  /** Gradient w.r.t. act, turned in place into the gradient w.r.t. norm and then pre (training workspaces only). */
  dact: Ptr | null;
}

/** Every buffer a forward (and, for training, backward) pass over up to `rows` examples needs. */
interface Workspace {
  rows: number;
  training: boolean;
  idx: Ptr;
  targets: Ptr;
  emb: Ptr;
  demb: Ptr | null;
  layers: LayerBuffers[];
  /** Logits [B×V]; the fused softmax-CE overwrites them with dlogits. */
  logits: Ptr;
}

/**
 * A character-level MLP language model. Parameters, gradients, running statistics and activations all live in one
 * arena of the backend; activations are allocated once per batch size, so {@link MLP.trainStep} allocates nothing.
 *
 * Initialization follows makemore part 3: embedding ~ N(0, 1); hidden weights ~ N(0, 1)·(5/3)/√fan_in (the tanh
 * gain; no bias before BatchNorm, zero bias without it); BatchNorm gain 1, bias 0, running mean 0, running var 1;
 * output weights ~ N(0, 1)·0.1/√fan_in and output bias 0, so the initial loss is close to ln V (no confident wrong
 * guesses). BatchNorm uses ε = 1e-5.
 */
export class MLP implements LanguageModel {
  readonly kind = 'mlp' as const;
  readonly vocab: Vocabulary;
  readonly config: Readonly<MLPConfig>;
  readonly backend: Backend;
  /** Number of trainable parameters (running statistics excluded). */
  readonly parameterCount: number;

  private readonly embeddingLayer: Embedding;
  private readonly linears: Linear[];
  private readonly norms: BatchNorm1d[];
  private readonly output: Linear;
  private readonly slots: TensorSlot[];
  /** Parameters (padded, contiguous) followed by buffers: one block, so one sgdUpdate and one copy. */
  private readonly state: Ptr;
  private readonly paramFloats: number;
  private readonly stateFloats: number;
  private readonly grads: Ptr;
  /** The state as it was before the last update that started from a finite loss. */
  private readonly lastFinite: Ptr;
  private readonly evalSpace: Workspace;
  private trainSpace: Workspace | null = null;
  private batchViews: { X: Int32Array; Y: Int32Array } | null = null;
  private trainMark = -1;
  private trainTop = -1;
  private mode = true;

  private constructor(vocab: Vocabulary, config: MLPConfig, backend: Backend) {
    this.vocab = vocab;
    this.config = Object.freeze({ ...config, hidden: config.hidden.slice() });
    this.backend = backend;
    const V = vocab.size;
    const { blockSize: T, embedDim: D, hidden, batchNorm } = config;

    // Lay out every tensor: parameters first, then buffers, each padded to 4 floats (16-byte aligned for SIMD).
    type Spec = { name: string; shape: number[]; param: boolean; offset: number };
    const specs: Spec[] = [];
    const add = (name: string, shape: number[], param = true): Spec => {
      const s = { name, shape, param, offset: 0 };
      specs.push(s);
      return s;
    };
    add('embedding', [V, D]);
    let fanIn = T * D;
    for (let l = 0; l < hidden.length; l++) {
      add(`hidden.${l}.weight`, [fanIn, hidden[l]!]);
      if (batchNorm) {
        add(`hidden.${l}.bn.gain`, [hidden[l]!]);
        add(`hidden.${l}.bn.bias`, [hidden[l]!]);
        add(`hidden.${l}.bn.runningMean`, [hidden[l]!], false);
        add(`hidden.${l}.bn.runningVar`, [hidden[l]!], false);
      } else {
        add(`hidden.${l}.bias`, [hidden[l]!]);
      }
      fanIn = hidden[l]!;
    }
    add('output.weight', [fanIn, V]);
    add('output.bias', [V]);
    const ordered = [...specs.filter((s) => s.param), ...specs.filter((s) => !s.param)];
    let offset = 0;
    let params = 0;
    let paramFloats = 0;
    for (const s of ordered) {
      const n = size(s.shape);
      s.offset = offset;
      offset += Math.ceil(n / 4) * 4;
      if (s.param) {
        params += n;
        paramFloats = offset;
      }
    }
    this.parameterCount = params;
    this.paramFloats = paramFloats;
    this.stateFloats = offset;

    const arena = backend.arena;
    this.state = arena.allocF32(this.stateFloats, 'mlp.state');
    this.grads = arena.allocF32(this.paramFloats, 'mlp.grads');
    this.lastFinite = arena.allocF32(this.stateFloats, 'mlp.lastFinite');
    this.slots = ordered.map((s) => ({
      name: s.name,
      shape: s.shape,
      ptr: this.state + s.offset * 4,
      grad: s.param ? this.grads + s.offset * 4 : null,
    }));
    const slot = (name: string): TensorSlot => this.slots.find((s) => s.name === name)!;

    this.embeddingLayer = new Embedding(slot('embedding'), V, D);
    this.linears = [];
    this.norms = [];
    fanIn = T * D;
    for (let l = 0; l < hidden.length; l++) {
      const h = hidden[l]!;
      this.linears.push(new Linear(slot(`hidden.${l}.weight`), batchNorm ? null : slot(`hidden.${l}.bias`), fanIn, h));
      if (batchNorm) {
        this.norms.push(new BatchNorm1d(
          slot(`hidden.${l}.bn.gain`), slot(`hidden.${l}.bn.bias`),
          slot(`hidden.${l}.bn.runningMean`), slot(`hidden.${l}.bn.runningVar`), h, config.momentum,
        ));
      }
      fanIn = h;
    }
    this.output = new Linear(slot('output.weight'), slot('output.bias'), fanIn, V);
    this.initialize(new Rng(config.seed));
    this.evalSpace = this.allocWorkspace(EVAL_CHUNK, false);
  }

  /** A new, initialized model (see the class comment for the initialization). */
  static async create(options: MLPOptions): Promise<MLP> {
    const who = 'MLP.create';
    if (!options || !(options.vocab instanceof Vocabulary)) {
      throw new Error(`${who}: vocab must be a Vocabulary, got ${options?.vocab === undefined ? 'undefined' : typeof options.vocab}`);
    }
    const config = checkConfig(options, who);
    const backend = await resolveBackend(options.backend, who);
    return new MLP(options.vocab, config, backend);
  }

  /** Training mode: BatchNorm normalizes with batch statistics and updates its running buffers. */
  train(): this {
    this.mode = true;
    return this;
  }

  /** Eval mode: {@link MLP.trainStep} refuses to run. Evaluation and sampling always use running statistics. */
  eval(): this {
    this.mode = false;
    return this;
  }

  /** True in training mode (the initial mode). */
  get training(): boolean {
    return this.mode;
  }

  /**
   * Allocates the training workspace for batches of `rows` examples now (otherwise the first
   * {@link MLP.trainStep} of a new batch size does it).
   */
  setBatchSize(rows: number): void {
    if (!Number.isInteger(rows) || rows < 1) throw new Error(`MLP.setBatchSize: batch size must be a positive integer, got ${rows}`);
    if (this.config.batchNorm && rows < 2) {
      throw new Error(`MLP: batch size must be at least 2 with BatchNorm (batch statistics of one row are meaningless), got ${rows}`);
    }
    if (this.trainSpace?.rows === rows) return;
    const arena = this.backend.arena;
    // free the old workspace unless another model sharing the arena allocated after it (stack discipline)
    if (this.trainSpace && arena.mark() === this.trainTop) arena.release(this.trainMark);
    this.trainMark = arena.mark();
    this.trainSpace = this.allocWorkspace(rows, true);
    this.batchViews = null;
    this.trainTop = arena.mark();
  }

  /**
   * One step of minibatch SGD on B examples (X: B×blockSize ids, Y: B targets): forward in training mode, backward,
   * p −= lr·(grad + weightDecay·p) on every parameter. Returns the batch's mean loss before the update. If that loss
   * is not finite, nothing is updated and the parameters and running statistics go back to their values before the
   * last update (those that gave a finite loss): the caller should stop and lower the learning rate.
   */
  trainStep(X: Int32Array, Y: Int32Array, lr: number, weightDecay = 0): number {
    this.checkStep(lr, weightDecay);
    const B = this.checkBatch(X, Y, 'MLP.trainStep');
    this.setBatchSize(B);
    const batch = this.batchBuffers();
    batch.X.set(X);
    batch.Y.set(Y);
    return this.trainBatch(lr, weightDecay);
  }

  /**
   * The training batch's id buffers in the arena (X: rows×blockSize, Y: rows, rows from {@link MLP.setBatchSize}),
   * for a training loop that samples its minibatch straight into the memory the kernels read: write them, then call
   * {@link MLP.trainBatch}. The views are re-created when memory growth detached them.
   */
  batchBuffers(): { X: Int32Array; Y: Int32Array } {
    const ws = this.trainSpace;
    if (!ws) throw new Error('MLP.batchBuffers: no training batch size yet; call setBatchSize(rows) first');
    if (this.batchViews === null || this.batchViews.Y.length === 0) {
      const arena = this.backend.arena;
      this.batchViews = { X: arena.i32(ws.idx, ws.rows * this.config.blockSize), Y: arena.i32(ws.targets, ws.rows) };
    }
    return this.batchViews;
  }

  /**
   * {@link MLP.trainStep} on the batch written into {@link MLP.batchBuffers}: the ids are checked there, in place, so
   * a step copies nothing between JS and wasm and allocates nothing.
   */
  trainBatch(lr: number, weightDecay = 0): number {
    this.checkStep(lr, weightDecay);
    const { X, Y } = this.batchBuffers();
    const V = this.vocab.size;
    checkIds(X, V, 'X', 'MLP.trainStep');
    checkIds(Y, V, 'Y', 'MLP.trainStep');
    const ws = this.trainSpace!;
    const B = ws.rows;
    const k = this.backend.raw;
    this.forward(k, ws, B, true);
    const loss = k.softmaxCrossEntropy(ws.logits, ws.logits, ws.targets, B, V);
    const F = this.backend.arena.F32;
    if (!Number.isFinite(loss)) {
      F.copyWithin(this.state >>> 2, this.lastFinite >>> 2, (this.lastFinite >>> 2) + this.stateFloats);
      return loss;
    }
    F.copyWithin(this.lastFinite >>> 2, this.state >>> 2, (this.state >>> 2) + this.stateFloats);
    this.backward(k, ws, B);
    k.sgdUpdate(this.state, this.grads, this.paramFloats, lr, weightDecay);
    return loss;
  }

  /** Mean negative log-likelihood of the examples in eval mode (running statistics), in chunks. */
  evaluate(X: Int32Array, Y: Int32Array): number {
    const count = this.checkBatch(X, Y, 'MLP.evaluate', false);
    const ws = this.evalSpace;
    const T = this.config.blockSize;
    const k = this.backend.raw;
    let sum = 0;
    for (let start = 0; start < count; start += ws.rows) {
      const B = Math.min(ws.rows, count - start);
      const arena = this.backend.arena;
      arena.i32(ws.idx, B * T).set(X.subarray(start * T, (start + B) * T));
      arena.i32(ws.targets, B).set(Y.subarray(start, start + B));
      this.forward(k, ws, B, false);
      sum += k.crossEntropyLoss(ws.logits, ws.targets, B, this.vocab.size) * B;
    }
    return sum / count;
  }

  /** Eval-mode logits of B contexts (B×V, row-major). */
  logits(X: Int32Array): Float32Array {
    const T = this.config.blockSize;
    const V = this.vocab.size;
    if (!(X instanceof Int32Array) || X.length === 0 || X.length % T !== 0) {
      throw new Error(`MLP.logits: X must be a non-empty Int32Array of B×${T} ids, got length ${X?.length}`);
    }
    checkIds(X, V, 'X', 'MLP.logits');
    const count = X.length / T;
    const out = new Float32Array(count * V);
    const ws = this.evalSpace;
    for (let start = 0; start < count; start += ws.rows) {
      const B = Math.min(ws.rows, count - start);
      this.backend.arena.i32(ws.idx, B * T).set(X.subarray(start * T, (start + B) * T));
      this.forward(this.backend.raw, ws, B, false);
      out.set(this.backend.arena.f32(ws.logits, B * V), start * V);
    }
    return out;
  }

  /** Mean negative log-likelihood per predicted character of the words, in eval mode. */
  nll(words: readonly string[]): number {
    if (!Array.isArray(words) || words.length === 0) {
      throw new Error(`MLP.nll: words must be a non-empty array of strings, got ${describeList(words)}`);
    }
    const c = buildContexts(words, this.vocab, this.config.blockSize);
    return this.evaluate(c.X, c.Y);
  }

  /** New words in eval mode; temperature divides the logits. All words advance together, one batch per position. */
  sample(options: SampleOptions = {}): string[] {
    const opts = resolveSampleOptions(this.vocab, options, 'MLP.sample');
    const V = this.vocab.size;
    return sampleWords(this.vocab, this.config.blockSize, opts, (contexts, B, out) => {
      const logits = this.logits(contexts);
      for (let i = 0; i < B * V; i++) out[i] = logits[i]!;
    }, 'MLP.sample');
  }

  /** A copy of the character embedding table C (V×embedDim), e.g. for a scatter plot. */
  embedding(): Float32Array {
    return this.tensor('embedding');
  }

  /** Names and shapes of every saved tensor (parameters and BatchNorm running statistics), in storage order. */
  tensorNames(): { name: string; shape: number[]; parameter: boolean }[] {
    return this.slots.map((s) => ({ name: s.name, shape: s.shape.slice(), parameter: s.grad !== null }));
  }

  /** A copy of one named tensor. */
  tensor(name: string): Float32Array {
    const s = this.slotOf(name, 'MLP.tensor');
    return this.backend.arena.f32(s.ptr, size(s.shape)).slice();
  }

  /** Overwrites one named tensor. */
  setTensor(name: string, values: ArrayLike<number>): void {
    const s = this.slotOf(name, 'MLP.setTensor');
    const n = size(s.shape);
    if (values.length !== n) throw new Error(`MLP.setTensor: '${name}' has ${n} values [${s.shape.join('×')}], got ${values.length}`);
    this.backend.arena.f32(s.ptr, n).set(values);
    this.backend.arena.f32(this.lastFinite + (s.ptr - this.state), n).set(values);
  }

  /** A copy of the gradient of one named parameter, from the last {@link MLP.trainStep}. */
  gradient(name: string): Float32Array {
    const s = this.slotOf(name, 'MLP.gradient');
    if (s.grad === null) throw new Error(`MLP.gradient: '${name}' is a buffer, not a parameter`);
    return this.backend.arena.f32(s.grad, size(s.shape)).slice();
  }

  /** All parameters and buffers as one float32 array (storage order, padding included): for exact comparisons. */
  stateVector(): Float32Array {
    return this.backend.arena.f32(this.state, this.stateFloats).slice();
  }

  /**
   * Overwrites every parameter and buffer with a vector from {@link MLP.stateVector} of a model of the same shape
   * (e.g. the best-dev snapshot of a training run, kept in memory rather than as JSON).
   */
  setState(values: Float32Array): void {
    if (!(values instanceof Float32Array) || values.length !== this.stateFloats) {
      throw new Error(`MLP.setState: expected a Float32Array of ${this.stateFloats} values (see stateVector), got ${values?.length}`);
    }
    this.backend.arena.f32(this.state, this.stateFloats).set(values);
    this.backend.arena.f32(this.lastFinite, this.stateFloats).set(values);
  }

  /** The hyper-parameters, vocabulary, parameters and running statistics. */
  toJSON(): ModelState {
    const tensors: ModelState['tensors'] = {};
    for (const s of this.slots) tensors[s.name] = encodeTensor(this.tensor(s.name), s.shape);
    return { kind: 'mlp', config: { ...this.config, hidden: this.config.hidden.slice() }, vocab: this.vocab.toJSON(), tensors };
  }

  /** The model saved by {@link MLP.toJSON}, on the given backend (default 'wasm'), in eval mode. */
  static async fromJSON(state: ModelState, options: { backend?: BackendOption } = {}): Promise<MLP> {
    if (!state || state.kind !== 'mlp') throw new Error(`MLP.fromJSON: expected kind 'mlp', got ${JSON.stringify(state?.kind)}`);
    const vocab = Vocabulary.fromChars(state.vocab);
    const config = checkConfig((state.config ?? {}) as Partial<MLPConfig>, 'MLP.fromJSON: config');
    const backend = await resolveBackend(options.backend, 'MLP.fromJSON');
    const model = new MLP(vocab, config, backend);
    for (const s of model.slots) model.setTensor(s.name, decodeTensor(state.tensors?.[s.name], s.name, s.shape));
    return model.eval();
  }

  // ---- internals ----

  private initialize(rng: Rng): void {
    const F = this.backend.arena.F32;
    const fill = (s: TensorSlot, f: () => number): void => {
      const p = s.ptr >>> 2;
      for (let i = 0, n = size(s.shape); i < n; i++) F[p + i] = f();
    };
    fill(this.embeddingLayer.table, () => rng.normal());
    for (let l = 0; l < this.linears.length; l++) {
      const lin = this.linears[l]!;
      const scale = 5 / 3 / Math.sqrt(lin.fanIn);
      fill(lin.weight, () => rng.normal() * scale);
      if (lin.bias) fill(lin.bias, () => 0);
      const bn = this.norms[l];
      if (bn) {
        fill(bn.gain, () => 1);
        fill(bn.bias, () => 0);
        fill(bn.runningMean, () => 0);
        fill(bn.runningVar, () => 1);
      }
    }
    const outScale = 0.1 / Math.sqrt(this.output.fanIn);
    fill(this.output.weight, () => rng.normal() * outScale);
    fill(this.output.bias!, () => 0);
    F.copyWithin(this.lastFinite >>> 2, this.state >>> 2, (this.state >>> 2) + this.stateFloats);
  }

  private allocWorkspace(rows: number, training: boolean): Workspace {
    const a = this.backend.arena;
    const { blockSize: T, embedDim: D, hidden, batchNorm } = this.config;
    const V = this.vocab.size;
    const ws: Workspace = {
      rows,
      training,
      idx: a.allocI32(rows * T, 'mlp.idx'),
      targets: a.allocI32(rows, 'mlp.targets'),
      emb: a.allocF32(rows * T * D, 'mlp.emb'),
      demb: training ? a.allocF32(rows * T * D, 'mlp.demb') : null,
      layers: hidden.map((h, l) => ({
        pre: a.allocF32(rows * h, `mlp.hidden.${l}.pre`),
        xhat: training && batchNorm ? a.allocF32(rows * h, `mlp.hidden.${l}.xhat`) : null,
        invstd: training && batchNorm ? a.allocF32(h, `mlp.hidden.${l}.invstd`) : null,
        norm: batchNorm ? a.allocF32(rows * h, `mlp.hidden.${l}.norm`) : null,
        act: a.allocF32(rows * h, `mlp.hidden.${l}.act`),
        dact: training ? a.allocF32(rows * h, `mlp.hidden.${l}.dact`) : null,
      })),
      logits: a.allocF32(rows * V, 'mlp.logits'),
    };
    return ws;
  }

  /** Embedding → hidden layers → output logits, for the first B rows of the workspace. */
  private forward(k: Kernels, ws: Workspace, B: number, training: boolean): void {
    const T = this.config.blockSize;
    this.embeddingLayer.forward(k, ws.emb, ws.idx, B, T);
    let x = ws.emb;
    for (let l = 0; l < this.linears.length; l++) {
      const buf = ws.layers[l]!;
      const h = this.linears[l]!.fanOut;
      this.linears[l]!.forward(k, buf.pre, x, B);
      let z = buf.pre;
      const bn = this.norms[l];
      if (bn) {
        if (training) bn.forwardTrain(k, buf.norm!, buf.xhat!, buf.invstd!, buf.pre, B);
        else bn.forwardEval(k, buf.norm!, buf.pre, B);
        z = buf.norm!;
      }
      tanhForward(k, buf.act, z, B * h);
      x = buf.act;
    }
    this.output.forward(k, ws.logits, x, B);
  }

  /** Gradients of every parameter from dlogits (in ws.logits), back to the embedding table. */
  private backward(k: Kernels, ws: Workspace, B: number): void {
    const L = this.linears.length;
    const input = (l: number): Ptr => (l > 0 ? ws.layers[l - 1]!.act : ws.emb);
    const dinput = (l: number): Ptr => (l > 0 ? ws.layers[l - 1]!.dact! : ws.demb!);
    this.output.backward(k, dinput(L), ws.logits, input(L), B);
    for (let l = L - 1; l >= 0; l--) {
      const buf = ws.layers[l]!;
      const h = this.linears[l]!.fanOut;
      tanhBackward(k, buf.dact!, buf.dact!, buf.act, B * h);
      this.norms[l]?.backward(k, buf.dact!, buf.dact!, buf.xhat!, buf.invstd!, B);
      this.linears[l]!.backward(k, dinput(l), buf.dact!, input(l), B);
    }
    this.embeddingLayer.backward(k, ws.demb!, ws.idx, B, this.config.blockSize);
  }

  private checkStep(lr: number, weightDecay: number): void {
    if (!this.mode) throw new Error('MLP.trainStep: the model is in eval mode; call model.train() first');
    if (!Number.isFinite(lr)) throw new Error(`MLP.trainStep: lr must be a finite number, got ${lr}`);
    if (!(weightDecay >= 0) || !Number.isFinite(weightDecay)) {
      throw new Error(`MLP.trainStep: weightDecay must be a finite number >= 0, got ${weightDecay}`);
    }
  }

  /** Validates a batch and returns its number of rows. */
  private checkBatch(X: Int32Array, Y: Int32Array, who: string, isTraining = true): number {
    const T = this.config.blockSize;
    if (!(X instanceof Int32Array) || !(Y instanceof Int32Array)) {
      throw new Error(`${who}: X and Y must be Int32Arrays (see buildContexts), got ${X?.constructor?.name} and ${Y?.constructor?.name}`);
    }
    const B = Y.length;
    if (B === 0) throw new Error(`${who}: the batch is empty (Y has length 0)`);
    if (X.length !== B * T) {
      throw new Error(`${who}: X must hold ${B}×${T} = ${B * T} ids for ${B} targets with blockSize ${T}, got ${X.length}`);
    }
    if (isTraining && this.config.batchNorm && B < 2) {
      throw new Error(`MLP: batch size must be at least 2 with BatchNorm (batch statistics of one row are meaningless), got ${B}`);
    }
    const V = this.vocab.size;
    checkIds(X, V, 'X', who);
    checkIds(Y, V, 'Y', who);
    return B;
  }

  private slotOf(name: string, who: string): TensorSlot {
    const s = this.slots.find((t) => t.name === name);
    if (!s) throw new Error(`${who}: no tensor named ${JSON.stringify(name)} (have ${this.slots.map((t) => t.name).join(', ')})`);
    return s;
  }
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkIds(ids: Int32Array, V: number, name: string, who: string): void {
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i]!;
    if (v < 0 || v >= V) throw new Error(`${who}: ${name}[${i}] = ${v} is not a character id in [0, ${V})`);
  }
}

/** Defaults and validation of the hyper-parameters; errors name the option and its value. */
function checkConfig(o: Partial<Omit<MLPConfig, 'hidden'>> & { hidden?: readonly number[] }, who: string): MLPConfig {
  const { blockSize = 3, embedDim = 10, hidden = [200], batchNorm = true, momentum = 0.001, seed = 42 } = o;
  const positive = (name: string, v: unknown): void => {
    if (!Number.isInteger(v) || (v as number) < 1) throw new Error(`${who}: ${name} must be a positive integer, got ${String(v)}`);
  };
  positive('blockSize', blockSize);
  positive('embedDim', embedDim);
  if (!Array.isArray(hidden)) throw new Error(`${who}: hidden must be an array of layer widths, got ${String(hidden)}`);
  hidden.forEach((h, i) => positive(`hidden[${i}]`, h));
  if (typeof batchNorm !== 'boolean') throw new Error(`${who}: batchNorm must be true or false, got ${String(batchNorm)}`);
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`${who}: momentum must be in [0, 1], got ${momentum}`);
  if (!Number.isInteger(seed)) throw new Error(`${who}: seed must be an integer, got ${seed}`);
  return { blockSize, embedDim, hidden: hidden.slice(), batchNorm, momentum, seed };
}
