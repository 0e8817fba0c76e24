/**
 * BatchNorm1d. Training normalizes each channel with the batch's own (biased) statistics and moves the running
 * buffers by `momentum`; evaluation uses the running buffers, so each row is processed on its own. Input [C] or
 * [T, C]: for 3-D activations [B, T, C] the statistics run over all B·T rows — the fix of lecture part 5.
 */
import { ones, zeros } from './init.ts';
import {
  Layer, ShapeError, formatShape, positiveInt, sizeOf, type Allocator, type LayerSetup, type Pass, type Shape, type Tensor,
} from './layer.ts';

/** ε of BatchNorm, as in PyTorch and the lecture. */
export const BN_EPS = 1e-5;

/** What the training forward keeps for backward: x̂ [rows × C] and 1/√(var + ε) [C]. */
interface Saved {
  xhat: Ptr;
  invstd: Ptr;
}
type Ptr = number;

export class BatchNorm1d extends Layer<Saved | null> {
  readonly momentum: number;
  private C = 0;
  private rowsPer = 1;
  private gain!: Tensor;
  private bias!: Tensor;
  private runningMean!: Tensor;
  private runningVar!: Tensor;

  /** @param momentum running = (1 − m)·running + m·batch (default 0.1 as PyTorch; the lecture's MLP uses 0.001). */
  constructor(momentum = 0.1) {
    super();
    if (!(momentum >= 0 && momentum <= 1)) throw new Error(`BatchNorm1d: momentum must be in [0, 1], got ${momentum}`);
    this.momentum = momentum;
  }

  describe(): string {
    return `BatchNorm1d(${this.C || '?'})`;
  }

  setup(input: Shape): LayerSetup {
    if (input.length < 1 || input.length > 2) {
      throw new ShapeError(`${this.describe()} takes [C] or [T, C] per example, got ${formatShape(input)}`);
    }
    this.C = positiveInt('BatchNorm1d', 'channels', input[input.length - 1]);
    this.rowsPer = sizeOf(input) / this.C;
    const C = this.C;
    return {
      output: input,
      params: [{ name: 'gain', shape: [C], init: ones }, { name: 'bias', shape: [C], init: zeros }],
      buffers: [{ name: 'runningMean', shape: [C], init: zeros }, { name: 'runningVar', shape: [C], init: ones }],
    };
  }

  override bind(t: ReadonlyMap<string, Tensor>): void {
    this.gain = t.get('gain')!;
    this.bias = t.get('bias')!;
    this.runningMean = t.get('runningMean')!;
    this.runningVar = t.get('runningVar')!;
  }

  override workspace(alloc: Allocator, B: number, training: boolean): Saved | null {
    if (!training) return null;
    return { xhat: alloc.f32(B * this.rowsPer * this.C, 'bn.xhat'), invstd: alloc.f32(this.C, 'bn.invstd') };
  }

  forward({ k, B, training, x, y, ws }: Pass<Saved | null>): void {
    const M = B * this.rowsPer;
    if (training) {
      if (M < 2) throw new Error(`BatchNorm1d: training needs at least 2 rows of statistics, got ${M}`);
      k.batchNormTrain(
        y, ws!.xhat, ws!.invstd, x, this.gain.ptr, this.bias.ptr, this.runningMean.ptr, this.runningVar.ptr,
        M, this.C, this.momentum, BN_EPS,
      );
    } else {
      k.batchNormEval(y, x, this.gain.ptr, this.bias.ptr, this.runningMean.ptr, this.runningVar.ptr, M, this.C, BN_EPS);
    }
  }

  /** dgain += Σ dy·x̂, dbias += Σ dy, dx = gain·invstd/M·(M·dy − Σdy − x̂·Σ(dy·x̂)). */
  backward({ k, B, dx, dy, ws }: Pass<Saved | null>): void {
    const M = B * this.rowsPer;
    // dx is always needed for the kernel's output; a BatchNorm is never the first layer of a model
    k.batchNormBackward(dx ?? dy, this.gain.grad!, this.bias.grad!, dy, ws!.xhat, ws!.invstd, this.gain.ptr, M, this.C, true);
  }
}
