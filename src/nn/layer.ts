/**
 * The layer contract of src/nn. A layer is told the shape of one example of its input once (`setup`), answers with
 * its output shape and the tensors it owns (parameters with their initialization, buffers such as running
 * statistics), allocates per-batch-size workspaces on request, and runs `forward` and `backward` on the unchecked
 * kernels over arena pointers. Shapes exclude the batch dimension: a layer sees B examples of shape `input`.
 *
 * Conventions (llm.c style, one contract for every layer):
 * - `forward` writes y from x; in training it may keep what backward needs in its workspace.
 * - `backward` writes dx (the gradient of its input; skipped when `dx` is null) and ADDS into its parameters'
 *   gradients, which the Net zeroes once per step — so a weight used at several positions just accumulates.
 * - A view layer (`isView`) reinterprets the row-major activations without copying: y is x and dy is dx.
 */
import type { Kernels, Ptr } from '../backend/kernels.ts';
import type { Rng } from '../rng.ts';

/** The shape of one example (the batch dimension excluded), e.g. [T, C] or [C]. */
export type Shape = readonly number[];

/** How to fill a tensor at creation: one value per element, drawn in storage order from the model's Rng. */
export type Init = (rng: Rng) => number;

/** A parameter or buffer a layer owns, with a name local to the layer (the Net prefixes the layer's path). */
export interface TensorSpec {
  name: string;
  shape: number[];
  init: Init;
}

/** What a layer declares for a given input shape. */
export interface LayerSetup {
  output: Shape;
  params?: TensorSpec[];
  /** State that is not trained by gradients (BatchNorm running statistics): saved and restored, never decayed. */
  buffers?: TensorSpec[];
}

/** Where a named tensor lives: values, and the gradient for parameters (null for buffers). */
export interface Tensor {
  name: string;
  shape: number[];
  ptr: Ptr;
  grad: Ptr | null;
}

/** Allocates float32 or int32 arena memory for a workspace; the Net owns (and frees) everything it hands out. */
export interface Allocator {
  f32(n: number, what: string): Ptr;
  i32(n: number, what: string): Ptr;
}

/** One call of forward or backward: the batch, the mode, the activations and the layer's own workspace. */
export interface Pass<W = unknown> {
  k: Kernels;
  /** Examples in this call (at most the workspace's batch size). */
  B: number;
  training: boolean;
  /** Input [B × input] and output [B × output]. */
  x: Ptr;
  y: Ptr;
  /** Gradient of the input to write in backward, or null when nothing upstream needs it. */
  dx: Ptr | null;
  /** Gradient of the output (backward only). */
  dy: Ptr;
  ws: W;
}

/** An activation a workspace holds, for diagnostics: where it and its gradient live, and who wrote it. */
export interface Probe {
  /** The layer's path, e.g. `hidden.0.tanh`. */
  name: string;
  /** The layer that wrote it (its `describe()` and its output range). */
  layer: Layer;
  /** Output [n] and its gradient [n] (−1 when the workspace keeps none: not a training workspace). */
  y: Ptr;
  dy: Ptr;
  n: number;
}

/** Thrown by `setup` when an input shape does not fit a layer; containers add which layers were chained. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/**
 * A layer: see the module comment. `W` is the type of its per-batch-size workspace (what forward keeps for
 * backward), created by {@link Layer.workspace}.
 */
export abstract class Layer<W = unknown> {
  /** A short description for error messages and diagnostics, e.g. `Linear(30 → 200)`. */
  abstract describe(): string;

  /** Declares the output shape and owned tensors for one example of `input`; throws a {@link ShapeError}. */
  abstract setup(input: Shape): LayerSetup;

  /** Receives the arena location of every tensor it declared, by local name (called once, after setup). */
  bind(_tensors: ReadonlyMap<string, Tensor>): void {}

  /** The per-batch workspace for up to B examples; training workspaces also keep what backward needs. */
  workspace(_alloc: Allocator, _B: number, _training: boolean): W {
    return undefined as W;
  }

  /** True when the output is the input reinterpreted (no copy, no work): Flatten-like layers. */
  get isView(): boolean {
    return false;
  }

  /** True when the input is int32 ids rather than float32 activations (an embedding). */
  get takesIds(): boolean {
    return false;
  }

  /**
   * The range a bounded nonlinearity's outputs lie in ([−1, 1] for tanh), or null: diagnostics then histogram its
   * output over that fixed range and report saturation (the fraction within 3% of the bounds).
   */
  get outputRange(): readonly [number, number] | null {
    return null;
  }

  /**
   * The intermediate activations (and their gradients) this layer's workspace holds for a batch of B, for
   * diagnostics; names are prefixed with `prefix`. Containers list their children's outputs; a plain layer has none
   * of its own (its output is its container's to list).
   */
  probes(_ws: W, _B: number, _prefix: string): Probe[] {
    return [];
  }

  abstract forward(p: Pass<W>): void;
  abstract backward(p: Pass<W>): void;
}

/** Number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `[3, 10]` as `[3, 10]`, for messages. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Checks a hyper-parameter is a positive integer; the message names the layer and the argument. */
export function positiveInt(who: string, name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new Error(`${who}: ${name} must be a positive integer, got ${String(v)}`);
  return v as number;
}
