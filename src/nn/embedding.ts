/**
 * Embedding: a table C[V×D]; each of the T int32 ids of an example selects a row, so an example [T] becomes [T, D]
 * (one-hot(id) · C as a row lookup). Backward scatter-adds the output gradient into the selected rows.
 */
import type { Tensor, TensorSpec } from './layer.ts';
import { Layer, ShapeError, formatShape, positiveInt, type LayerSetup, type Pass, type Shape } from './layer.ts';
import { normalInit } from './init.ts';

/** Options for {@link Embedding}. */
export interface EmbeddingOptions {
  /** Local name of the table in saved files (default 'weight'). */
  name?: string;
}

export class Embedding extends Layer {
  readonly vocabSize: number;
  readonly dim: number;
  private readonly tableName: string;
  private table!: Tensor;
  private T = 0;

  constructor(vocabSize: number, dim: number, options: EmbeddingOptions = {}) {
    super();
    this.vocabSize = positiveInt('Embedding', 'vocabSize', vocabSize);
    this.dim = positiveInt('Embedding', 'dim', dim);
    this.tableName = options.name ?? 'weight';
  }

  describe(): string {
    return `Embedding(${this.vocabSize} × ${this.dim})`;
  }

  override get takesIds(): boolean {
    return true;
  }

  setup(input: Shape): LayerSetup {
    if (input.length !== 1) throw new ShapeError(`${this.describe()} takes [T] ids per example, got ${formatShape(input)}`);
    this.T = input[0]!;
    const params: TensorSpec[] = [{ name: this.tableName, shape: [this.vocabSize, this.dim], init: normalInit(1) }];
    return { output: [this.T, this.dim], params };
  }

  override bind(tensors: ReadonlyMap<string, Tensor>): void {
    this.table = tensors.get(this.tableName)!;
  }

  /** y[b, t·D + d] = C[x[b·T + t], d]. */
  forward({ k, B, x, y }: Pass): void {
    k.embeddingGather(y, this.table.ptr, x, B, this.T, this.dim);
  }

  /** dC[x[b·T + t]] += dy[b, t]; ids have no gradient. */
  backward({ k, B, x, dy }: Pass): void {
    k.embeddingScatterAdd(this.table.grad!, dy, x, B, this.T, this.dim);
  }
}
