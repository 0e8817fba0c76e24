/**
 * Net: a root {@link Layer} that maps int32 ids to logits, laid out in one backend arena — parameters then buffers in
 * one block (one optimizer call, one copy), gradients in one block, optimizer state, and workspaces per batch size —
 * plus the training step: zero gradients, forward, fused softmax-cross-entropy (targets of −1 are ignored), backward
 * in reverse order, the optimizer, and the rollback to the last finite state when a loss is not finite.
 *
 * The NaN/Inf protection copies nothing per step: the state and the optimizer state exist twice (see
 * {@link StateCopies}); the tensors' `ptr` follow the copy in use.
 *
 * A Net owns every byte it allocates and returns it with {@link Net.dispose}, so models sharing one backend never
 * overwrite or leak each other's memory. A training step allocates nothing and copies nothing between JS and wasm.
 */
import type { Backend } from '../backend/backend.ts';
import type { Ptr } from '../backend/kernels.ts';
import { Rng } from '../rng.ts';
import { Layer, ShapeError, formatShape, sizeOf, type Allocator, type Shape, type Tensor, type TensorSpec } from './layer.ts';
import { checkBins, collectDiagnostics, DEFAULT_BINS, type Diagnostics, type DiagnosticsOptions } from './diagnostics.ts';
import { scratchFor, type DiagnosticsScratch } from './diagnostics-scratch.ts';
import { refuseSymmetric } from './symmetry.ts';
import { makeOptimizer, type Optimizer, type OptimizerKind, type OptimizerSpec } from './optim.ts';
import { StateCopies } from './state-copies.ts';
import { layOut, PAD } from './net-layout.ts';
import { readOptimizerState, sameSpec, writeOptimizerState, type OptimizerState } from './net-optimizer-state.ts';
import { OwnedMemory } from './owned-memory.ts';

export type { OptimizerState } from './net-optimizer-state.ts';

/** Options for a {@link Net}. */
export interface NetOptions {
  /** One example's ids, e.g. [blockSize]. */
  input: Shape;
  /** Number of classes: the last dimension of the output (the vocabulary size). */
  classes: number;
  /** Seed (or Rng) of the initialization (default 42). */
  seed?: number | Rng;
  /** Optimizer (default plain SGD); changeable later with {@link Net.setOptimizer}. */
  optimizer?: OptimizerKind | OptimizerSpec | Optimizer;
  /**
   * Accept a weight matrix whose every element starts equal (zero or constant initialization). Such units get equal
   * gradients and stay equal forever, so by default it is an error; allowed, training shows it (default false).
   */
  allowSymmetric?: boolean;
  /** Prefix of the arena allocation names, for messages (default 'net'). */
  name?: string;
}

/** The buffers of a forward (and, in training, backward) pass over up to `rows` examples. */
export interface Workspace {
  readonly rows: number;
  readonly training: boolean;
  /** int32 ids [rows × input]. */
  readonly ids: Ptr;
  /** int32 targets [rows × outputRows] (−1: no target). */
  readonly targets: Ptr;
  /** float32 logits [rows × output]; the loss overwrites them with their gradient. */
  readonly logits: Ptr;
  readonly root: unknown;
  readonly allocations: Ptr[];
}

export class Net {
  readonly backend: Backend;
  readonly root: Layer;
  readonly input: Shape;
  readonly output: Shape;
  readonly classes: number;
  /** Every parameter then every buffer, in storage order. */
  readonly tensors: readonly Tensor[];
  readonly parameterCount: number;
  /** Floats of the parameter block (padded) and of parameters plus buffers. */
  readonly paramFloats: number;
  readonly stateFloats: number;
  readonly grads: Ptr;
  /** Every byte this Net allocated, so that dispose can return it all. */
  private readonly memory: OwnedMemory;
  /** The state and optimizer state, twice: the copy in use and the rollback target. */
  private readonly copies: StateCopies;
  /** Per tensor: its offset in bytes from the start of a state copy. */
  private readonly offsets: number[];
  /** Diagnostics scratch (histogram counts, one parameter's update), allocated by the first diagnostics call. */
  private diagScratch: DiagnosticsScratch | null = null;
  private disposed = false;

  constructor(backend: Backend, root: Layer, options: NetOptions) {
    this.backend = backend;
    this.root = root;
    this.memory = new OwnedMemory(backend, options.name ?? 'net');
    this.input = options.input.slice();
    this.classes = options.classes;
    if (!(root instanceof Layer)) throw new Error(`Net: root must be a Layer, got ${String(root)}`);
    if (!root.takesIds) throw new ShapeError(`Net: the first layer must take ids (an Embedding), got ${root.describe()}`);
    const setup = root.setup(this.input);
    this.output = setup.output.slice();
    if (this.output[this.output.length - 1] !== this.classes) {
      throw new ShapeError(`Net: the output ${formatShape(this.output)} must end in the ${this.classes} classes (${root.describe()})`);
    }
    const params = setup.params ?? [];
    const buffers = setup.buffers ?? [];
    const layout = layOut(params, buffers);
    this.paramFloats = layout.paramFloats;
    this.stateFloats = layout.stateFloats;
    this.parameterCount = params.reduce((n, p) => n + sizeOf(p.shape), 0);
    const memory = { alloc: (n: number, what: string) => this.memory.alloc('f32', n, what), release: (q: Ptr) => this.memory.release(q) };
    const optimizer = makeOptimizer(options.optimizer);
    this.copies = new StateCopies(() => this.backend.raw, memory, this.stateFloats, this.paramFloats, optimizer, (base) => {
      for (let i = 0; i < this.tensors.length; i++) this.tensors[i]!.ptr = base + this.offsets[i]!;
    });
    this.grads = this.memory.alloc('f32', Math.max(this.paramFloats, PAD), 'grads');
    this.offsets = layout.offsets.map((o) => o * 4);
    this.tensors = [...params, ...buffers].map((spec, i) => ({
      name: spec.name,
      shape: spec.shape.slice(),
      ptr: this.copies.current + this.offsets[i]!,
      grad: i < params.length ? this.grads + this.offsets[i]! : null,
    }));
    root.bind(new Map(this.tensors.map((t) => [t.name, t])));
    this.initialize([...params, ...buffers], options.seed instanceof Rng ? options.seed : new Rng(options.seed ?? 42));
    if (!options.allowSymmetric) {
      try {
        refuseSymmetric(this.tensors, this.backend.arena);
      } catch (error) {
        this.dispose();
        throw error;
      }
    }
    this.copies.useOptimizer(optimizer);
    this.copies.save();
  }

  /** The copy of the state (every parameter then every buffer, stateFloats floats) in use now. */
  get state(): Ptr {
    return this.copies.current;
  }

  /** The optimizer in use. */
  get optimizerSpec(): Readonly<Required<OptimizerSpec>> {
    return this.copies.optimizerInUse.spec;
  }

  /** Updates done with the current optimizer (AdamW's t). */
  get optimizerStep(): number {
    return this.copies.step;
  }

  /** Replaces the optimizer; its state starts from zero unless the new one has the same settings as the old. */
  setOptimizer(spec: OptimizerKind | OptimizerSpec | Optimizer): void {
    const next = makeOptimizer(spec, 'Net.setOptimizer');
    if (sameSpec(next.spec, this.copies.optimizerInUse.spec)) return;
    this.copies.useOptimizer(next);
    this.copies.save();
  }

  /** A copy of the optimizer's settings, step and state, for model files. */
  optimizerState(): OptimizerState {
    return readOptimizerState(this.copies, this.backend.arena);
  }

  /** Restores what {@link Net.optimizerState} returned (the same layout of parameters is required). */
  setOptimizerState(s: OptimizerState): void {
    writeOptimizerState(this.copies, this.backend.arena, s);
  }

  /** A workspace for up to `rows` examples, owned by this Net until {@link Net.freeWorkspace} or dispose. */
  workspace(rows: number, training: boolean): Workspace {
    this.live('workspace');
    const allocations: Ptr[] = [];
    // the workspace keeps its own list too, so that freeWorkspace returns just its memory
    const tracked = (p: Ptr): Ptr => (allocations.push(p), p);
    const alloc: Allocator = {
      f32: (n, what) => tracked(this.memory.alloc('f32', n, what)),
      i32: (n, what) => tracked(this.memory.alloc('i32', n, what)),
    };
    const outRows = sizeOf(this.output) / this.classes;
    const ids = alloc.i32(rows * sizeOf(this.input), 'ids');
    const targets = alloc.i32(rows * outRows, 'targets');
    const logits = alloc.f32(rows * sizeOf(this.output), 'logits');
    const root = this.root.workspace(alloc, rows, training);
    return { rows, training, ids, targets, logits, root, allocations };
  }

  /** Returns a workspace's memory to the arena. */
  freeWorkspace(ws: Workspace): void {
    for (const p of ws.allocations) this.memory.release(p);
    ws.allocations.length = 0;
  }

  /** Targets per example (1 for a next-character model, T for a sequence model). */
  get targetsPerExample(): number {
    return sizeOf(this.output) / this.classes;
  }

  /** Forward pass of the first B examples of a workspace (ids already written); logits in ws.logits. */
  forward(ws: Workspace, B: number, training: boolean): void {
    this.root.forward({ k: this.backend.raw, B, training, x: ws.ids, y: ws.logits, dx: null, dy: -1, ws: ws.root });
  }

  /**
   * One training step on the B = ws.rows examples written in the workspace: returns the mean loss over the real
   * targets before the update (see {@link Net.update} for a loss that is not finite).
   */
  trainStep(ws: Workspace, lr: number): number {
    return this.update(this.lossAndGradients(ws), lr);
  }

  /**
   * Forward in training mode, the fused softmax-cross-entropy, and — when the loss is finite — the gradients of every
   * parameter (zeroed first, then accumulated by backward in reverse order). Returns the mean loss.
   */
  lossAndGradients(ws: Workspace): number {
    const k = this.backend.raw;
    const B = ws.rows;
    this.forward(ws, B, true);
    const loss = k.softmaxCrossEntropy(ws.logits, ws.logits, ws.targets, B * this.targetsPerExample, this.classes);
    if (Number.isFinite(loss)) {
      k.zero(this.grads, this.paramFloats);
      this.root.backward({ k, B, training: true, x: ws.ids, y: ws.logits, dx: null, dy: ws.logits, ws: ws.root });
    }
    return loss;
  }

  /**
   * The optimizer's update from the gradients in the gradient block, unless `loss` is not finite: then nothing is
   * updated and the state and the optimizer go back to where they were before the last update that started from a
   * finite loss (the caller should stop and lower the learning rate). Returns `loss` — or NaN when the loss was
   * finite but the update would have made a parameter or an optimizer value non-finite (a gradient was NaN or ±Inf,
   * or a value overflowed): that update is refused, the state stays as it was, and the caller should stop as for a
   * non-finite loss. So the parameters never hold a NaN or ±Infinity. The running statistics (buffers) are those
   * the last finite forward pass left, as the rollback's state was saved right after it.
   */
  update(loss: number, lr: number): number {
    return this.copies.update(loss, this.grads, lr) === 'refused' ? Number.NaN : loss;
  }

  /**
   * Statistics of the last training step on `ws` (see src/nn/diagnostics.ts): every activation the layers' workspace
   * holds with its gradient, every parameter with its gradient and the update the optimizer made. Call it after
   * {@link Net.trainStep}; it runs reduction kernels on demand and allocates its small scratch once.
   */
  diagnostics(ws: Workspace, options: DiagnosticsOptions = {}): Diagnostics {
    this.live('diagnostics');
    if (!ws.training) throw new Error('Net.diagnostics: needs the training workspace of the last step, got an eval workspace');
    const bins = checkBins(options.bins ?? DEFAULT_BINS, 'Net.diagnostics');
    const scratch = (this.diagScratch = scratchFor(this.diagScratch, bins, this.tensors, this.memory));
    const c = { k: this.backend.raw, arena: this.backend.arena, counts: scratch.counts, bins };
    const copies = this.copies;
    const update = copies.updateKept ? { before: copies.other - copies.current, scratch: scratch.update } : null;
    return collectDiagnostics(c, this.root.probes(ws.root, ws.rows, ''), this.tensors, update, copies.step);
  }

  /** The tensor called `name`; errors list the names there are. */
  tensor(name: string, who = 'Net.tensor'): Tensor {
    if (this.disposed) throw new Error(`${who}: this model was disposed (its memory may hold another model's now)`);
    const t = this.tensors.find((s) => s.name === name);
    if (!t) throw new Error(`${who}: no tensor named ${JSON.stringify(name)} (have ${this.tensors.map((s) => s.name).join(', ')})`);
    return t;
  }

  /** Overwrites a tensor's values (and its copy in the rollback state). */
  setTensor(name: string, values: ArrayLike<number>, who = 'Net.setTensor'): void {
    const t = this.tensor(name, who);
    const n = sizeOf(t.shape);
    if (values?.length !== n) throw new Error(`${who}: '${name}' has ${n} values [${t.shape.join('×')}], got ${values?.length}`);
    // a NaN or ±Infinity parameter would poison every later loss, silently: refuse it where it comes in
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(values[i]!)) throw new Error(`${who}: '${name}'[${i}] is ${values[i]}; tensors must hold finite numbers`);
    }
    this.backend.arena.f32(t.ptr, n).set(values);
    this.backend.arena.f32(this.copies.other + (t.ptr - this.state), n).set(values);
  }

  /** Returns every byte this Net allocated to the arena; the Net cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.memory.releaseAll();
  }

  // ---- internals ----

  private initialize(specs: TensorSpec[], rng: Rng): void {
    const F = this.backend.arena.F32;
    specs.forEach((spec, i) => {
      const p = this.tensors[i]!.ptr >>> 2;
      for (let j = 0, n = sizeOf(spec.shape); j < n; j++) F[p + j] = spec.init(rng);
    });
  }

  private live(who: string): void {
    if (this.disposed) throw new Error(`Net.${who}: this model was disposed`);
  }
}
