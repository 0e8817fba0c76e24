/**
 * Naive double-precision references for every kernel, written straight from the maths (no shared code with the
 * backends), plus central finite differences. Inputs are the float32 values the kernels see, widened to float64.
 */

type Vec = ArrayLike<number>;

/** C[M×N] = A[M×K]·B[K×N], and the magnitude Σ|a||b| per element (the scale of its float32 rounding error). */
export function matmulRef(A: Vec, B: Vec, M: number, K: number, N: number, transA: boolean, transB: boolean) {
  const c = new Float64Array(M * N);
  const mag = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let m = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * M + i]! : A[i * K + k]!;
        const b = transB ? B[j * K + k]! : B[k * N + j]!;
        s += a * b;
        m += Math.abs(a * b);
      }
      c[i * N + j] = s;
      mag[i * N + j] = m;
    }
  }
  return { c, mag };
}

export function tanhRef(x: Vec): Float64Array {
  return Float64Array.from(x, Math.tanh);
}

export function softmaxRef(x: Vec, M: number, N: number): Float64Array {
  const y = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    let max = -Infinity;
    for (let j = 0; j < N; j++) max = Math.max(max, x[i * N + j]!);
    let sum = 0;
    for (let j = 0; j < N; j++) sum += Math.exp(x[i * N + j]! - max);
    for (let j = 0; j < N; j++) y[i * N + j] = Math.exp(x[i * N + j]! - max) / sum;
  }
  return y;
}

export function logSoftmaxRef(x: Vec, M: number, N: number): Float64Array {
  const y = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    let max = -Infinity;
    for (let j = 0; j < N; j++) max = Math.max(max, x[i * N + j]!);
    let sum = 0;
    for (let j = 0; j < N; j++) sum += Math.exp(x[i * N + j]! - max);
    for (let j = 0; j < N; j++) y[i * N + j] = x[i * N + j]! - max - Math.log(sum);
  }
  return y;
}

/** Mean cross-entropy of row-wise softmax(logits) against integer targets. */
export function crossEntropyRef(x: Vec, targets: Vec, M: number, N: number): number {
  const logp = logSoftmaxRef(x, M, N);
  let loss = 0;
  for (let i = 0; i < M; i++) loss -= logp[i * N + targets[i]!]!;
  return loss / M;
}

/** BatchNorm1d training forward in float64: batch statistics per column. */
export function batchNormTrainRef(x: Vec, gain: Vec, bias: Vec, M: number, N: number, eps: number) {
  const mean = new Float64Array(N);
  const varBiased = new Float64Array(N);
  const varUnbiased = new Float64Array(N);
  const invstd = new Float64Array(N);
  const xhat = new Float64Array(M * N);
  const y = new Float64Array(M * N);
  for (let j = 0; j < N; j++) {
    let s = 0;
    for (let i = 0; i < M; i++) s += x[i * N + j]!;
    mean[j] = s / M;
    let q = 0;
    for (let i = 0; i < M; i++) q += (x[i * N + j]! - mean[j]!) ** 2;
    varBiased[j] = q / M;
    varUnbiased[j] = q / (M - 1);
    invstd[j] = 1 / Math.sqrt(varBiased[j]! + eps);
    for (let i = 0; i < M; i++) {
      xhat[i * N + j] = (x[i * N + j]! - mean[j]!) * invstd[j]!;
      y[i * N + j] = gain[j]! * xhat[i * N + j]! + bias[j]!;
    }
  }
  return { mean, varBiased, varUnbiased, invstd, xhat, y };
}

export function batchNormEvalRef(x: Vec, gain: Vec, bias: Vec, runMean: Vec, runVar: Vec, M: number, N: number, eps: number) {
  const y = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      y[i * N + j] = (gain[j]! * (x[i * N + j]! - runMean[j]!)) / Math.sqrt(runVar[j]! + eps) + bias[j]!;
    }
  }
  return y;
}

/** out[(b·T + t)·D + d] = table[idx[b·T + t]·D + d]. */
export function gatherRef(table: Vec, idx: Vec, rows: number, D: number): Float64Array {
  const out = new Float64Array(rows * D);
  for (let r = 0; r < rows; r++) for (let d = 0; d < D; d++) out[r * D + d] = table[idx[r]! * D + d]!;
  return out;
}

/** dtable (a copy of `start`) += scatter of dout rows to idx rows. */
export function scatterAddRef(start: Vec, dout: Vec, idx: Vec, rows: number, D: number): Float64Array {
  const dt = Float64Array.from(start);
  for (let r = 0; r < rows; r++) for (let d = 0; d < D; d++) dt[idx[r]! * D + d] += dout[r * D + d]!;
  return dt;
}

/** Σ a·b in float64. */
export function dot(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * ∂f/∂x by central differences in float64: (f(x + h) − f(x − h)) / 2h per coordinate, with h scaled to |x| so the
 * step is well above float64 roundoff and far below the curvature of the functions tested here.
 */
export function numericGradient(f: (x: Float64Array) => number, x0: Vec, h = 1e-5): Float64Array {
  const x = Float64Array.from(x0);
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const step = h * Math.max(1, Math.abs(xi));
    x[i] = xi + step;
    const fp = f(x);
    x[i] = xi - step;
    const fm = f(x);
    x[i] = xi;
    g[i] = (fp - fm) / (2 * step);
  }
  return g;
}
