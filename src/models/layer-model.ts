/**
 * A model from any layer stack of your own: the {@link ContextModel} machinery (training with `train()`, evaluation,
 * sampling, tensors by name, saving) over a root layer that maps blockSize ids to V logits. Its files record kind
 * 'custom'; to load one, build the same layers again and call {@link LayerModel.load}.
 */
import { Vocabulary } from '../data/vocabulary.ts';
import type { Layer } from '../nn/layer.ts';
import { resolveBackend, type BackendOption } from './backend-option.ts';
import { ContextModel, type ContextConfig } from './context-model.ts';
import type { ModelState } from './model.ts';

/** Options for {@link LayerModel.create}. */
export interface LayerModelOptions {
  vocab: Vocabulary;
  /** Characters of context: the layers receive [blockSize] ids per example. */
  blockSize: number;
  /** The layers, e.g. a Sequential starting with an Embedding and ending with a Linear to vocab.size. */
  layers: Layer;
  /** Seed of the initialization (default 42). */
  seed?: number;
  /** Smallest training batch (2 when the layers hold a BatchNorm; default 2). */
  minBatch?: number;
  backend?: BackendOption;
}

export class LayerModel extends ContextModel<ContextConfig> {
  readonly kind = 'custom' as const;
  private readonly smallestBatch: number;

  private constructor(o: LayerModelOptions, backend: Awaited<ReturnType<typeof resolveBackend>>) {
    super('LayerModel', o.vocab, { blockSize: o.blockSize, seed: o.seed ?? 42 }, backend, o.layers);
    this.smallestBatch = o.minBatch ?? 2;
  }

  /** A new model over the given layers, initialized with the seed. */
  static async create(options: LayerModelOptions): Promise<LayerModel> {
    const who = 'LayerModel.create';
    if (!options || !(options.vocab instanceof Vocabulary)) throw new Error(`${who}: vocab must be a Vocabulary`);
    if (!Number.isInteger(options.blockSize) || options.blockSize < 1) {
      throw new Error(`${who}: blockSize must be a positive integer, got ${String(options.blockSize)}`);
    }
    return new LayerModel(options, await resolveBackend(options.backend, who));
  }

  /** Sets every tensor (and the optimizer state) from a state saved by toJSON() of a model with the same layers. */
  load(state: ModelState): this {
    return this.restore(state);
  }

  protected override minBatch(): number {
    return this.smallestBatch;
  }
}
