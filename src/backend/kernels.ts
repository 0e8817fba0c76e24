/**
 * The kernel contract: every numeric operation a training step needs, once, with one signature.
 *
 * Both backends (AssemblyScript/wasm and plain TypeScript) implement {@link Kernels} with the same names and
 * arguments. Arguments are llm.c style: byte offsets ("pointers") into one linear memory plus explicit shapes.
 * All matrices are row-major float32; index arrays are int32. Nothing here allocates.
 *
 * The raw kernels trust their arguments. {@link Backend} (see `backend.ts`) wraps them with checks that name the
 * offending argument, so a bad call throws an Error in TypeScript instead of trapping (or corrupting) in wasm.
 */

/** A byte offset into the backend's linear memory (16-byte aligned when it comes from the arena). */
export type Ptr = number;

export interface Kernels {
  /** C[M×N] (+)= A[M×K] · B[K×N]. `accumulate` adds into C instead of overwriting it. */
  matmul(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: boolean): void;
  /** C[M×N] (+)= Aᵀ · B with A stored [K×M] and B [K×N]: the weight gradient dW = Xᵀ·dY. */
  matmulTN(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: boolean): void;
  /** C[M×N] (+)= A · Bᵀ with A stored [M×K] and B [N×K]: the input gradient dX = dY·Wᵀ. */
  matmulNT(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: boolean): void;

  /** y[i,j] += b[j] for a [M×N] matrix, in place. */
  addBias(y: Ptr, b: Ptr, M: number, N: number): void;
  /** db[j] (+)= Σᵢ dy[i,j]: the bias gradient is the column sum. */
  biasBackward(db: Ptr, dy: Ptr, M: number, N: number, accumulate: boolean): void;

  /** y = tanh(x) over n elements (y may alias x). */
  tanhForward(y: Ptr, x: Ptr, n: number): void;
  /** dx (+)= dy · (1 − y²), using the forward output y (dx may alias dy when not accumulating). */
  tanhBackward(dx: Ptr, dy: Ptr, y: Ptr, n: number, accumulate: boolean): void;

  /** Row softmax of a [M×N] matrix; subtracts the row max first (y may alias x). */
  softmax(y: Ptr, x: Ptr, M: number, N: number): void;
  /** Row log-softmax: x − max − log Σ exp(x − max) (y may alias x). */
  logSoftmax(y: Ptr, x: Ptr, M: number, N: number): void;
  /** Mean over rows of −log softmax(logits)[target]; writes nothing. Accumulated in float64. */
  crossEntropyLoss(logits: Ptr, targets: Ptr, M: number, N: number): number;
  /**
   * Fused softmax + cross-entropy: returns the mean loss and writes dlogits = (softmax − onehot(target)) / M in one
   * pass over each row. dlogits may alias logits.
   */
  softmaxCrossEntropy(dlogits: Ptr, logits: Ptr, targets: Ptr, M: number, N: number): number;

  /**
   * BatchNorm1d in training mode over a [M×N] batch (statistics per column):
   * xhat = (x − mean) / √(var + eps) with the biased batch variance, y = gain·xhat + bias; saves xhat and
   * invstd = 1/√(var + eps) for the backward pass, and moves the running buffers towards the batch statistics:
   * run = (1 − momentum)·run + momentum·batch, with the unbiased variance for runVar (as PyTorch does).
   */
  batchNormTrain(
    y: Ptr, xhat: Ptr, invstd: Ptr, x: Ptr, gain: Ptr, bias: Ptr, runMean: Ptr, runVar: Ptr,
    M: number, N: number, momentum: number, eps: number,
  ): void;
  /** BatchNorm1d in eval mode: y = gain·(x − runMean)/√(runVar + eps) + bias, each row on its own. */
  batchNormEval(y: Ptr, x: Ptr, gain: Ptr, bias: Ptr, runMean: Ptr, runVar: Ptr, M: number, N: number, eps: number): void;
  /**
   * BatchNorm1d backward, the one-pass formula: dgain = Σ dy·xhat, dbias = Σ dy (overwritten), and
   * dx = gain·invstd/M · (M·dy − Σdy − xhat·Σ(dy·xhat)) (overwritten; dx may alias dy).
   */
  batchNormBackward(dx: Ptr, dgain: Ptr, dbias: Ptr, dy: Ptr, xhat: Ptr, invstd: Ptr, gain: Ptr, M: number, N: number): void;

  /** out[b, t·D + d] = table[idx[b·T + t], d]: B contexts of T int32 indices each, concatenated into rows of T·D. */
  embeddingGather(out: Ptr, table: Ptr, idx: Ptr, B: number, T: number, D: number): void;
  /** dtable[idx[b·T + t], d] += dout[b, t·D + d]: the gather's backward, a scatter-add (zero dtable first). */
  embeddingScatterAdd(dtable: Ptr, dout: Ptr, idx: Ptr, B: number, T: number, D: number): void;

  /** SGD with optional L2 weight decay: p −= lr · (g + weightDecay · p) over n elements. */
  sgdUpdate(param: Ptr, grad: Ptr, n: number, lr: number, weightDecay: number): void;
  /** x[0..n) = 0. */
  zero(x: Ptr, n: number): void;
  /** Σ x² over n elements, accumulated in float64 (the L2 term). */
  sumSquares(x: Ptr, n: number): number;
}

/** The names of all kernels, in contract order: used by tests and benchmarks to prove both backends cover them. */
export const KERNEL_NAMES = [
  'matmul', 'matmulTN', 'matmulNT', 'addBias', 'biasBackward', 'tanhForward', 'tanhBackward',
  'softmax', 'logSoftmax', 'crossEntropyLoss', 'softmaxCrossEntropy',
  'batchNormTrain', 'batchNormEval', 'batchNormBackward', 'embeddingGather', 'embeddingScatterAdd',
  'sgdUpdate', 'zero', 'sumSquares',
] as const satisfies readonly (keyof Kernels)[];
