/**
 * Token plus position embeddings, as makemore.py's Transformer and BoW begin: ids [T] → wte[id_t] + wpe[t], [T, C].
 * Both tables ~ N(0, 1) (torch.nn.Embedding's default). Backward scatter-adds into the token rows and sums the
 * batch into the position table.
 */
import { normalInit } from './init.ts';
import { Layer, ShapeError, formatShape, positiveInt, type LayerSetup, type Pass, type Shape, type Tensor } from './layer.ts';

export class TokenPositionEmbedding extends Layer {
  readonly vocabSize: number;
  readonly dim: number;
  private T = 0;
  private wte!: Tensor;
  private wpe!: Tensor;

  constructor(vocabSize: number, dim: number) {
    super();
    this.vocabSize = positiveInt('TokenPositionEmbedding', 'vocabSize', vocabSize);
    this.dim = positiveInt('TokenPositionEmbedding', 'dim', dim);
  }

  describe(): string {
    return `TokenPositionEmbedding(${this.vocabSize} × ${this.dim}, ${this.T || '?'} positions)`;
  }

  override get takesIds(): boolean {
    return true;
  }

  setup(input: Shape): LayerSetup {
    if (input.length !== 1) throw new ShapeError(`${this.describe()} takes [T] ids per example, got ${formatShape(input)}`);
    this.T = input[0]!;
    return {
      output: [this.T, this.dim],
      params: [
        { name: 'embedding', shape: [this.vocabSize, this.dim], init: normalInit(1) },
        { name: 'position', shape: [this.T, this.dim], init: normalInit(1) },
      ],
    };
  }

  override bind(tensors: ReadonlyMap<string, Tensor>): void {
    this.wte = tensors.get('embedding')!;
    this.wpe = tensors.get('position')!;
  }

  forward({ k, B, x, y }: Pass): void {
    k.embeddingGather(y, this.wte.ptr, x, B, this.T, this.dim);
    k.addBias(y, this.wpe.ptr, B, this.T * this.dim); // the [T·C] position row added to every example
  }

  backward({ k, B, x, dy }: Pass): void {
    k.embeddingScatterAdd(this.wte.grad!, dy, x, B, this.T, this.dim);
    k.biasBackward(this.wpe.grad!, dy, B, this.T * this.dim, true);
  }
}
