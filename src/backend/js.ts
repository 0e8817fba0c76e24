import type { Arena } from './arena.ts';
import { createJsOptimizers } from './js-optim.ts';
import { createJsReductions } from './js-reduce.ts';
import { createJsRecurrent } from './js-recurrent.ts';
import { createJsTransformer } from './js-transformer.ts';
import type { Kernels, Ptr } from './kernels.ts';

/**
 * The kernel contract in plain TypeScript: the reference the wasm kernels are tested against, and the "JS" side of
 * the wasm-vs-JS benchmarks.
 *
 * Every kernel takes the arena's whole-memory views afresh at the start of the call (a growth since the last call
 * detaches the old ones) and indexes them with ptr >>> 2. Sums that the contract says are accumulated in float64
 * (losses, batch statistics, the L2 term) use JS numbers; element-wise results are rounded to float32 on store.
 * Written for clarity, with loop orders that stream through memory (i-k-j matmul), not for speed.
 */
export function createJsKernels(arena: Arena): Kernels {
  // Per-column float64 accumulators for BatchNorm and the bias gradient, grown on demand so a training step that
  // calls a kernel thousands of times does not allocate each time.
  let scratch = new Float64Array(0);
  function columns(count: number): Float64Array {
    if (scratch.length < count) scratch = new Float64Array(count);
    return scratch;
  }

  function matmul(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: boolean): void {
    const F = arena.F32;
    const C = c >>> 2, A = a >>> 2, B = b >>> 2;
    if (!accumulate) F.fill(0, C, C + M * N);
    for (let i = 0; i < M; i++) {
      const ci = C + i * N;
      for (let k = 0; k < K; k++) {
        const aik = F[A + i * K + k]!;
        const bk = B + k * N;
        for (let j = 0; j < N; j++) F[ci + j] += aik * F[bk + j]!;
      }
    }
  }

  function matmulTN(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: boolean): void {
    const F = arena.F32;
    const C = c >>> 2, A = a >>> 2, B = b >>> 2;
    if (!accumulate) F.fill(0, C, C + M * N);
    // A is [K×M]: walk k outermost so both A's row k and B's row k are read contiguously.
    for (let k = 0; k < K; k++) {
      const ak = A + k * M;
      const bk = B + k * N;
      for (let i = 0; i < M; i++) {
        const aki = F[ak + i]!;
        const ci = C + i * N;
        for (let j = 0; j < N; j++) F[ci + j] += aki * F[bk + j]!;
      }
    }
  }

  function matmulNT(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, accumulate: boolean): void {
    const F = arena.F32;
    const C = c >>> 2, A = a >>> 2, B = b >>> 2;
    // Rows of A against rows of B: each output is one contiguous dot product.
    for (let i = 0; i < M; i++) {
      const ai = A + i * K;
      for (let j = 0; j < N; j++) {
        const bj = B + j * K;
        let dot = 0;
        for (let k = 0; k < K; k++) dot += F[ai + k]! * F[bj + k]!;
        const cij = C + i * N + j;
        F[cij] = accumulate ? F[cij]! + dot : dot;
      }
    }
  }

  function addBias(y: Ptr, b: Ptr, M: number, N: number): void {
    const F = arena.F32;
    const Y = y >>> 2, Bi = b >>> 2;
    for (let i = 0; i < M; i++) {
      const yi = Y + i * N;
      for (let j = 0; j < N; j++) F[yi + j] += F[Bi + j]!;
    }
  }

  function biasBackward(db: Ptr, dy: Ptr, M: number, N: number, accumulate: boolean): void {
    const F = arena.F32;
    const DB = db >>> 2, DY = dy >>> 2;
    const sum = columns(N);
    sum.fill(0, 0, N);
    for (let i = 0; i < M; i++) {
      const dyi = DY + i * N;
      for (let j = 0; j < N; j++) sum[j] += F[dyi + j]!;
    }
    for (let j = 0; j < N; j++) F[DB + j] = accumulate ? F[DB + j]! + sum[j]! : sum[j]!;
  }

  function tanhForward(y: Ptr, x: Ptr, n: number): void {
    const F = arena.F32;
    const Y = y >>> 2, X = x >>> 2;
    for (let i = 0; i < n; i++) F[Y + i] = Math.tanh(F[X + i]!);
  }

  function tanhBackward(dx: Ptr, dy: Ptr, y: Ptr, n: number, accumulate: boolean): void {
    const F = arena.F32;
    const DX = dx >>> 2, DY = dy >>> 2, Y = y >>> 2;
    for (let i = 0; i < n; i++) {
      const yi = F[Y + i]!;
      const g = F[DY + i]! * (1 - yi * yi);
      F[DX + i] = accumulate ? F[DX + i]! + g : g;
    }
  }

  function rowMax(F: Float32Array, row: number, N: number): number {
    let max = F[row]!;
    for (let j = 1; j < N; j++) if (F[row + j]! > max) max = F[row + j]!;
    return max;
  }

  function softmax(y: Ptr, x: Ptr, M: number, N: number): void {
    const F = arena.F32;
    const Y = y >>> 2, X = x >>> 2;
    for (let i = 0; i < M; i++) {
      const xi = X + i * N, yi = Y + i * N;
      const max = rowMax(F, xi, N);
      let sum = 0;
      for (let j = 0; j < N; j++) {
        const e = Math.exp(F[xi + j]! - max);
        F[yi + j] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let j = 0; j < N; j++) F[yi + j] *= inv;
    }
  }

  function logSoftmax(y: Ptr, x: Ptr, M: number, N: number): void {
    const F = arena.F32;
    const Y = y >>> 2, X = x >>> 2;
    for (let i = 0; i < M; i++) {
      const xi = X + i * N, yi = Y + i * N;
      const max = rowMax(F, xi, N);
      let sum = 0;
      for (let j = 0; j < N; j++) sum += Math.exp(F[xi + j]! - max);
      const logSum = Math.log(sum);
      // (x − max) first: it is exact for nearby values, so a large common offset cancels before log Σ is subtracted.
      for (let j = 0; j < N; j++) F[yi + j] = F[xi + j]! - max - logSum;
    }
  }

  /** How many targets are real (not −1, "no target"). */
  function countTargets(I: Int32Array, T: number, M: number): number {
    let count = 0;
    for (let i = 0; i < M; i++) if (I[T + i]! >= 0) count++;
    return count;
  }

  function crossEntropyLoss(logits: Ptr, targets: Ptr, M: number, N: number): number {
    const F = arena.F32, I = arena.I32;
    const L = logits >>> 2, T = targets >>> 2;
    const count = countTargets(I, T, M);
    if (count === 0) return 0;
    let loss = 0;
    for (let i = 0; i < M; i++) {
      const t = I[T + i]!;
      if (t < 0) continue; // no target: the row adds nothing
      const li = L + i * N;
      const max = rowMax(F, li, N);
      let sum = 0;
      for (let j = 0; j < N; j++) sum += Math.exp(F[li + j]! - max);
      loss += Math.log(sum) - (F[li + t]! - max);
    }
    return loss / count;
  }

  function softmaxCrossEntropy(dlogits: Ptr, logits: Ptr, targets: Ptr, M: number, N: number): number {
    const F = arena.F32, I = arena.I32;
    const D = dlogits >>> 2, L = logits >>> 2, T = targets >>> 2;
    const count = countTargets(I, T, M);
    const invM = 1 / Math.max(count, 1);
    let loss = 0;
    for (let i = 0; i < M; i++) {
      const li = L + i * N, di = D + i * N;
      const t = I[T + i]!;
      if (t < 0) {
        F.fill(0, di, di + N); // no target: no gradient
        continue;
      }
      const max = rowMax(F, li, N);
      const target = F[li + t]!; // read before the row is overwritten: dlogits may alias logits
      let sum = 0;
      for (let j = 0; j < N; j++) {
        const e = Math.exp(F[li + j]! - max);
        F[di + j] = e;
        sum += e;
      }
      loss += Math.log(sum) - (target - max);
      const scale = invM / sum;
      for (let j = 0; j < N; j++) F[di + j] *= scale;
      F[di + t] -= invM;
    }
    return count === 0 ? 0 : loss / count;
  }

  function batchNormTrain(
    y: Ptr, xhat: Ptr, invstd: Ptr, x: Ptr, gain: Ptr, bias: Ptr, runMean: Ptr, runVar: Ptr,
    M: number, N: number, momentum: number, eps: number,
  ): void {
    const F = arena.F32;
    const Y = y >>> 2, XH = xhat >>> 2, IS = invstd >>> 2, X = x >>> 2;
    const G = gain >>> 2, Bi = bias >>> 2, RM = runMean >>> 2, RV = runVar >>> 2;
    const acc = columns(2 * N);
    const mean = acc.subarray(0, N), sq = acc.subarray(N, 2 * N);
    mean.fill(0);
    sq.fill(0);
    // Two passes (mean, then squared deviations) in float64: no cancellation even when |mean| ≫ std.
    for (let i = 0; i < M; i++) {
      const xi = X + i * N;
      for (let j = 0; j < N; j++) mean[j] += F[xi + j]!;
    }
    for (let j = 0; j < N; j++) mean[j] /= M;
    for (let i = 0; i < M; i++) {
      const xi = X + i * N;
      for (let j = 0; j < N; j++) {
        const d = F[xi + j]! - mean[j]!;
        sq[j] += d * d;
      }
    }
    for (let j = 0; j < N; j++) {
      const variance = sq[j]! / M; // biased: what the batch is normalized with
      const unbiased = M > 1 ? sq[j]! / (M - 1) : variance; // one row has no spread estimate: keep the biased 0
      F[IS + j] = 1 / Math.sqrt(variance + eps);
      F[RM + j] = (1 - momentum) * F[RM + j]! + momentum * mean[j]!;
      F[RV + j] = (1 - momentum) * F[RV + j]! + momentum * unbiased;
    }
    for (let i = 0; i < M; i++) {
      const xi = X + i * N, yi = Y + i * N, hi = XH + i * N;
      for (let j = 0; j < N; j++) {
        const h = (F[xi + j]! - mean[j]!) * F[IS + j]!;
        F[hi + j] = h;
        F[yi + j] = F[G + j]! * h + F[Bi + j]!;
      }
    }
  }

  function batchNormEval(y: Ptr, x: Ptr, gain: Ptr, bias: Ptr, runMean: Ptr, runVar: Ptr, M: number, N: number, eps: number): void {
    const F = arena.F32;
    const Y = y >>> 2, X = x >>> 2, G = gain >>> 2, Bi = bias >>> 2, RM = runMean >>> 2, RV = runVar >>> 2;
    for (let i = 0; i < M; i++) {
      const xi = X + i * N, yi = Y + i * N;
      for (let j = 0; j < N; j++) {
        F[yi + j] = (F[G + j]! * (F[xi + j]! - F[RM + j]!)) / Math.sqrt(F[RV + j]! + eps) + F[Bi + j]!;
      }
    }
  }

  function batchNormBackward(
    dx: Ptr, dgain: Ptr, dbias: Ptr, dy: Ptr, xhat: Ptr, invstd: Ptr, gain: Ptr, M: number, N: number, accumulate: boolean,
  ): void {
    const F = arena.F32;
    const DX = dx >>> 2, DG = dgain >>> 2, DB = dbias >>> 2, DY = dy >>> 2, XH = xhat >>> 2, IS = invstd >>> 2, G = gain >>> 2;
    const acc = columns(2 * N);
    const sumDy = acc.subarray(0, N), sumDyXhat = acc.subarray(N, 2 * N);
    sumDy.fill(0);
    sumDyXhat.fill(0);
    for (let i = 0; i < M; i++) {
      const dyi = DY + i * N, hi = XH + i * N;
      for (let j = 0; j < N; j++) {
        const g = F[dyi + j]!;
        sumDy[j] += g;
        sumDyXhat[j] += g * F[hi + j]!;
      }
    }
    for (let j = 0; j < N; j++) {
      F[DB + j] = accumulate ? F[DB + j]! + sumDy[j]! : sumDy[j]!;
      F[DG + j] = accumulate ? F[DG + j]! + sumDyXhat[j]! : sumDyXhat[j]!;
    }
    // dx only reads dy at its own index, after the column sums are complete: safe when dx aliases dy.
    for (let i = 0; i < M; i++) {
      const dxi = DX + i * N, dyi = DY + i * N, hi = XH + i * N;
      for (let j = 0; j < N; j++) {
        const scale = (F[G + j]! * F[IS + j]!) / M;
        F[dxi + j] = scale * (M * F[dyi + j]! - sumDy[j]! - F[hi + j]! * sumDyXhat[j]!);
      }
    }
  }

  function embeddingGather(out: Ptr, table: Ptr, idx: Ptr, B: number, T: number, D: number): void {
    const F = arena.F32, I = arena.I32;
    const O = out >>> 2, TB = table >>> 2, IX = idx >>> 2;
    // Row r = b·T + t of the [B·T × D] view of out is context b's t-th embedding.
    for (let r = 0; r < B * T; r++) {
      const src = TB + I[IX + r]! * D, dst = O + r * D;
      for (let d = 0; d < D; d++) F[dst + d] = F[src + d]!;
    }
  }

  function embeddingScatterAdd(dtable: Ptr, dout: Ptr, idx: Ptr, B: number, T: number, D: number): void {
    const F = arena.F32, I = arena.I32;
    const DT = dtable >>> 2, DO = dout >>> 2, IX = idx >>> 2;
    for (let r = 0; r < B * T; r++) {
      const dst = DT + I[IX + r]! * D, src = DO + r * D;
      for (let d = 0; d < D; d++) F[dst + d] += F[src + d]!;
    }
  }

  function addInto(y: Ptr, x: Ptr, n: number): void {
    const F = arena.F32;
    const Y = y >>> 2, X = x >>> 2;
    for (let i = 0; i < n; i++) F[Y + i] += F[X + i]!;
  }

  function copy(dst: Ptr, src: Ptr, n: number): void {
    const S = src >>> 2;
    arena.F32.copyWithin(dst >>> 2, S, S + n); // a byte-exact move: NaN payloads and int32 bits survive
  }

  function zero(x: Ptr, n: number): void {
    const X = x >>> 2;
    arena.F32.fill(0, X, X + n);
  }

  function sumSquares(x: Ptr, n: number): number {
    const F = arena.F32;
    const X = x >>> 2;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += F[X + i]! * F[X + i]!;
    return sum;
  }

  return {
    matmul, matmulTN, matmulNT, addBias, biasBackward, tanhForward, tanhBackward,
    softmax, logSoftmax, crossEntropyLoss, softmaxCrossEntropy,
    batchNormTrain, batchNormEval, batchNormBackward, embeddingGather, embeddingScatterAdd,
    ...createJsOptimizers(arena), addInto, copy, zero, sumSquares,
    ...createJsReductions(arena),
    ...createJsRecurrent(arena), // recurrent (issue 14)
    ...createJsTransformer(arena),
  };
}
