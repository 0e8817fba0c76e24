/**
 * The common body of every neural model made of src/nn layers: a {@link Net} from `width` ids per example to logits
 * (one row of V per target), training on minibatches of examples drawn straight into the arena, evaluation in chunks
 * (a mean over the real targets: −1 marks none), tensors by name, saving and resuming. {@link ContextModel} (a fixed
 * window of previous characters: MLP, WaveNet) and {@link SequenceModel} (whole words: RNN, Transformer) say how
 * examples are built and how words are sampled; a model says which layers it is made of.
 */
import type { Backend } from '../backend/index.ts';
import type { Vocabulary } from '../data/vocabulary.ts';
import type { Layer } from '../nn/layer.ts';
import { sizeOf } from '../nn/layer.ts';
import { Net, type Workspace } from '../nn/net.ts';
import type { Diagnostics, DiagnosticsOptions } from '../nn/diagnostics.ts';
import type { OptimizerKind, OptimizerSpec } from '../nn/optim.ts';
import { checkBatch, checkBatchIds, checkBatchSize, checkExamples, checkStep, type BatchShape } from './batch-checks.ts';
import { forEachChunk, lossInChunks } from './chunked-eval.ts';
import { startMinibatchTraining, type Examples } from './minibatch-session.ts';
import type { LanguageModel, ModelKind, ModelState, SampleOptions } from './model.ts';
import { optimizerFromJSON, optimizerToJSON } from './optimizer-state.ts';
import { decodeTensor, encodeTensor } from './tensor-codec.ts';
import type { TrainData, TrainingSession, TrainingSetup } from './training.ts';

export type { Examples } from './minibatch-session.ts';

/** Rows per chunk for evaluation and sampling: bounds the eval workspace whatever the data size. */
const EVAL_CHUNK = 512;

/** What every neural model's configuration has. */
export interface NetModelConfig {
  seed: number;
}

export abstract class NetModel<C extends NetModelConfig> implements LanguageModel {
  abstract readonly kind: ModelKind;
  readonly vocab: Vocabulary;
  readonly config: Readonly<C>;
  readonly backend: Backend;
  /** The layers, laid out in the backend's arena. */
  readonly net: Net;
  private readonly who: string;
  /** What every batch is checked against. */
  private readonly shape: BatchShape;
  private trainSpace: Workspace | null = null;
  private evalSpace: Workspace | null = null;
  private batchViews: { X: Int32Array; Y: Int32Array } | null = null;
  private mode = true;
  /** True once a training step ran on the current training workspace: its activations are there to diagnose. */
  private stepped = false;

  /** Ids per example (the context length, or the sequence length T). */
  readonly width: number;
  /** Targets per example (1 for a next-character model, T for a sequence model). */
  readonly targetsPerExample: number;
  /** Targets of −1 (no target) are allowed: sequence models pad words with them. */
  protected readonly allowsIgnore: boolean;

  protected constructor(
    who: string, vocab: Vocabulary, config: C, backend: Backend, root: Layer, width: number, allowsIgnore = false,
    net: { allowSymmetric?: boolean } = {},
  ) {
    this.who = who;
    this.vocab = vocab;
    this.config = Object.freeze(config);
    this.backend = backend;
    this.width = width;
    this.allowsIgnore = allowsIgnore;
    this.net = new Net(backend, root, {
      input: [width], classes: vocab.size, seed: config.seed, name: who.toLowerCase(), allowSymmetric: net.allowSymmetric,
    });
    this.targetsPerExample = this.net.targetsPerExample;
    this.shape = {
      model: who, width, targetsPerExample: this.targetsPerExample, vocabSize: vocab.size, allowsIgnore, minBatch: () => this.minBatch(),
    };
    // allocated up front so that neither a training step nor an evaluation ever allocates
    this.evalSpace = this.net.workspace(EVAL_CHUNK, false);
  }

  /** Number of trainable parameters (running statistics excluded). */
  get parameterCount(): number {
    return this.net.parameterCount;
  }

  /** Training mode: BatchNorm normalizes with batch statistics and updates its running buffers. */
  train(): this {
    this.mode = true;
    return this;
  }

  /** Eval mode: trainStep refuses to run. Evaluation and sampling always use running statistics. */
  eval(): this {
    this.mode = false;
    return this;
  }

  /** True in training mode (the initial mode). */
  get training(): boolean {
    return this.mode;
  }

  /** The smallest batch a training step accepts (2 with BatchNorm: statistics of one row are meaningless). */
  protected minBatch(): number {
    return 1;
  }

  /** Allocates the training workspace for batches of `rows` examples now (otherwise the first step does it). */
  setBatchSize(rows: number): void {
    if (!Number.isInteger(rows) || rows < 1) throw new Error(`${this.who}.setBatchSize: batch size must be a positive integer, got ${rows}`);
    checkBatchSize(this.shape, rows);
    if (this.trainSpace?.rows === rows) return;
    if (this.trainSpace) this.net.freeWorkspace(this.trainSpace);
    this.trainSpace = this.net.workspace(rows, true);
    this.batchViews = null;
    this.stepped = false;
  }

  /**
   * One training step on B examples (X: B×width ids, Y: B×targetsPerExample targets): forward in training mode, backward, the
   * optimizer. Returns the batch's mean loss before the update; a loss that is not finite updates nothing and puts
   * the model back to its last finite state (stop and lower the learning rate). `weightDecay`, when given, replaces
   * the optimizer's.
   */
  trainStep(X: Int32Array, Y: Int32Array, lr: number, weightDecay?: number): number {
    checkStep(this.who, this.mode, lr, weightDecay);
    const B = checkBatch(this.shape, X, Y, `${this.who}.trainStep`, true);
    this.setBatchSize(B);
    const batch = this.batchBuffers();
    batch.X.set(X);
    batch.Y.set(Y);
    return this.stepOnBuffers(lr, weightDecay); // the ids were checked in X and Y already
  }

  /**
   * The training batch's id buffers in the arena (X: rows×width, Y: rows×targetsPerExample), for a loop that samples
   * its minibatch straight into the memory the kernels read; then call {@link NetModel.trainBatch}. The views are
   * re-created when memory growth detached them.
   */
  batchBuffers(): { X: Int32Array; Y: Int32Array } {
    const ws = this.trainSpace;
    if (!ws) throw new Error(`${this.who}.batchBuffers: no training batch size yet; call setBatchSize(rows) first`);
    if (this.batchViews === null || this.batchViews.Y.length === 0) {
      const arena = this.backend.arena;
      this.batchViews = { X: arena.i32(ws.ids, ws.rows * this.width), Y: arena.i32(ws.targets, ws.rows * this.targetsPerExample) };
    }
    return this.batchViews;
  }

  /** {@link NetModel.trainStep} on the batch written into {@link NetModel.batchBuffers}: copies nothing. */
  trainBatch(lr: number, weightDecay?: number): number {
    checkStep(this.who, this.mode, lr, weightDecay);
    const { X, Y } = this.batchBuffers();
    checkBatchIds(this.shape, X, Y, `${this.who}.trainStep`);
    return this.stepOnBuffers(lr, weightDecay);
  }

  /** The step itself, on checked ids in the batch buffers. */
  private stepOnBuffers(lr: number, weightDecay: number | undefined): number {
    if (weightDecay !== undefined && weightDecay !== this.net.optimizerSpec.weightDecay) {
      this.net.setOptimizer({ ...this.net.optimizerSpec, weightDecay });
    }
    this.stepped = true;
    return this.net.trainStep(this.trainSpace!, lr);
  }

  /**
   * Per-layer statistics of the last training step (activations and their gradients, parameters' grad:data and
   * update:data; see {@link Diagnostics}), computed now by reduction kernels. Throws before the first step.
   */
  diagnostics(options: DiagnosticsOptions = {}): Diagnostics {
    if (!this.stepped || !this.trainSpace) {
      throw new Error(`${this.who}.diagnostics: no training step yet (diagnostics describe the last step's batch)`);
    }
    return this.net.diagnostics(this.trainSpace, options);
  }

  /** Uses this optimizer from now on (its state restarts unless the settings are unchanged). */
  setOptimizer(spec: OptimizerKind | OptimizerSpec): void {
    this.net.setOptimizer(spec);
  }

  /** Mean negative log-likelihood over the real targets of the examples, in eval mode (running statistics), in chunks. */
  evaluate(X: Int32Array, Y: Int32Array): number {
    const count = checkBatch(this.shape, X, Y, `${this.who}.evaluate`, false);
    const { sum, real } = lossInChunks(this.net, this.liveEvalSpace(), this.width, X, Y, this.allowsIgnore);
    if (real === 0) throw new Error(`${this.who}.evaluate: the ${count} examples hold no target (every target is -1)`);
    return sum / real;
  }

  /** Eval-mode logits of B examples (B × targetsPerExample × V, row-major). */
  logits(X: Int32Array): Float32Array {
    const count = checkExamples(this.shape, X, `${this.who}.logits`);
    const row = this.targetsPerExample * this.vocab.size;
    const out = new Float32Array(count * row);
    const arena = this.backend.arena;
    forEachChunk(this.net, this.liveEvalSpace(), this.width, X, (ws, B, start) => {
      out.set(arena.f32(ws.logits, B * row), start * row);
    });
    return out;
  }

  /** Mean negative log-likelihood per predicted character of the words, in eval mode. */
  abstract nll(words: readonly string[]): number;

  /** New words in eval mode, drawn with a seeded Rng (see {@link SampleOptions}). */
  abstract sample(options?: SampleOptions): string[];

  /** A copy of the character embedding table C (V×embedDim), e.g. for a scatter plot. */
  embedding(): Float32Array {
    return this.tensor('embedding');
  }

  /** Names and shapes of every saved tensor (parameters and running statistics), in storage order. */
  tensorNames(): { name: string; shape: number[]; parameter: boolean }[] {
    return this.net.tensors.map((t) => ({ name: t.name, shape: t.shape.slice(), parameter: t.grad !== null }));
  }

  /** A copy of one named tensor. */
  tensor(name: string): Float32Array {
    const t = this.net.tensor(name, `${this.who}.tensor`);
    return this.backend.arena.f32(t.ptr, sizeOf(t.shape)).slice();
  }

  /** Overwrites one named tensor. */
  setTensor(name: string, values: ArrayLike<number>): void {
    this.net.setTensor(name, values, `${this.who}.setTensor`);
  }

  /** A copy of the gradient of one named parameter, from the last training step. */
  gradient(name: string): Float32Array {
    const t = this.net.tensor(name, `${this.who}.gradient`);
    if (t.grad === null) throw new Error(`${this.who}.gradient: '${name}' is a buffer, not a parameter`);
    return this.backend.arena.f32(t.grad, sizeOf(t.shape)).slice();
  }

  /** All parameters and buffers as one float32 array (storage order, padding included): for exact comparisons. */
  stateVector(): Float32Array {
    return this.backend.arena.f32(this.net.state, this.net.stateFloats).slice();
  }

  /** The hyper-parameters, vocabulary, parameters, running statistics and optimizer state. */
  toJSON(): ModelState {
    const tensors: ModelState['tensors'] = {};
    for (const t of this.net.tensors) tensors[t.name] = encodeTensor(this.tensor(t.name), t.shape);
    return { kind: this.kind, config: configToJSON(this.config), vocab: this.vocab.toJSON(), tensors, optimizer: optimizerToJSON(this.net) };
  }

  /** Returns the model's arena memory to its backend; the model cannot be used afterwards. */
  dispose(): void {
    this.net.dispose();
    this.trainSpace = null;
    this.evalSpace = null;
    this.batchViews = null;
  }

  /** Sets every tensor (and the optimizer state, when saved) from a {@link ModelState}; leaves eval mode on. */
  protected restore(state: ModelState): this {
    for (const t of this.net.tensors) this.net.setTensor(t.name, decodeTensor(state.tensors?.[t.name], t.name, t.shape));
    optimizerFromJSON(this.net, state.optimizer, `${this.who}.fromJSON`);
    return this.eval();
  }

  /** The examples of a split given as words or as ready examples of this model's shape. */
  protected abstract examplesOf(data: TrainData, split: string): Examples;

  /** {@link train}'s hook: minibatches of examples drawn with the setup's Rng straight into the arena. */
  startTraining(setup: TrainingSetup): TrainingSession {
    return startMinibatchTraining(this, setup, (data, split) => this.examplesOf(data, split));
  }

  // ---- internals ----

  /** The eval workspace, allocated with the model so that evaluation never allocates; gone once disposed. */
  private liveEvalSpace(): Workspace {
    if (this.evalSpace === null) throw new Error(`${this.who}: this model was disposed`);
    return this.evalSpace;
  }
}

/** A plain copy of a config for JSON (arrays copied). */
function configToJSON(config: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}
