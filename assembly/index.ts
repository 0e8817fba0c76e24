// The wasm side of the kernel contract (src/backend/kernels.ts): every kernel exported under its contract name.
// Pointers are byte offsets into this module's memory, booleans arrive as i32, losses and sums return f64.
export { matmul, matmulTN } from './matmul';
export { matmulNT } from './matmul-nt';
export {
  addBias, biasBackward, tanhForward, tanhBackward, zero, sumSquares, addInto, copy,
} from './elementwise';
export { sgdUpdate, sgdMomentumUpdate, adamwUpdate, sgdStep, sgdMomentumStep, adamwStep } from './optim';
export { softmax, logSoftmax, crossEntropyLoss, softmaxCrossEntropy } from './softmax';
export { batchNormTrain, batchNormEval, batchNormBackward } from './batchnorm';
export { embeddingGather, embeddingScatterAdd } from './embedding';
export { sum, sumSquaredDeviations, countAbove, maxAbs, histogram, subtract } from './reduce';
// recurrent (issue 14)
export {
  sigmoidForward, sigmoidBackward, transposeBT, gruGatesForward, gruOutputForward, gruOutputBackward, gruGatesBackward,
  lstmCellForward, lstmCellBackward,
} from './recurrent';
// transformer (issue 15)
export { layerNormForward, layerNormBackward, geluForward, geluBackward } from './layernorm';
export { attentionForward, attentionBackward, attentionStep, causalMeanForward, causalMeanBackward } from './attention';

/** First free byte past the module's static data: the TypeScript arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}
