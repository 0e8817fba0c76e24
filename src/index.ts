/**
 * makemore-wasm: character-level language models (n-gram counts, a neural bigram, an MLP with BatchNorm, a WaveNet,
 * recurrent networks, makemore.py's Transformer and bag of words) with a WebAssembly SIMD numeric core. This is the
 * public entry point; everything exported here is the supported API.
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
export { WaveNet, waveNetLevels, type WaveNetOptions, type WaveNetConfig } from './models/wavenet.ts';
export { modelFromJSON } from './io/load-model.ts';
export { Transformer, MAKEMORE_ADAMW, type TransformerOptions, type TransformerConfig } from './models/transformer.ts';
export { BoW, type BoWOptions, type BoWConfig } from './models/bow.ts';
export {
  modelKind, defaultSettings, isModelKind, MODEL_REGISTRY, MODEL_KINDS,
  type AnyModel, type ModelKindEntry, type ModelOption, type ModelSettings, type ModelPictures, type RegisteredKind,
  type TrainingDefaults, defaultDecayStep, describeDecay,
} from './models/registry.ts';
export type { Trainable, TrainingSession, TrainingSetup } from './models/training.ts';
export { NetModel, type NetModelConfig, type Examples } from './models/net-model.ts';
export { ContextModel, type ContextConfig } from './models/context-model.ts';
export { SequenceModel, type SequenceConfig } from './models/sequence-model.ts';
export { buildSequences, sequenceLength, type Sequences } from './data/sequences.ts';
export { LayerModel, type LayerModelOptions } from './models/layer-model.ts';
export {
  Layer, Sequential, Embedding, Linear, BatchNorm1d, Tanh, FlattenConsecutive, Net, ShapeError, sgd, adamw, makeOptimizer,
  normalInit, fanInInit, constantInit, zeros, ones, sizeOf, OPTIMIZER_KINDS,
  LayerNorm, GELU, Residual, CausalAttention, CausalSelfAttention, CausalBoW, TokenPositionEmbedding,
  type Shape, type Init, type TensorSpec, type LayerSetup, type Tensor, type Allocator, type Pass, type Named,
  type NetOptions, type Workspace, type OptimizerSpec, type OptimizerKind, type Optimizer, type OptimizerState,
  type SgdOptions, type AdamWOptions, type Probe, type Diagnostics, type DiagnosticsOptions, type ActivationStats,
  type ParameterStats, type TensorStats, type Histogram, SATURATION,
} from './nn/index.ts';
export type { BackendOption } from './models/backend-option.ts';
// recurrent (issue 14)
export { RecurrentLM, RECURRENT_KINDS, type RecurrentKind, type RecurrentOptions, type RecurrentConfig } from './models/recurrent.ts';
export { RecurrentCell, RNNCell, GRUCell, LSTMCell, LSTM_FORGET_BIAS, uniformInit, type Stepper } from './nn/index.ts';
export { encodeTensor, decodeTensor } from './models/tensor-codec.ts';

export {
  encodeModelFile, decodeModelFile, checkModelFile, ModelFileError, MODEL_FILE_FORMAT, MODEL_FILE_VERSION,
  type ModelFile, type TrainingInfo, type LossPoint, type DecodeOptions,
} from './io/model-file.ts';
export { decodeModelInput, type ModelInput, type ModelSource, type ModelFileDocument } from './io/model-input.ts';

export {
  train, TrainingDivergedError,
  type TrainOptions, type TrainResult, type TrainProgress, type DiagnosticsReport, type HistoryPoint, type TrainData,
} from './train.ts';

export {
  createBackend, createJsBackend, Backend, Arena, KERNEL_NAMES,
  type BackendName, type BackendOptions, type Kernels, type Ptr, type Region, type WasmSource,
} from './backend/index.ts';
