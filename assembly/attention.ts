// Causal self-attention fused per (example, head), and makemore.py's causal bag of words. With T ≤ 64 and a head
// of 16 floats, one head's q, k and v rows (a few KB) stay in L1 while the scores, the mask, the softmax and the
// weighted sum are computed row by row: nothing of shape [B, heads, T, T] goes through memory except the
// probabilities the backward pass needs.
import { hmax, hsum, laneMask, loadPartial, storePartial } from './simd';
import { expV } from './vmath';

/** Σ a[i]·b[i] over n floats. */
@inline
function dot(a: usize, b: usize, n: i32): f32 {
  let s = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) s = f32x4.add(s, f32x4.mul(v128.load(a + (<usize>i << 2)), v128.load(b + (<usize>i << 2))));
  if (i < n) s = f32x4.add(s, f32x4.mul(loadPartial(a + (<usize>i << 2), n - i), loadPartial(b + (<usize>i << 2), n - i)));
  return hsum(s);
}

/** y[0..n) += a·x[0..n). */
@inline
function axpy(y: usize, a: f32, x: usize, n: i32): void {
  const av = f32x4.splat(a);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2, r = min(n - i, 4);
    storePartial(y + o, f32x4.add(loadPartial(y + o, r), f32x4.mul(av, loadPartial(x + o, r))), r);
  }
}

/** One row of probabilities: row[0..t] = softmax(row[0..t]), row(t..T) = 0 (the causal mask). */
@inline
function softmaxRow(row: usize, t: i32, T: i32): void {
  const n = t + 1;
  let mv = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) mv = f32x4.max(mv, v128.load(row + (<usize>i << 2)));
  let mx = hmax(mv);
  for (; i < n; i++) mx = max(mx, load<f32>(row + (<usize>i << 2)));
  const m = f32x4.splat(mx);
  let s = f32x4.splat(0);
  for (i = 0; i + 4 <= n; i += 4) {
    const e = expV(f32x4.sub(v128.load(row + (<usize>i << 2)), m));
    v128.store(row + (<usize>i << 2), e);
    s = f32x4.add(s, e);
  }
  if (i < n) {
    const e = expV(f32x4.sub(loadPartial(row + (<usize>i << 2), n - i), m));
    storePartial(row + (<usize>i << 2), e, n - i);
    s = f32x4.add(s, v128.and(e, laneMask(n - i))); // unused lanes hold e^(0 − max)
  }
  const inv = f32x4.splat(1 / hsum(s));
  for (i = 0; i < n; i += 4) {
    const o = <usize>i << 2, r = min(n - i, 4);
    storePartial(row + o, f32x4.mul(loadPartial(row + o, r), inv), r);
  }
  for (i = n; i < T; i++) store<f32>(row + (<usize>i << 2), 0);
}

/**
 * out[b, t, head] = Σ_{s ≤ t} softmax_s(q_t·k_s/√hs)·v_s for every (b, head), q/k/v read from the fused projection
 * qkv [B×T×3D]; the probabilities are saved in att [B×N×T×T].
 */
export function attentionForward(out: usize, att: usize, qkv: usize, B: i32, T: i32, D: i32, N: i32): void {
  const hs = D / N;
  const scale: f32 = 1 / Mathf.sqrt(<f32>hs);
  const row3 = <usize>(3 * D) << 2, rowD = <usize>D << 2;
  for (let b = 0; b < B; b++) {
    const xb = qkv + <usize>b * T * row3;
    for (let h = 0; h < N; h++) {
      const q0 = xb + (<usize>(h * hs) << 2);
      const k0 = q0 + rowD, v0 = q0 + 2 * rowD;
      for (let t = 0; t < T; t++) {
        const a = att + ((<usize>((b * N + h) * T + t) * T) << 2);
        const q = q0 + <usize>t * row3;
        for (let s = 0; s <= t; s++) store<f32>(a + (<usize>s << 2), dot(q, k0 + <usize>s * row3, hs) * scale);
        softmaxRow(a, t, T);
        // the weighted sum, four output lanes at a time over the head
        const o = out + <usize>(b * T + t) * rowD + (<usize>(h * hs) << 2);
        for (let i = 0; i < hs; i += 4) {
          const r = min(hs - i, 4), io = <usize>i << 2;
          let acc = f32x4.splat(0);
          for (let s = 0; s <= t; s++) {
            acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(a + (<usize>s << 2))), loadPartial(v0 + <usize>s * row3 + io, r)));
          }
          storePartial(o + io, acc, r);
        }
      }
    }
  }
}

/**
 * dqkv from dout through the attention of {@link attentionForward}: per query row t, datt_s = dout_t·v_s (kept in
 * scratch), dscore_s = att_s(datt_s − Σ att·datt)/√hs; dq_t += dscore_s·k_s, dk_s += dscore_s·q_t, dv_s += att_s·dout_t.
 */
export function attentionBackward(
  dqkv: usize, scratch: usize, dout: usize, qkv: usize, att: usize, B: i32, T: i32, D: i32, N: i32,
): void {
  const hs = D / N;
  const scale: f32 = 1 / Mathf.sqrt(<f32>hs);
  const row3 = <usize>(3 * D) << 2, rowD = <usize>D << 2;
  memory.fill(dqkv, 0, <usize>B * T * row3);
  for (let b = 0; b < B; b++) {
    const off = <usize>b * T * row3;
    for (let h = 0; h < N; h++) {
      const ho = <usize>(h * hs) << 2;
      const q0 = qkv + off + ho, dq0 = dqkv + off + ho;
      for (let t = 0; t < T; t++) {
        const a = att + ((<usize>((b * N + h) * T + t) * T) << 2);
        const g = dout + <usize>(b * T + t) * rowD + ho;
        let sum: f32 = 0;
        for (let s = 0; s <= t; s++) {
          const d = dot(g, q0 + <usize>s * row3 + 2 * rowD, hs);
          store<f32>(scratch + (<usize>s << 2), d);
          sum += load<f32>(a + (<usize>s << 2)) * d;
        }
        const q = q0 + <usize>t * row3, dq = dq0 + <usize>t * row3;
        for (let s = 0; s <= t; s++) {
          const p = load<f32>(a + (<usize>s << 2));
          const ds = p * (load<f32>(scratch + (<usize>s << 2)) - sum) * scale;
          const ks = <usize>s * row3 + rowD;
          axpy(dq, ds, q0 + ks, hs);
          axpy(dq0 + ks, ds, q, hs);
          axpy(dq0 + ks + rowD, p, g, hs);
        }
      }
    }
  }
}

/** The attention of position n − 1 over positions 0..n−1 of each example's cache qkv [B×T×3D] into out [B×D]. */
export function attentionStep(out: usize, scratch: usize, qkv: usize, B: i32, T: i32, D: i32, N: i32, n: i32): void {
  const hs = D / N;
  const m = min(n, T);
  const scale: f32 = 1 / Mathf.sqrt(<f32>hs);
  const row3 = <usize>(3 * D) << 2, rowD = <usize>D << 2;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < N; h++) {
      const q0 = qkv + <usize>b * T * row3 + (<usize>(h * hs) << 2);
      const q = q0 + <usize>(m - 1) * row3;
      for (let s = 0; s < m; s++) store<f32>(scratch + (<usize>s << 2), dot(q, q0 + <usize>s * row3 + rowD, hs) * scale);
      softmaxRow(scratch, m - 1, m);
      const o = out + <usize>b * rowD + (<usize>(h * hs) << 2);
      for (let i = 0; i < hs; i += 4) {
        const r = min(hs - i, 4), io = <usize>i << 2;
        let acc = f32x4.splat(0);
        for (let s = 0; s < m; s++) {
          acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(scratch + (<usize>s << 2))), loadPartial(q0 + 2 * rowD + <usize>s * row3 + io, r)));
        }
        storePartial(o + io, acc, r);
      }
    }
  }
}

/** y[b, t] = (Σ_{s ≤ t} x[b, s]) / (t + 1) over [B×T×D], four channels at a time down the positions. */
export function causalMeanForward(y: usize, x: usize, B: i32, T: i32, D: i32): void {
  const rowD = <usize>D << 2;
  for (let b = 0; b < B; b++) {
    const o = <usize>b * T * rowD;
    for (let j = 0; j < D; j += 4) {
      const r = min(D - j, 4), jo = o + (<usize>j << 2);
      let s = f32x4.splat(0);
      for (let t = 0; t < T; t++) {
        s = f32x4.add(s, loadPartial(x + jo + <usize>t * rowD, r));
        storePartial(y + jo + <usize>t * rowD, f32x4.div(s, f32x4.splat(<f32>(t + 1))), r);
      }
    }
  }
}

/** dx[b, s] = Σ_{t ≥ s} dy[b, t]/(t + 1), a running sum from the last position back. */
export function causalMeanBackward(dx: usize, dy: usize, B: i32, T: i32, D: i32): void {
  const rowD = <usize>D << 2;
  for (let b = 0; b < B; b++) {
    const o = <usize>b * T * rowD;
    for (let j = 0; j < D; j += 4) {
      const r = min(D - j, 4), jo = o + (<usize>j << 2);
      let s = f32x4.splat(0);
      for (let t = T - 1; t >= 0; t--) {
        s = f32x4.add(s, f32x4.div(loadPartial(dy + jo + <usize>t * rowD, r), f32x4.splat(<f32>(t + 1))));
        storePartial(dx + jo + <usize>t * rowD, s, r);
      }
    }
  }
}
