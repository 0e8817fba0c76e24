// Recurrent cells (issue 14): sigmoid, the batch/time transpose, and the fused per-time-step gate kernels of the
// GRU and the LSTM. The matrix products of a step (h·W_h, dPre·W_hᵀ) are the matmul kernels; everything between two
// matmuls of one step is one call here, so a GRU step is 4 calls forward and 4 backward instead of a dozen.
//
// Rows are B examples of D hidden units; gate blocks sit side by side in a row (GRU [r | z], LSTM [i | f | g | o]).
// Each row is walked four lanes at a time, the last 1-3 columns with partial loads/stores (never past the row).
import { loadPartial, storePartial } from './simd';
import { expV, tanhV } from './vmath';

/** σ(x) = 1/(1 + e^−x) per lane: 0 far below, exactly 1 above ~17, NaN stays NaN. */
@inline
function sigmoidV(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expV(f32x4.neg(x))));
}

/** y = σ(x) over n elements (y may alias x). */
export function sigmoidForward(y: usize, x: usize, n: i32): void {
  const tail = n & 3;
  const body = <usize>(n - tail) << 2;
  let j: usize = 0;
  for (; j < body; j += 16) v128.store(y + j, sigmoidV(v128.load(x + j)));
  if (tail) storePartial(y + j, sigmoidV(loadPartial(x + j, tail)), tail);
}

/** dx (+)= dy · y(1 − y) from the forward output y (dx may alias dy when not accumulating). */
export function sigmoidBackward(dx: usize, dy: usize, y: usize, n: i32, accumulate: i32): void {
  const one = f32x4.splat(1);
  for (let j = 0; j < n; j += 4) {
    const w = min(n - j, 4);
    const o = <usize>j << 2;
    const yv = loadPartial(y + o, w);
    let g = f32x4.mul(loadPartial(dy + o, w), f32x4.mul(yv, f32x4.sub(one, yv)));
    if (accumulate) g = f32x4.add(g, loadPartial(dx + o, w));
    storePartial(dx + o, g, w);
  }
}

/** dst[t, b, :] = src[b, t, :] for a [B×T×D] tensor: example-major to time-major (swap B and T to go back). */
export function transposeBT(dst: usize, src: usize, B: i32, T: i32, D: i32): void {
  const row = <usize>D << 2;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      memory.copy(dst + <usize>(t * B + b) * row, src + <usize>(b * T + t) * row, row);
    }
  }
}

/** GRU gates: rz [B×2D] (pre-activations) becomes σ(rz) in place, and hr = r ⊙ hprev [B×D]. */
export function gruGatesForward(rz: usize, hr: usize, hprev: usize, B: i32, D: i32): void {
  const row = <usize>D << 2;
  for (let b = 0; b < B; b++) {
    let j = 0;
    // two vectors of each gate per iteration: four σ chains in flight
    for (; j + 8 <= D; j += 8) {
      const o = <usize>j << 2;
      const r0 = sigmoidV(v128.load(rz + o)), r1 = sigmoidV(v128.load(rz + o, 16));
      const z0 = sigmoidV(v128.load(rz + row + o)), z1 = sigmoidV(v128.load(rz + row + o, 16));
      v128.store(rz + o, r0);
      v128.store(rz + o, r1, 16);
      v128.store(rz + row + o, z0);
      v128.store(rz + row + o, z1, 16);
      v128.store(hr + o, f32x4.mul(r0, v128.load(hprev + o)));
      v128.store(hr + o, f32x4.mul(r1, v128.load(hprev + o, 16)), 16);
    }
    for (; j < D; j += 4) {
      const w = min(D - j, 4);
      const o = <usize>j << 2;
      const r = sigmoidV(loadPartial(rz + o, w));
      storePartial(rz + o, r, w);
      storePartial(rz + row + o, sigmoidV(loadPartial(rz + row + o, w)), w);
      storePartial(hr + o, f32x4.mul(r, loadPartial(hprev + o, w)), w);
    }
    rz += row << 1; hr += row; hprev += row;
  }
}

/** GRU output: n [B×D] (pre-activation) becomes tanh(n) in place, and h = hprev + z ⊙ (n − hprev). */
export function gruOutputForward(h: usize, n: usize, rz: usize, hprev: usize, B: i32, D: i32): void {
  const row = <usize>D << 2;
  for (let b = 0; b < B; b++) {
    let j = 0;
    // two vectors per iteration: two tanh chains in flight
    for (; j + 8 <= D; j += 8) {
      const o = <usize>j << 2;
      const nv0 = tanhV(v128.load(n + o)), nv1 = tanhV(v128.load(n + o, 16));
      v128.store(n + o, nv0);
      v128.store(n + o, nv1, 16);
      const hp0 = v128.load(hprev + o), hp1 = v128.load(hprev + o, 16);
      const z0 = v128.load(rz + row + o), z1 = v128.load(rz + row + o, 16);
      v128.store(h + o, f32x4.add(hp0, f32x4.mul(z0, f32x4.sub(nv0, hp0))));
      v128.store(h + o, f32x4.add(hp1, f32x4.mul(z1, f32x4.sub(nv1, hp1))), 16);
    }
    for (; j < D; j += 4) {
      const w = min(D - j, 4);
      const o = <usize>j << 2;
      const nv = tanhV(loadPartial(n + o, w));
      storePartial(n + o, nv, w);
      const hp = loadPartial(hprev + o, w);
      const z = loadPartial(rz + row + o, w);
      storePartial(h + o, f32x4.add(hp, f32x4.mul(z, f32x4.sub(nv, hp))), w);
    }
    h += row; n += row; rz += row << 1; hprev += row;
  }
}

/**
 * GRU output backward, from dh (the gradient of h): dn = dh·z·(1 − n²) (n's pre-activation), the z half of drz =
 * dh·(n − hprev)·z(1 − z), and dhprev += dh·(1 − z).
 */
export function gruOutputBackward(dn: usize, drz: usize, dhprev: usize, n: usize, rz: usize, hprev: usize, dh: usize, B: i32, D: i32): void {
  const row = <usize>D << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < D; j += 4) {
      const w = min(D - j, 4);
      const o = <usize>j << 2;
      const g = loadPartial(dh + o, w);
      const nv = loadPartial(n + o, w);
      const z = loadPartial(rz + row + o, w);
      const hp = loadPartial(hprev + o, w);
      const gz = f32x4.mul(g, z);
      storePartial(dn + o, f32x4.mul(gz, f32x4.mul(f32x4.sub(one, nv), f32x4.add(one, nv))), w);
      const zz = f32x4.mul(z, f32x4.sub(one, z));
      storePartial(drz + row + o, f32x4.mul(f32x4.mul(g, f32x4.sub(nv, hp)), zz), w);
      storePartial(dhprev + o, f32x4.add(loadPartial(dhprev + o, w), f32x4.sub(g, gz)), w);
    }
    dn += row; drz += row << 1; dhprev += row; n += row; rz += row << 1; hprev += row; dh += row;
  }
}

/** GRU gates backward, from dhr (the gradient of r ⊙ hprev): the r half of drz = dhr·hprev·r(1 − r), dhprev += dhr·r. */
export function gruGatesBackward(drz: usize, dhprev: usize, dhr: usize, rz: usize, hprev: usize, B: i32, D: i32): void {
  const row = <usize>D << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < D; j += 4) {
      const w = min(D - j, 4);
      const o = <usize>j << 2;
      const g = loadPartial(dhr + o, w);
      const r = loadPartial(rz + o, w);
      const hp = loadPartial(hprev + o, w);
      storePartial(drz + o, f32x4.mul(f32x4.mul(g, hp), f32x4.mul(r, f32x4.sub(one, r))), w);
      storePartial(dhprev + o, f32x4.add(loadPartial(dhprev + o, w), f32x4.mul(g, r)), w);
    }
    drz += row << 1; dhprev += row; dhr += row; rz += row << 1; hprev += row;
  }
}

/** σ(i), σ(f), tanh(g), σ(o) of two vectors of gates (a, a + 16) in place, then c, tanh(c) and h of both. */
@inline
function lstmCellPair(c: usize, tc: usize, h: usize, gates: usize, cprev: usize, row: usize): void {
  // every load before any store, so all ten σ/tanh chains can be in flight at once
  const i0 = sigmoidV(v128.load(gates)), i1 = sigmoidV(v128.load(gates, 16));
  const f0 = sigmoidV(v128.load(gates + row)), f1 = sigmoidV(v128.load(gates + row, 16));
  const g0 = tanhV(v128.load(gates + 2 * row)), g1 = tanhV(v128.load(gates + 2 * row, 16));
  const o0 = sigmoidV(v128.load(gates + 3 * row)), o1 = sigmoidV(v128.load(gates + 3 * row, 16));
  const c0 = f32x4.add(f32x4.mul(f0, v128.load(cprev)), f32x4.mul(i0, g0));
  const c1 = f32x4.add(f32x4.mul(f1, v128.load(cprev, 16)), f32x4.mul(i1, g1));
  const t0 = tanhV(c0), t1 = tanhV(c1);
  v128.store(gates, i0); v128.store(gates, i1, 16);
  v128.store(gates + row, f0); v128.store(gates + row, f1, 16);
  v128.store(gates + 2 * row, g0); v128.store(gates + 2 * row, g1, 16);
  v128.store(gates + 3 * row, o0); v128.store(gates + 3 * row, o1, 16);
  v128.store(c, c0); v128.store(c, c1, 16);
  v128.store(tc, t0); v128.store(tc, t1, 16);
  v128.store(h, f32x4.mul(o0, t0)); v128.store(h, f32x4.mul(o1, t1), 16);
}

/**
 * LSTM cell: gates [B×4D] (pre-activations i | f | g | o) become σ(i), σ(f), tanh(g), σ(o) in place; c = f·cprev +
 * i·g, tc = tanh(c) (kept for backward), h = o·tc.
 */
export function lstmCellForward(c: usize, tc: usize, h: usize, gates: usize, cprev: usize, B: i32, D: i32): void {
  const row = <usize>D << 2;
  for (let b = 0; b < B; b++) {
    let j = 0;
    // two vectors of each gate per iteration: more independent σ/tanh chains in flight
    for (; j + 8 <= D; j += 8) {
      const o = <usize>j << 2;
      lstmCellPair(c + o, tc + o, h + o, gates + o, cprev + o, row);
    }
    for (; j < D; j += 4) {
      const w = min(D - j, 4);
      const o = <usize>j << 2;
      const i = sigmoidV(loadPartial(gates + o, w));
      const f = sigmoidV(loadPartial(gates + row + o, w));
      const g = tanhV(loadPartial(gates + 2 * row + o, w));
      const og = sigmoidV(loadPartial(gates + 3 * row + o, w));
      storePartial(gates + o, i, w);
      storePartial(gates + row + o, f, w);
      storePartial(gates + 2 * row + o, g, w);
      storePartial(gates + 3 * row + o, og, w);
      const cv = f32x4.add(f32x4.mul(f, loadPartial(cprev + o, w)), f32x4.mul(i, g));
      const t = tanhV(cv);
      storePartial(c + o, cv, w);
      storePartial(tc + o, t, w);
      storePartial(h + o, f32x4.mul(og, t), w);
    }
    c += row; tc += row; h += row; gates += row << 2; cprev += row;
  }
}

/**
 * LSTM cell backward from dh and dc (the gradient reaching c from the next step): dc' = dc + dh·o·(1 − tc²); dgates
 * [B×4D] = the pre-activation gradients (dc'·g·i(1−i) | dc'·cprev·f(1−f) | dc'·i·(1−g²) | dh·tc·o(1−o)); dcprev = dc'·f
 * (overwritten; may alias dc).
 */
export function lstmCellBackward(dgates: usize, dcprev: usize, dc: usize, dh: usize, gates: usize, tc: usize, cprev: usize, B: i32, D: i32): void {
  const row = <usize>D << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < D; j += 4) {
      const w = min(D - j, 4);
      const o = <usize>j << 2;
      const i = loadPartial(gates + o, w);
      const f = loadPartial(gates + row + o, w);
      const g = loadPartial(gates + 2 * row + o, w);
      const og = loadPartial(gates + 3 * row + o, w);
      const t = loadPartial(tc + o, w);
      const gh = loadPartial(dh + o, w);
      const d = f32x4.add(loadPartial(dc + o, w), f32x4.mul(f32x4.mul(gh, og), f32x4.mul(f32x4.sub(one, t), f32x4.add(one, t))));
      storePartial(dgates + o, f32x4.mul(f32x4.mul(d, g), f32x4.mul(i, f32x4.sub(one, i))), w);
      storePartial(dgates + row + o, f32x4.mul(f32x4.mul(d, loadPartial(cprev + o, w)), f32x4.mul(f, f32x4.sub(one, f))), w);
      storePartial(dgates + 2 * row + o, f32x4.mul(f32x4.mul(d, i), f32x4.mul(f32x4.sub(one, g), f32x4.add(one, g))), w);
      storePartial(dgates + 3 * row + o, f32x4.mul(f32x4.mul(gh, t), f32x4.mul(og, f32x4.sub(one, og))), w);
      storePartial(dcprev + o, f32x4.mul(d, f), w);
    }
    dgates += row << 2; dcprev += row; dc += row; dh += row; gates += row << 2; tc += row; cprev += row;
  }
}
