/**
 * The common body of the recurrent cells (RNN, GRU, LSTM): a layer from [T, E] (an embedded word) to [T, H] (the
 * hidden state after each position), run by backpropagation through time with the weights shared across the T steps
 * (their gradients add up, as the layer contract says).
 *
 * Why time-major: a step multiplies the B hidden states of step t by W_h, which needs them as one contiguous [B×H]
 * matrix. So the input is transposed once to [T, B, E], the input half of every gate is computed for all T·B rows in
 * one large matmul before the loop (x_t·W_x + b does not depend on h), each step adds h_{t−1}·W_h into its own slice
 * and runs the fused gate kernel, and the hidden states [T+1, B, H] (slot 0 the learned start state) are transposed
 * back at the end. Backward mirrors it: per step only the recurrent products, then the weight gradients of all steps
 * as a few large matmuls over T·B rows.
 *
 * A subclass declares its tensors and its buffers and says what one step does forward and what the steps do backward.
 * Every buffer is allocated once per batch size in the workspace: a step allocates nothing.
 */
import type { Kernels, Ptr } from '../backend/kernels.ts';
import type { Rng } from '../rng.ts';
import {
  Layer, ShapeError, formatShape, positiveInt, type Allocator, type Init, type LayerSetup, type Pass, type Shape, type Tensor,
  type TensorSpec,
} from './layer.ts';

/** U(−bound, bound): PyTorch's nn.Linear initialization with bound = 1/√fan_in. */
export function uniformInit(bound: number): Init {
  return (rng: Rng) => (2 * rng.next() - 1) * bound;
}

/** The buffers every cell has; a cell adds its own. Offsets inside them use the pass's B, never the allocation's. */
export interface CellSpace {
  /** Steps this workspace holds (the layer's T, or 1 for a {@link Stepper}). */
  T: number;
  /** The input, time-major [T, B, E]. */
  xT: Ptr;
  /** Hidden states [T+1, B, H]: slot 0 the start state, slot t+1 the output of step t. */
  h: Ptr;
  /** Training only (else 0): the gradients of h [T+1, B, H] and of the time-major input [T, B, E]. */
  dh: Ptr;
  dxT: Ptr;
}

/** One step at a time, for sampling: write B embedded characters to `input`, call step, read B hidden states. */
export interface Stepper {
  /** [B×E]: the embedded characters of this position. */
  readonly input: Ptr;
  /** The state carried from one position to the next, [B×H] each (h; and c for the LSTM): rows may be moved. */
  readonly state: readonly Ptr[];
  /** Puts the learned start state in for B rows. */
  reset(k: Kernels, B: number): void;
  /** Runs one position; returns where the B new hidden states [B×H] are. */
  step(k: Kernels, B: number): Ptr;
}

export abstract class RecurrentCell<S extends CellSpace = CellSpace> extends Layer<S> {
  readonly hidden: number;
  /** Positions (T) and input width (E), known after setup. */
  protected T = 0;
  protected E = 0;
  protected tensors!: ReadonlyMap<string, Tensor>;

  protected constructor(who: string, hidden: number) {
    super();
    this.hidden = positiveInt(who, 'hidden', hidden);
  }

  setup(input: Shape): LayerSetup {
    if (input.length !== 2) throw new ShapeError(`${this.describe()} takes [T, E] per example, got ${formatShape(input)}`);
    [this.T, this.E] = input as [number, number];
    return { output: [this.T, this.hidden], params: this.params(this.E, this.hidden) };
  }

  override bind(tensors: ReadonlyMap<string, Tensor>): void {
    this.tensors = tensors;
  }

  override workspace(alloc: Allocator, B: number, training: boolean): S {
    return this.space(alloc, B, this.T, training);
  }

  forward({ k, B, x, y, ws }: Pass<S>): void {
    const T = this.T;
    k.transposeBT(ws.xT, x, B, T, this.E);
    this.start(k, ws, B);
    this.project(k, ws, B, T);
    for (let t = 0; t < T; t++) this.stepForward(k, ws, B, t);
    k.transposeBT(y, ws.h + B * this.hidden * 4, T, B, this.hidden);
  }

  backward({ k, B, dx, dy, ws }: Pass<S>): void {
    const T = this.T, H = this.hidden;
    k.transposeBT(ws.dh + B * H * 4, dy, B, T, H);
    k.zero(ws.dh, B * H);
    this.backwardSteps(k, ws, B, T, dx !== null);
    // the start state is one vector shared by the B rows: its gradient is the column sum of dh_0
    k.biasBackward(this.grad('start'), ws.dh, B, H, true);
    if (dx !== null) k.transposeBT(dx, ws.dxT, T, B, this.E);
  }

  /** A one-position workspace for up to B rows, for sampling that carries the state from one character to the next. */
  stepper(alloc: Allocator, B: number): Stepper {
    const s = this.space(alloc, B, 1, false);
    return {
      input: s.xT,
      state: this.carried(s),
      reset: (k, b) => this.start(k, s, b),
      step: (k, b) => {
        this.project(k, s, b, 1);
        this.stepForward(k, s, b, 0);
        this.carry(k, s, b);
        return s.h;
      },
    };
  }

  // ---- what a cell says ----

  /** Its parameters for input width E and hidden size H; one of them must be `start` [H] (the learned h_0). */
  protected abstract params(E: number, H: number): TensorSpec[];
  /** Its workspace for up to B rows over T steps (the common buffers from {@link RecurrentCell.common}). */
  protected abstract space(alloc: Allocator, B: number, T: number, training: boolean): S;
  /** The input half of every gate for all T·B rows: x·W_x + b. */
  protected abstract project(k: Kernels, s: S, B: number, T: number): void;
  /** Step t: adds h_t·W_h and runs the gates, writing hidden state slot t + 1. */
  protected abstract stepForward(k: Kernels, s: S, B: number, t: number): void;
  /** Backpropagation through time from s.dh (slots 1..T hold dL/dh_t), then the weight gradients and s.dxT. */
  protected abstract backwardSteps(k: Kernels, s: S, B: number, T: number, needDx: boolean): void;

  /** Fills slot 0 with the learned start state (a cell with more state overrides and calls this). */
  protected start(k: Kernels, s: S, B: number): void {
    k.zero(s.h, B * this.hidden);
    k.addBias(s.h, this.tensor('start').ptr, B, this.hidden);
  }

  /** Where the state carried between positions lives (slot 0 of each): h, and c for the LSTM. */
  protected carried(s: S): Ptr[] {
    return [s.h];
  }

  /** After a stepper's step: the new state (slot 1) becomes slot 0 for the next position. */
  protected carry(k: Kernels, s: S, B: number): void {
    k.copy(s.h, s.h + B * this.hidden * 4, B * this.hidden);
  }

  // ---- helpers ----

  /** The common buffers for B rows and T steps. */
  protected common(alloc: Allocator, B: number, T: number, training: boolean): CellSpace {
    const H = this.hidden, E = this.E;
    return {
      T,
      xT: alloc.f32(T * B * E, 'cell.x'),
      h: alloc.f32((T + 1) * B * H, 'cell.h'),
      dh: training ? alloc.f32((T + 1) * B * H, 'cell.dh') : 0,
      dxT: training ? alloc.f32(T * B * E, 'cell.dx') : 0,
    };
  }

  protected tensor(name: string): Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`${this.describe()}: tensor '${name}' was not bound`);
    return t;
  }

  protected grad(name: string): Ptr {
    return this.tensor(name).grad!;
  }

  /** The weight [E+H, G] as its input rows W_x [E×G] and recurrent rows W_h [H×G] (contiguous, row-major). */
  protected halves(name: string, G: number): { wx: Ptr; wh: Ptr; dwx: Ptr; dwh: Ptr } {
    const t = this.tensor(name);
    const off = this.E * G * 4;
    return { wx: t.ptr, wh: t.ptr + off, dwx: t.grad!, dwh: t.grad! + off };
  }

  /** The specs of a [E+H, G] weight and [G] bias initialized as one nn.Linear(E + H, G) (bound 1/√(E+H)). */
  protected linearSpecs(prefix: string, E: number, H: number, G: number, biasInit?: Init): TensorSpec[] {
    const bound = 1 / Math.sqrt(E + H);
    return [
      { name: `${prefix}weight`, shape: [E + H, G], init: uniformInit(bound) },
      { name: `${prefix}bias`, shape: [G], init: biasInit ?? uniformInit(bound) },
    ];
  }
}
