/**
 * The Transformer's kernels (issue 15) on both backends against float64 references written here: LayerNorm, GELU,
 * fused causal attention and the causal mean, forward values and backward by finite differences of the float64
 * reference; the causal mask: changing a later position's q, k, v leaves every earlier output bit-identical.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/index.ts';
import { BACKEND_NAMES, makeOut, openBackend, putF32, readF32, readOut, scoped } from './helpers/backends.ts';
import { expectClose, expectSame } from './helpers/compare.ts';
import { numericGradient } from './helpers/reference.ts';
import { TestRng } from './helpers/rng.ts';

type Vec = ArrayLike<number>;

function layerNormRef(x: Vec, g: Vec, b: Vec, M: number, N: number, eps = 1e-5): Float64Array {
  const y = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    let m = 0;
    for (let j = 0; j < N; j++) m += x[i * N + j]! / N;
    let v = 0;
    for (let j = 0; j < N; j++) v += (x[i * N + j]! - m) ** 2 / N;
    for (let j = 0; j < N; j++) y[i * N + j] = ((x[i * N + j]! - m) / Math.sqrt(v + eps)) * g[j]! + b[j]!;
  }
  return y;
}

const geluRef = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/** Naive attention in float64: the full [T×T] score matrix, the mask as −∞, softmax, weighted sum. */
function attentionRef(qkv: Vec, B: number, T: number, D: number, N: number): Float64Array {
  const hs = D / N;
  const out = new Float64Array(B * T * D);
  const at = (b: number, t: number, part: number, h: number, i: number) => qkv[(b * T + t) * 3 * D + part * D + h * hs + i]!;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < N; h++) {
      for (let t = 0; t < T; t++) {
        const s: number[] = [];
        for (let u = 0; u < T; u++) {
          let d = 0;
          for (let i = 0; i < hs; i++) d += at(b, t, 0, h, i) * at(b, u, 1, h, i);
          s.push(u <= t ? d / Math.sqrt(hs) : -Infinity);
        }
        const mx = Math.max(...s);
        const e = s.map((v) => Math.exp(v - mx));
        const z = e.reduce((p, c) => p + c, 0);
        for (let i = 0; i < hs; i++) {
          let acc = 0;
          for (let u = 0; u < T; u++) acc += (e[u]! / z) * at(b, u, 2, h, i);
          out[(b * T + t) * D + h * hs + i] = acc;
        }
      }
    }
  }
  return out;
}

function causalMeanRef(x: Vec, B: number, T: number, D: number): Float64Array {
  const y = new Float64Array(B * T * D);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let d = 0; d < D; d++) {
        let s = 0;
        for (let u = 0; u <= t; u++) s += x[(b * T + u) * D + d]!;
        y[(b * T + t) * D + d] = s / (t + 1);
      }
    }
  }
  return y;
}

const weighted = (G: Vec, y: Vec): number => {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += G[i]! * y[i]!;
  return s;
};

describe.each(BACKEND_NAMES)('%s backend: transformer kernels', (name) => {
  let be: Backend;
  beforeAll(async () => {
    be = await openBackend(name);
  });

  it.each([[1, 1], [3, 5], [7, 27], [32, 64], [2, 130]])('layerNorm M=%i N=%i: forward vs float64, backward by finite differences', (M, N) => {
    scoped(be, () => {
      const rng = new TestRng(M * 101 + N);
      const x = rng.normals(M * N, 2), g = rng.normals(N, 1), b = rng.normals(N, 1), G = rng.normals(M * N, 1);
      const dg0 = rng.normals(N, 1), db0 = rng.normals(N, 1);
      const y = makeOut(be, M * N), mean = makeOut(be, M), rstd = makeOut(be, M);
      const px = putF32(be, x), pg = putF32(be, g), pb = putF32(be, b);
      be.layerNormForward(y.ptr, mean.ptr, rstd.ptr, px, pg, pb, M, N, 1e-5);
      expectClose(readOut(be, y), layerNormRef(x, g, b, M, N), 1e-5, `layerNorm ${M}×${N}`, 1e-5);
      const dx = makeOut(be, M * N), dg = makeOut(be, N, dg0), dbi = makeOut(be, N, db0);
      be.layerNormBackward(dx.ptr, dg.ptr, dbi.ptr, putF32(be, G), px, mean.ptr, rstd.ptr, pg, M, N);
      const fdx = numericGradient((xx) => weighted(G, layerNormRef(xx, g, b, M, N)), x);
      const fdg = numericGradient((gg) => weighted(G, layerNormRef(x, gg, b, M, N)), g);
      const fdb = numericGradient((bb) => weighted(G, layerNormRef(x, g, bb, M, N)), b);
      expectClose(readOut(be, dx), fdx, 1e-4, 'dx', 1e-4);
      expectClose(readOut(be, dg), fdg.map((v, j) => v + dg0[j]!), 1e-4, 'dgain (added into)', 1e-4);
      expectClose(readOut(be, dbi), fdb.map((v, j) => v + db0[j]!), 1e-4, 'dbias (added into)', 1e-4);
    });
  });

  // 8, 12, 13: two vectors at a time, then a lone vector and a tail
  it.each([1, 3, 4, 5, 8, 12, 13, 27, 1001])('gelu n=%i: forward vs the float64 formula, backward vs its derivative', (n) => {
    scoped(be, () => {
      const rng = new TestRng(n + 5);
      const x = rng.normals(n, 3), G = rng.normals(n, 1);
      const y = makeOut(be, n), px = putF32(be, x);
      be.geluForward(y.ptr, px, n);
      expectClose(readOut(be, y), Array.from(x, geluRef), 2e-6, `gelu ${n}`, 1e-6);
      const dx = makeOut(be, n);
      be.geluBackward(dx.ptr, putF32(be, G), px, n);
      const fd = Array.from(x, (v, i) => G[i]! * (geluRef(v + 1e-4) - geluRef(v - 1e-4)) / 2e-4);
      expectClose(readOut(be, dx), fd, 1e-5, `gelu' ${n}`, 1e-5);
    });
  });

  it.each([5, 12, 27])('gelu n=%i in place: y over x and dx over dy give the bits of the separate buffers', (n) => {
    scoped(be, () => {
      const rng = new TestRng(n + 11);
      const x = rng.normals(n, 3), G = rng.normals(n, 1);
      const px = putF32(be, x), y = makeOut(be, n);
      be.geluForward(y.ptr, px, n);
      const inPlace = putF32(be, x);
      be.geluForward(inPlace, inPlace, n);
      expect(readF32(be, inPlace, n)).toEqual(readOut(be, y));
      const dx = makeOut(be, n);
      be.geluBackward(dx.ptr, putF32(be, G), px, n);
      const dy = putF32(be, G);
      be.geluBackward(dy, dy, px, n);
      expect(readF32(be, dy, n)).toEqual(readOut(be, dx));
    });
  });

  // [B, T, D, heads]: one head, head sizes with SIMD tails (3, 5), head size 16 and T = 16 (makemore.py), T = 1
  it.each([[1, 1, 4, 1], [2, 5, 6, 2], [2, 7, 20, 4], [1, 16, 32, 2], [1, 9, 15, 3]])(
    'attention B=%i T=%i D=%i heads=%i: forward vs naive float64, backward by finite differences',
    (B, T, D, N) => {
      scoped(be, () => {
        const rng = new TestRng(B * 1000 + T * 10 + D + N);
        const qkv = rng.normals(3 * B * T * D, 1), G = rng.normals(B * T * D, 1);
        const out = makeOut(be, B * T * D), att = makeOut(be, B * N * T * T);
        const pq = putF32(be, qkv);
        be.attentionForward(out.ptr, att.ptr, pq, B, T, D, N);
        expectClose(readOut(be, out), attentionRef(qkv, B, T, D, N), 1e-5, 'attention out', 1e-6);
        const probs = readOut(be, att);
        for (let r = 0; r < B * N * T; r++) {
          const t = r % T;
          let sum = 0;
          for (let u = 0; u < T; u++) {
            if (u > t) expect(probs[r * T + u], `att row ${r} masked position ${u}`).toBe(0);
            sum += probs[r * T + u]!;
          }
          expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
        }
        const dqkv = makeOut(be, 3 * B * T * D), scratch = makeOut(be, T);
        be.attentionBackward(dqkv.ptr, scratch.ptr, putF32(be, G), pq, att.ptr, B, T, D, N);
        const fd = numericGradient((x) => weighted(G, attentionRef(x, B, T, D, N)), qkv);
        expectClose(readOut(be, dqkv), fd, 1e-4, 'dqkv', 1e-5);
      });
    },
  );

  it.each([[1, 1, 4, 1, 1], [3, 7, 20, 4, 1], [3, 7, 20, 4, 5], [2, 16, 64, 4, 16], [2, 9, 15, 3, 9]])(
    'attentionStep B=%i T=%i D=%i heads=%i n=%i: the row n − 1 of the naive attention over the first n positions',
    (B, T, D, N, n) => {
      scoped(be, () => {
        const rng = new TestRng(B * 7 + T * 3 + n);
        const qkv = rng.normals(3 * B * T * D, 1);
        const out = makeOut(be, B * D), scratch = makeOut(be, T);
        be.attentionStep(out.ptr, scratch.ptr, putF32(be, qkv), B, T, D, N, n);
        const expected = new Float64Array(B * D);
        for (let b = 0; b < B; b++) {
          const first = attentionRef(qkv.subarray(b * T * 3 * D, (b * T + n) * 3 * D), 1, n, D, N);
          expected.set(first.subarray((n - 1) * D, n * D), b * D);
        }
        expectClose(readOut(be, out), expected, 1e-5, 'attentionStep', 1e-6);
      });
    },
  );

  it('attention is causal: a change at position t leaves every output before t bit-identical', () => {
    scoped(be, () => {
      const B = 2, T = 16, D = 64, N = 4;
      const rng = new TestRng(99);
      const qkv = rng.normals(3 * B * T * D, 1);
      const run = (x: Float32Array): Float64Array => {
        const out = be.arena.allocF32(B * T * D, 'out'), att = be.arena.allocF32(B * N * T * T, 'att');
        be.attentionForward(out, att, putF32(be, x), B, T, D, N);
        return readF32(be, out, B * T * D);
      };
      const base = run(qkv);
      for (const t of [1, 7, 15]) {
        const changed = qkv.slice();
        for (let b = 0; b < B; b++) for (let i = 0; i < 3 * D; i++) changed[(b * T + t) * 3 * D + i] += 1.5;
        const y = run(changed);
        for (let b = 0; b < B; b++) {
          expectSame(y.subarray(b * T * D, (b * T + t) * D), base.subarray(b * T * D, (b * T + t) * D), `before ${t}`);
          expect(y[(b * T + t) * D]).not.toBe(base[(b * T + t) * D]);
        }
      }
    });
  });

  it.each([[1, 1, 1], [2, 5, 3], [2, 16, 13]])('causalMean B=%i T=%i D=%i: forward vs float64, backward by finite differences', (B, T, D) => {
    scoped(be, () => {
      const rng = new TestRng(B + T + D);
      const x = rng.normals(B * T * D, 1), G = rng.normals(B * T * D, 1);
      const y = makeOut(be, B * T * D);
      be.causalMeanForward(y.ptr, putF32(be, x), B, T, D);
      expectClose(readOut(be, y), causalMeanRef(x, B, T, D), 1e-6, 'causalMean');
      const dx = makeOut(be, B * T * D);
      be.causalMeanBackward(dx.ptr, putF32(be, G), B, T, D);
      expectClose(readOut(be, dx), numericGradient((xx) => weighted(G, causalMeanRef(xx, B, T, D)), x), 1e-5, 'dcausalMean', 1e-6);
    });
  });
});
