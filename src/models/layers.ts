/**
 * The MLP's layers, each with its forward and backward side by side. A layer only knows where its parameters and
 * gradients live (pointers into the arena) and its sizes; activations belong to the caller's workspace, sized for
 * one batch size. Hot paths call the unchecked kernels (`backend.raw`): the model validated every shape once when it
 * allocated the workspace, and checks the int32 inputs of each batch.
 */
import type { Kernels, Ptr } from '../backend/index.ts';

/** BatchNorm's ε, as in PyTorch and the lecture. */
export const BN_EPS = 1e-5;

/** Where one named parameter or buffer lives. */
export interface TensorSlot {
  /** Name in saved models, e.g. `hidden.0.weight`. */
  name: string;
  shape: number[];
  /** Pointer of the values. */
  ptr: Ptr;
  /** Pointer of the gradient (parameters only; buffers such as running statistics have none). */
  grad: Ptr | null;
}

/** The character embedding table C[V×D]: a context of T ids becomes one row of T·D numbers. */
export class Embedding {
  constructor(
    readonly table: TensorSlot,
    readonly vocabSize: number,
    readonly dim: number,
  ) {}

  /** out[B × T·D] = the rows of C for each id of idx[B×T], concatenated per context. */
  forward(k: Kernels, out: Ptr, idx: Ptr, B: number, T: number): void {
    k.embeddingGather(out, this.table.ptr, idx, B, T, this.dim);
  }

  /** dC = scatter-add of dout into the rows that were gathered (overwrites dC). */
  backward(k: Kernels, dout: Ptr, idx: Ptr, B: number, T: number): void {
    k.zero(this.table.grad!, this.vocabSize * this.dim);
    k.embeddingScatterAdd(this.table.grad!, dout, idx, B, T, this.dim);
  }
}

/** y[B×out] = x[B×in] · W[in×out] (+ b). W is stored [in×out] as in the lecture (x @ W). */
export class Linear {
  constructor(
    readonly weight: TensorSlot,
    readonly bias: TensorSlot | null,
    readonly fanIn: number,
    readonly fanOut: number,
  ) {}

  forward(k: Kernels, y: Ptr, x: Ptr, B: number): void {
    k.matmul(y, x, this.weight.ptr, B, this.fanIn, this.fanOut, false);
    if (this.bias) k.addBias(y, this.bias.ptr, B, this.fanOut);
  }

  /** dW = xᵀ·dy, db = Σ dy (both overwritten) and dx = dy·Wᵀ. */
  backward(k: Kernels, dx: Ptr, dy: Ptr, x: Ptr, B: number): void {
    k.matmulTN(this.weight.grad!, x, dy, this.fanIn, B, this.fanOut, false);
    if (this.bias) k.biasBackward(this.bias.grad!, dy, B, this.fanOut, false);
    k.matmulNT(dx, dy, this.weight.ptr, B, this.fanOut, this.fanIn, false);
  }
}

/**
 * BatchNorm1d over the batch dimension. Training mode normalizes with the batch's own (biased) statistics and moves
 * the running buffers by `momentum`; eval mode uses the running buffers, so each row is processed independently.
 */
export class BatchNorm1d {
  constructor(
    readonly gain: TensorSlot,
    readonly bias: TensorSlot,
    readonly runningMean: TensorSlot,
    readonly runningVar: TensorSlot,
    readonly size: number,
    readonly momentum: number,
  ) {}

  /** Training-mode forward; saves xhat [B×N] and invstd [N] for the backward pass. */
  forwardTrain(k: Kernels, y: Ptr, xhat: Ptr, invstd: Ptr, x: Ptr, B: number, momentum = this.momentum): void {
    k.batchNormTrain(
      y, xhat, invstd, x, this.gain.ptr, this.bias.ptr, this.runningMean.ptr, this.runningVar.ptr,
      B, this.size, momentum, BN_EPS,
    );
  }

  /** Eval-mode forward with the running statistics. */
  forwardEval(k: Kernels, y: Ptr, x: Ptr, B: number): void {
    k.batchNormEval(y, x, this.gain.ptr, this.bias.ptr, this.runningMean.ptr, this.runningVar.ptr, B, this.size, BN_EPS);
  }

  /** dgain, dbias and dx (dx may be dy: overwritten in place). */
  backward(k: Kernels, dx: Ptr, dy: Ptr, xhat: Ptr, invstd: Ptr, B: number): void {
    k.batchNormBackward(dx, this.gain.grad!, this.bias.grad!, dy, xhat, invstd, this.gain.ptr, B, this.size, false);
  }
}

/** h = tanh(x) elementwise. */
export function tanhForward(k: Kernels, h: Ptr, x: Ptr, n: number): void {
  k.tanhForward(h, x, n);
}

/** dx = dh · (1 − h²), in place when dx is dh. */
export function tanhBackward(k: Kernels, dx: Ptr, dh: Ptr, h: Ptr, n: number): void {
  k.tanhBackward(dx, dh, h, n, false);
}
