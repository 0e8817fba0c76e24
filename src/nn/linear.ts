/**
 * Linear: y = x·W (+ b) over the last dimension, W stored [in × out] as in the lecture (x @ W). An input [..., in]
 * is treated as rows of `in`, so [T, C] inputs (WaveNet, sequence models) work unchanged.
 */
import { fanInInit, zeros } from './init.ts';
import {
  Layer, ShapeError, formatShape, positiveInt, sizeOf, type Init, type LayerSetup, type Pass, type Shape, type Tensor,
  type TensorSpec,
} from './layer.ts';

/** Options for {@link Linear}. */
export interface LinearOptions {
  /** With a bias vector (default true). */
  bias?: boolean;
  /** Weights ~ N(0, 1)·gain/√fanIn (default gain 1); ignored when `weightInit` is given. */
  gain?: number;
  /** A custom weight initialization, called with fanIn and fanOut. */
  weightInit?: (fanIn: number, fanOut: number) => Init;
  /** A custom bias initialization, called with fanIn and fanOut (default zeros). */
  biasInit?: (fanIn: number, fanOut: number) => Init;
}

export class Linear extends Layer {
  readonly fanOut: number;
  readonly hasBias: boolean;
  private readonly options: LinearOptions;
  fanIn = 0;
  /** Rows per example: the product of the input's leading dimensions. */
  private rowsPer = 1;
  private weight!: Tensor;
  private bias: Tensor | null = null;

  constructor(fanOut: number, options: LinearOptions = {}) {
    super();
    this.fanOut = positiveInt('Linear', 'fanOut', fanOut);
    this.hasBias = options.bias ?? true;
    this.options = options;
  }

  describe(): string {
    return `Linear(${this.fanIn || '?'} → ${this.fanOut}${this.hasBias ? '' : ', no bias'})`;
  }

  setup(input: Shape): LayerSetup {
    if (input.length === 0) throw new ShapeError(`${this.describe()} needs at least one dimension, got ${formatShape(input)}`);
    this.fanIn = input[input.length - 1]!;
    this.rowsPer = sizeOf(input) / this.fanIn;
    const init = this.options.weightInit?.(this.fanIn, this.fanOut) ?? fanInInit(this.options.gain ?? 1, this.fanIn);
    const params: TensorSpec[] = [{ name: 'weight', shape: [this.fanIn, this.fanOut], init }];
    if (this.hasBias) params.push({ name: 'bias', shape: [this.fanOut], init: this.options.biasInit?.(this.fanIn, this.fanOut) ?? zeros });
    return { output: [...input.slice(0, -1), this.fanOut], params };
  }

  override bind(tensors: ReadonlyMap<string, Tensor>): void {
    this.weight = tensors.get('weight')!;
    this.bias = tensors.get('bias') ?? null;
  }

  forward({ k, B, x, y }: Pass): void {
    const M = B * this.rowsPer;
    k.matmul(y, x, this.weight.ptr, M, this.fanIn, this.fanOut, false);
    if (this.bias) k.addBias(y, this.bias.ptr, M, this.fanOut);
  }

  /** dW += xᵀ·dy, db += Σ dy, dx = dy·Wᵀ. */
  backward({ k, B, x, dx, dy }: Pass): void {
    const M = B * this.rowsPer;
    k.matmulTN(this.weight.grad!, x, dy, this.fanIn, M, this.fanOut, true);
    if (this.bias) k.biasBackward(this.bias.grad!, dy, M, this.fanOut, true);
    if (dx !== null) k.matmulNT(dx, dy, this.weight.ptr, M, this.fanOut, this.fanIn, false);
  }
}
