/**
 * makemore-wasm: character-level language models (n-gram counts, a neural bigram, an MLP with BatchNorm) with a
 * WebAssembly SIMD numeric core. This is the public entry point; everything exported here is the supported API.
 */
export { Rng } from './rng.ts';
export { readWords, splitWords, type SplitOptions, type WordSplits } from './data/words.ts';
export { Vocabulary, BOUNDARY } from './data/vocabulary.ts';
export { buildContexts, type Contexts } from './data/contexts.ts';
export { defaultNames } from './data/default-names.ts';

export type { LanguageModel, ModelKind, ModelState, SampleOptions, TensorState } from './models/model.ts';
export { NGramModel, type NGramOptions } from './models/ngram.ts';
export { NeuralBigram, type NeuralBigramOptions, type GradientPath, type FullBatchOptions } from './models/bigram.ts';
export { MLP, type MLPOptions, type MLPConfig } from './models/mlp.ts';
export { modelFromJSON, type AnyModel } from './models/load.ts';
export type { BackendOption } from './models/backend-option.ts';
export { encodeTensor, decodeTensor } from './models/tensor-codec.ts';

export {
  encodeModelFile, decodeModelFile, checkModelFile, ModelFileError, MODEL_FILE_FORMAT, MODEL_FILE_VERSION,
  type ModelFile, type TrainingInfo, type LossPoint, type DecodeOptions,
} from './io/model-file.ts';
export { decodeModelInput, type ModelInput, type ModelSource, type ModelFileDocument } from './io/model-input.ts';

export {
  train, TrainingDivergedError,
  type TrainOptions, type TrainResult, type TrainProgress, type HistoryPoint, type TrainData,
} from './train.ts';

export {
  createBackend, createJsBackend, Backend, Arena, KERNEL_NAMES,
  type BackendName, type BackendOptions, type Kernels, type Ptr, type Region, type WasmSource,
} from './backend/index.ts';
