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
 * One query row of attentionForward for a head of 16 floats (makemore.py's 64 channels / 4 heads): q and the four
 * output accumulators stay in registers; the same sums in the same order as the general path.
 */
@inline
function forwardRow16(a: usize, q: usize, k0: usize, v0: usize, o: usize, t: i32, T: i32, row3: usize, scale: f32): void {
  const q0 = v128.load(q), q1 = v128.load(q, 16), q2 = v128.load(q, 32), q3 = v128.load(q, 48);
  let k = k0;
  for (let s = 0; s <= t; s++) {
    const d = f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.splat(0), f32x4.mul(q0, v128.load(k))), f32x4.mul(q1, v128.load(k, 16))),
      f32x4.mul(q2, v128.load(k, 32))), f32x4.mul(q3, v128.load(k, 48)));
    store<f32>(a + (<usize>s << 2), hsum(d) * scale);
    k += row3;
  }
  softmaxRow(a, t, T);
  let o0 = f32x4.splat(0), o1 = f32x4.splat(0), o2 = f32x4.splat(0), o3 = f32x4.splat(0);
  let v = v0;
  for (let s = 0; s <= t; s++) {
    const p = f32x4.splat(load<f32>(a + (<usize>s << 2)));
    o0 = f32x4.add(o0, f32x4.mul(p, v128.load(v)));
    o1 = f32x4.add(o1, f32x4.mul(p, v128.load(v, 16)));
    o2 = f32x4.add(o2, f32x4.mul(p, v128.load(v, 32)));
    o3 = f32x4.add(o3, f32x4.mul(p, v128.load(v, 48)));
    v += row3;
  }
  v128.store(o, o0); v128.store(o, o1, 16); v128.store(o, o2, 32); v128.store(o, o3, 48);
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
        if (hs == 16) {
          forwardRow16(a, q, k0, v0, out + <usize>(b * T + t) * rowD + (<usize>(h * hs) << 2), t, T, row3, scale);
          continue;
        }
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

/** One query row of attentionBackward for a head of 16 floats: dout_t, q_t and dq_t in registers, same sums and order. */
@inline
function backwardRow16(a: usize, g: usize, q0: usize, dq0: usize, scratch: usize, t: i32, row3: usize, rowD: usize, scale: f32): void {
  const g0 = v128.load(g), g1 = v128.load(g, 16), g2 = v128.load(g, 32), g3 = v128.load(g, 48);
  let sum: f32 = 0;
  let v = q0 + 2 * rowD;
  for (let s = 0; s <= t; s++) {
    const d = hsum(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.splat(0), f32x4.mul(g0, v128.load(v))), f32x4.mul(g1, v128.load(v, 16))),
      f32x4.mul(g2, v128.load(v, 32))), f32x4.mul(g3, v128.load(v, 48))));
    store<f32>(scratch + (<usize>s << 2), d);
    sum += load<f32>(a + (<usize>s << 2)) * d;
    v += row3;
  }
  const q = q0 + <usize>t * row3;
  const x0 = v128.load(q), x1 = v128.load(q, 16), x2 = v128.load(q, 32), x3 = v128.load(q, 48);
  let d0 = f32x4.splat(0), d1 = f32x4.splat(0), d2 = f32x4.splat(0), d3 = f32x4.splat(0);
  for (let s = 0; s <= t; s++) {
    const p = load<f32>(a + (<usize>s << 2));
    const ds = f32x4.splat(p * (load<f32>(scratch + (<usize>s << 2)) - sum) * scale);
    const pv = f32x4.splat(p);
    const ks = <usize>s * row3 + rowD;
    const k = q0 + ks, dk = dq0 + ks, dv = dk + rowD;
    d0 = f32x4.add(d0, f32x4.mul(ds, v128.load(k)));
    d1 = f32x4.add(d1, f32x4.mul(ds, v128.load(k, 16)));
    d2 = f32x4.add(d2, f32x4.mul(ds, v128.load(k, 32)));
    d3 = f32x4.add(d3, f32x4.mul(ds, v128.load(k, 48)));
    v128.store(dk, f32x4.add(v128.load(dk), f32x4.mul(ds, x0)));
    v128.store(dk, f32x4.add(v128.load(dk, 16), f32x4.mul(ds, x1)), 16);
    v128.store(dk, f32x4.add(v128.load(dk, 32), f32x4.mul(ds, x2)), 32);
    v128.store(dk, f32x4.add(v128.load(dk, 48), f32x4.mul(ds, x3)), 48);
    v128.store(dv, f32x4.add(v128.load(dv), f32x4.mul(pv, g0)));
    v128.store(dv, f32x4.add(v128.load(dv, 16), f32x4.mul(pv, g1)), 16);
    v128.store(dv, f32x4.add(v128.load(dv, 32), f32x4.mul(pv, g2)), 32);
    v128.store(dv, f32x4.add(v128.load(dv, 48), f32x4.mul(pv, g3)), 48);
  }
  const dq = dq0 + <usize>t * row3;
  v128.store(dq, d0); v128.store(dq, d1, 16); v128.store(dq, d2, 32); v128.store(dq, d3, 48);
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
        if (hs == 16) {
          backwardRow16(a, g, q0, dq0, scratch, t, row3, rowD, scale);
          continue;
        }
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
