/**
 * src/nn: layers with forward and backward side by side, a Sequential container, the Net that lays them out in one
 * arena and trains them, and the optimizers.
 */
export { Layer, ShapeError, sizeOf, formatShape, type Shape, type Init, type TensorSpec, type LayerSetup, type Tensor, type Allocator, type Pass, type Probe } from './layer.ts';
export { Sequential, joinName, type Named } from './sequential.ts';
export { Embedding, type EmbeddingOptions } from './embedding.ts';
export { Linear, type LinearOptions } from './linear.ts';
export { BatchNorm1d, BN_EPS } from './batchnorm.ts';
export { Tanh } from './tanh.ts';
export { FlattenConsecutive } from './flatten.ts';
export { normalInit, fanInInit, constantInit, zeros, ones, xavierUniformInit, calculateGain, type Nonlinearity } from './init.ts';
export { INIT_SCHEMES, linearInit, checkInitScheme, type InitScheme } from './init-schemes.ts';
export { LayerNorm, LN_EPS } from './layernorm.ts';
export { GELU } from './gelu.ts';
export { Residual } from './residual.ts';
export { CausalAttention, CausalSelfAttention, CausalBoW } from './attention.ts';
export { TokenPositionEmbedding } from './position.ts';
export { sgd, adamw, makeOptimizer, OPTIMIZER_KINDS, type Optimizer, type OptimizerSpec, type OptimizerKind, type SgdOptions, type AdamWOptions } from './optim.ts';
export { Net, type NetOptions, type Workspace, type OptimizerState } from './net.ts';
export {
  SATURATION, DEFAULT_BINS, type Diagnostics, type DiagnosticsOptions, type ActivationStats, type ParameterStats, type TensorStats,
  type Histogram,
} from './diagnostics.ts';
// recurrent (issue 14)
export { RecurrentCell, uniformInit, type CellSpace, type Stepper } from './recurrent-cell.ts';
export { RNNCell } from './rnn.ts';
export { GRUCell } from './gru.ts';
export { LSTMCell, LSTM_FORGET_BIAS } from './lstm.ts';
