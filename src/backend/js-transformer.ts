import type { Arena } from './arena.ts';
import type { Kernels, Ptr } from './kernels.ts';

/** √(2/π), the constant of GELU's tanh approximation. */
const GELU_K = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;

/**
 * The Transformer's kernels in plain TypeScript (see `js.ts`): LayerNorm, GELU, fused causal self-attention and the
 * causal mean of makemore.py's BoW. Sums run in float64 (JS numbers); results are rounded to float32 on store.
 */
export function createJsTransformer(
  arena: Arena,
): Pick<Kernels, 'layerNormForward' | 'layerNormBackward' | 'geluForward' | 'geluBackward' | 'attentionForward' | 'attentionBackward' | 'attentionStep' | 'causalMeanForward' | 'causalMeanBackward'> {
  // float64 accumulators grown on demand, so a step's thousands of calls do not allocate
  let scratch = new Float64Array(0);
  function f64(n: number): Float64Array {
    if (scratch.length < n) scratch = new Float64Array(n);
    return scratch;
  }

  function layerNormForward(y: Ptr, mean: Ptr, rstd: Ptr, x: Ptr, gain: Ptr, bias: Ptr, M: number, N: number, eps: number): void {
    const F = arena.F32;
    const Y = y >>> 2, X = x >>> 2, G = gain >>> 2, Bi = bias >>> 2;
    for (let i = 0; i < M; i++) {
      const r = X + i * N;
      let s = 0;
      for (let j = 0; j < N; j++) s += F[r + j]!;
      const m = s / N;
      let v = 0;
      for (let j = 0; j < N; j++) v += (F[r + j]! - m) ** 2;
      const rs = 1 / Math.sqrt(v / N + eps);
      F[(mean >>> 2) + i] = m;
      F[(rstd >>> 2) + i] = rs;
      for (let j = 0; j < N; j++) F[Y + i * N + j] = (F[r + j]! - m) * rs * F[G + j]! + F[Bi + j]!;
    }
  }

  function layerNormBackward(
    dx: Ptr, dgain: Ptr, dbias: Ptr, dy: Ptr, x: Ptr, mean: Ptr, rstd: Ptr, gain: Ptr, M: number, N: number,
  ): void {
    const F = arena.F32;
    const DX = dx >>> 2, DG = dgain >>> 2, DB = dbias >>> 2, DY = dy >>> 2, X = x >>> 2, G = gain >>> 2;
    for (let i = 0; i < M; i++) {
      const m = F[(mean >>> 2) + i]!, rs = F[(rstd >>> 2) + i]!;
      const r = i * N;
      let s1 = 0, s2 = 0;
      for (let j = 0; j < N; j++) {
        const xhat = (F[X + r + j]! - m) * rs;
        const d = F[DY + r + j]! * F[G + j]!;
        s1 += d;
        s2 += d * xhat;
        F[DG + j] += F[DY + r + j]! * xhat;
        F[DB + j] += F[DY + r + j]!;
      }
      s1 /= N;
      s2 /= N;
      // dx last, so dx may alias dy: every read of row i's dy is done
      for (let j = 0; j < N; j++) {
        const xhat = (F[X + r + j]! - m) * rs;
        F[DX + r + j] = rs * (F[DY + r + j]! * F[G + j]! - s1 - xhat * s2);
      }
    }
  }

  function geluForward(y: Ptr, x: Ptr, n: number): void {
    const F = arena.F32;
    const Y = y >>> 2, X = x >>> 2;
    for (let i = 0; i < n; i++) {
      const v = F[X + i]!;
      F[Y + i] = 0.5 * v * (1 + Math.tanh(GELU_K * (v + GELU_C * v * v * v)));
    }
  }

  function geluBackward(dx: Ptr, dy: Ptr, x: Ptr, n: number): void {
    const F = arena.F32;
    const DX = dx >>> 2, DY = dy >>> 2, X = x >>> 2;
    for (let i = 0; i < n; i++) {
      const v = F[X + i]!;
      const t = Math.tanh(GELU_K * (v + GELU_C * v * v * v));
      const du = GELU_K * (1 + 3 * GELU_C * v * v);
      F[DX + i] = F[DY + i]! * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du);
    }
  }

  function attentionForward(out: Ptr, att: Ptr, qkv: Ptr, B: number, T: number, D: number, N: number): void {
    const F = arena.F32;
    const O = out >>> 2, A = att >>> 2, Q = qkv >>> 2;
    const hs = D / N, scale = 1 / Math.sqrt(hs);
    const s = f64(T);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < N; h++) {
        const base = Q + b * T * 3 * D + h * hs;
        for (let t1 = 0; t1 < T; t1++) {
          const q = base + t1 * 3 * D;
          let max = -Infinity;
          for (let t2 = 0; t2 <= t1; t2++) {
            const k = base + t2 * 3 * D + D;
            let dot = 0;
            for (let i = 0; i < hs; i++) dot += F[q + i]! * F[k + i]!;
            s[t2] = dot * scale;
            max = Math.max(max, s[t2]!);
          }
          let sum = 0;
          for (let t2 = 0; t2 <= t1; t2++) sum += s[t2] = Math.exp(s[t2]! - max);
          const a = A + ((b * N + h) * T + t1) * T;
          for (let t2 = 0; t2 < T; t2++) F[a + t2] = t2 <= t1 ? s[t2]! / sum : 0;
          const o = O + (b * T + t1) * D + h * hs;
          for (let i = 0; i < hs; i++) {
            let acc = 0;
            for (let t2 = 0; t2 <= t1; t2++) acc += F[a + t2]! * F[base + t2 * 3 * D + 2 * D + i]!;
            F[o + i] = acc;
          }
        }
      }
    }
  }

  function attentionBackward(
    dqkv: Ptr, scratch: Ptr, dout: Ptr, qkv: Ptr, att: Ptr, B: number, T: number, D: number, N: number,
  ): void {
    const F = arena.F32;
    const DQ = dqkv >>> 2, DO = dout >>> 2, Q = qkv >>> 2, A = att >>> 2, S = scratch >>> 2;
    const hs = D / N, scale = 1 / Math.sqrt(hs);
    F.fill(0, DQ, DQ + B * T * 3 * D);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < N; h++) {
        const base = b * T * 3 * D + h * hs;
        for (let t1 = 0; t1 < T; t1++) {
          const a = A + ((b * N + h) * T + t1) * T;
          const g = DO + (b * T + t1) * D + h * hs;
          let sum = 0;
          for (let t2 = 0; t2 <= t1; t2++) {
            const v = Q + base + t2 * 3 * D + 2 * D;
            let dot = 0;
            for (let i = 0; i < hs; i++) dot += F[g + i]! * F[v + i]!;
            F[S + t2] = dot;
            sum += F[a + t2]! * dot;
          }
          const q = base + t1 * 3 * D;
          for (let t2 = 0; t2 <= t1; t2++) {
            const p = F[a + t2]!;
            const ds = p * (F[S + t2]! - sum) * scale;
            const k = base + t2 * 3 * D + D;
            for (let i = 0; i < hs; i++) {
              F[DQ + q + i] += ds * F[Q + k + i]!;
              F[DQ + k + i] += ds * F[Q + q + i]!;
              F[DQ + k + D + i] += p * F[g + i]!;
            }
          }
        }
      }
    }
  }

  function attentionStep(out: Ptr, scratch: Ptr, qkv: Ptr, B: number, T: number, D: number, N: number, n: number): void {
    const F = arena.F32;
    const O = out >>> 2, S = scratch >>> 2, Q = qkv >>> 2;
    const hs = D / N, scale = 1 / Math.sqrt(hs), m = Math.min(n, T);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < N; h++) {
        const base = Q + b * T * 3 * D + h * hs;
        const q = base + (m - 1) * 3 * D;
        let max = -Infinity;
        for (let t = 0; t < m; t++) {
          let dot = 0;
          for (let i = 0; i < hs; i++) dot += F[q + i]! * F[base + t * 3 * D + D + i]!;
          F[S + t] = dot * scale;
          max = Math.max(max, F[S + t]!);
        }
        let sum = 0;
        for (let t = 0; t < m; t++) sum += F[S + t] = Math.exp(F[S + t]! - max);
        for (let i = 0; i < hs; i++) {
          let acc = 0;
          for (let t = 0; t < m; t++) acc += (F[S + t]! / sum) * F[base + t * 3 * D + 2 * D + i]!;
          F[O + b * D + h * hs + i] = acc;
        }
      }
    }
  }

  function causalMeanForward(y: Ptr, x: Ptr, B: number, T: number, D: number): void {
    const F = arena.F32;
    const sum = f64(D);
    for (let b = 0; b < B; b++) {
      sum.fill(0, 0, D);
      for (let t = 0; t < T; t++) {
        const r = b * T * D + t * D;
        for (let d = 0; d < D; d++) {
          sum[d] += F[(x >>> 2) + r + d]!;
          F[(y >>> 2) + r + d] = sum[d]! / (t + 1);
        }
      }
    }
  }

  function causalMeanBackward(dx: Ptr, dy: Ptr, B: number, T: number, D: number): void {
    const F = arena.F32;
    const sum = f64(D);
    for (let b = 0; b < B; b++) {
      sum.fill(0, 0, D);
      for (let t = T - 1; t >= 0; t--) {
        const r = b * T * D + t * D;
        for (let d = 0; d < D; d++) {
          sum[d] += F[(dy >>> 2) + r + d]! / (t + 1);
          F[(dx >>> 2) + r + d] = sum[d]!;
        }
      }
    }
  }

  return {
    layerNormForward, layerNormBackward, geluForward, geluBackward, attentionForward, attentionBackward, attentionStep,
    causalMeanForward, causalMeanBackward,
  };
}
