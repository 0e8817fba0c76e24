/**
 * LayerNorm over the channel (last) dimension, as torch.nn.LayerNorm(C): each row of C is normalized with its own
 * mean and biased variance (eps 1e-5), then scaled by `weight` (ones) and shifted by `bias` (zeros). Unlike
 * BatchNorm there are no running statistics: training and evaluation compute the same thing.
 */
import { ones, zeros } from './init.ts';
import { Layer, ShapeError, formatShape, sizeOf, type Allocator, type LayerSetup, type Pass, type Shape, type Tensor } from './layer.ts';

/** PyTorch's default eps. */
export const LN_EPS = 1e-5;

interface LayerNormSpace {
  /** Per row: mean and 1/√(var + eps), kept for backward. */
  mean: number;
  rstd: number;
  /** Where dx goes when nothing upstream wants it (the kernel always writes one). */
  dxSink: number;
}

export class LayerNorm extends Layer<LayerNormSpace> {
  private C = 0;
  private rowsPer = 0;
  private weight!: Tensor;
  private bias!: Tensor;

  describe(): string {
    return `LayerNorm(${this.C || '?'})`;
  }

  setup(input: Shape): LayerSetup {
    if (input.length === 0) throw new ShapeError(`LayerNorm needs at least one dimension, got ${formatShape(input)}`);
    this.C = input[input.length - 1]!;
    this.rowsPer = sizeOf(input) / this.C;
    return {
      output: input,
      params: [{ name: 'weight', shape: [this.C], init: ones }, { name: 'bias', shape: [this.C], init: zeros }],
    };
  }

  override bind(tensors: ReadonlyMap<string, Tensor>): void {
    this.weight = tensors.get('weight')!;
    this.bias = tensors.get('bias')!;
  }

  override workspace(alloc: Allocator, B: number, training: boolean): LayerNormSpace {
    const rows = B * this.rowsPer;
    return {
      mean: alloc.f32(rows, 'ln.mean'),
      rstd: alloc.f32(rows, 'ln.rstd'),
      dxSink: training ? alloc.f32(rows * this.C, 'ln.dxSink') : -1,
    };
  }

  forward({ k, B, x, y, ws }: Pass<LayerNormSpace>): void {
    k.layerNormForward(y, ws.mean, ws.rstd, x, this.weight.ptr, this.bias.ptr, B * this.rowsPer, this.C, LN_EPS);
  }

  backward({ k, B, x, dx, dy, ws }: Pass<LayerNormSpace>): void {
    k.layerNormBackward(
      dx ?? ws.dxSink, this.weight.grad!, this.bias.grad!, dy, x, ws.mean, ws.rstd, this.weight.ptr, B * this.rowsPer, this.C,
    );
  }
}
