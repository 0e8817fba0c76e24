import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/index.ts';
import { BACKEND_NAMES, makeOut, openBackend, putF32, readF32, readOut, scoped } from './helpers/backends.ts';
import { expectClose, expectRelative, expectSame } from './helpers/compare.ts';
import { TestRng } from './helpers/rng.ts';

/** Lengths with every SIMD tail (1-3 loose lanes), a parameter-vector size and a large odd one. */
const LENGTHS = [1, 2, 3, 4, 5, 7, 27, 200, 4099];

/** One torch.optim.AdamW step (single-tensor path) in float64, in place. */
function adamwRef(
  p: Float64Array, g: ArrayLike<number>, m: Float64Array, v: Float64Array,
  lr: number, beta1: number, beta2: number, eps: number, wd: number, step: number,
): void {
  const bc1 = 1 - beta1 ** step, bc2 = 1 - beta2 ** step;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    p[i]! *= 1 - lr * wd;
    m[i] = m[i]! + (1 - beta1) * (gi - m[i]!);
    v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
    p[i]! -= (lr / bc1) * (m[i]! / (Math.sqrt(v[i]!) / Math.sqrt(bc2) + eps));
  }
}

/** One torch.optim.SGD step with momentum (no dampening, no Nesterov) in float64, in place. */
function sgdMomentumRef(p: Float64Array, g: ArrayLike<number>, vel: Float64Array, lr: number, mu: number, wd: number): void {
  for (let i = 0; i < p.length; i++) {
    vel[i] = mu * vel[i]! + (g[i]! + wd * p[i]!);
    p[i]! -= lr * vel[i]!;
  }
}

describe.each(BACKEND_NAMES)('%s backend: optimizer kernels', (name) => {
  let be: Backend;
  beforeAll(async () => {
    be = await openBackend(name);
  });

  it.each(LENGTHS)('adamwUpdate n=%i: 20 steps match a float64 torch.optim.AdamW within 1e-6 relative', (n) => {
    scoped(be, () => {
      const rng = new TestRng(n * 31 + 7);
      const lr = 1e-2, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, wd = 0.01;
      const p0 = rng.normals(n);
      const p = makeOut(be, n, p0, 'param'), m = makeOut(be, n, new Float32Array(n), 'm'), v = makeOut(be, n, new Float32Array(n), 'v');
      const g = be.arena.allocF32(n, 'grad');
      const pr = Float64Array.from(p0), mr = new Float64Array(n), vr = new Float64Array(n);
      for (let step = 1; step <= 20; step++) {
        const grad = rng.normals(n); // a fresh gradient per step, as training gives
        be.arena.f32(g, n).set(grad);
        be.adamwUpdate(p.ptr, g, m.ptr, v.ptr, n, lr, beta1, beta2, eps, wd, step);
        adamwRef(pr, grad, mr, vr, lr, beta1, beta2, eps, wd, step);
      }
      expectRelative(readOut(be, p), pr, 1e-6, `adamw param n=${n}`);
      expectClose(readOut(be, m), mr, 1e-6, `adamw m n=${n}`); // relative to the largest moment: m is a sum of cancelling terms
      expectClose(readOut(be, v), vr, 1e-6, `adamw v n=${n}`);
      // it moved: lr·20 steps ≈ 0.2 at most; the update is not a no-op
      expect(Math.abs(readF32(be, p.ptr, n)[0]! - p0[0]!)).toBeGreaterThan(1e-3);
    });
  });

  it('adamwUpdate: bias correction, decoupled decay and eps placement (hand-checkable first step)', () => {
    scoped(be, () => {
      // step 1 with m = v = 0: m = (1−β1)g, v = (1−β2)g², so m/bc1 = g and √v/√bc2 = |g|: p' = p(1 − lr·wd) − lr·g/(|g| + eps)
      const g = [0.5, -2, 1e-3, 0], p0 = [1, 1, -1, 3];
      const p = putF32(be, p0), m = putF32(be, [0, 0, 0, 0]), v = putF32(be, [0, 0, 0, 0]);
      const lr = 0.1, wd = 0.5, eps = 1e-3;
      be.adamwUpdate(p, putF32(be, g), m, v, 4, lr, 0.9, 0.999, eps, wd, 1);
      const want = p0.map((pi, i) => pi * (1 - lr * wd) - (lr * g[i]!) / (Math.abs(g[i]!) + eps));
      expectRelative(readF32(be, p, 4), want, 1e-6, 'adamw step 1');
    });
  });

  it.each(LENGTHS)('sgdMomentumUpdate n=%i: 10 steps match torch.optim.SGD(momentum, weight_decay) in float64', (n) => {
    scoped(be, () => {
      const rng = new TestRng(n * 17 + 3);
      const lr = 0.05, mu = 0.9, wd = 0.01;
      const p0 = rng.normals(n);
      const p = makeOut(be, n, p0, 'param'), vel = makeOut(be, n, new Float32Array(n), 'velocity');
      const g = be.arena.allocF32(n, 'grad');
      const pr = Float64Array.from(p0), vr = new Float64Array(n);
      for (let step = 1; step <= 10; step++) {
        const grad = rng.normals(n);
        be.arena.f32(g, n).set(grad);
        be.sgdMomentumUpdate(p.ptr, g, vel.ptr, n, lr, mu, wd);
        sgdMomentumRef(pr, grad, vr, lr, mu, wd);
        if (step === 1) {
          // the first step is v = g + wd·p (velocity starts at 0)
          expectRelative(readF32(be, vel.ptr, n), Array.from(grad, (gi, i) => gi + wd * p0[i]!), 1e-6, 'first velocity');
        }
      }
      expectRelative(readOut(be, p), pr, 1e-5, `sgd momentum param n=${n}`);
      expectRelative(readOut(be, vel), vr, 1e-5, `sgd momentum velocity n=${n}`);
    });
  });

  it('sgdMomentumUpdate with momentum 0 equals sgdUpdate bit for bit', () => {
    scoped(be, () => {
      const rng = new TestRng(99);
      const n = 203, p0 = rng.normals(n), g = putF32(be, rng.normals(n));
      const a = putF32(be, p0), b = putF32(be, p0), vel = putF32(be, new Float32Array(n));
      be.sgdUpdate(a, g, n, 0.1, 0.01);
      be.sgdMomentumUpdate(b, g, vel, n, 0.1, 0, 0.01);
      // JS rounds lr·(g + wd·p) once; wasm rounds each float32 step in both kernels the same way
      expectRelative(readF32(be, b, n), readF32(be, a, n), 1e-6, 'momentum 0');
    });
  });

  it.each(LENGTHS)('the …Step forms n=%i equal the in-place updates bit for bit, leave their inputs alone, return 1', (n) => {
    scoped(be, () => {
      const rng = new TestRng(n + 77);
      const p0 = rng.normals(n), g = putF32(be, rng.normals(n)), s0 = rng.normals(n), s1 = rng.floats(n, 0, 0.5);
      const put = (x: Float32Array) => putF32(be, x), zeros = () => putF32(be, new Float32Array(n));
      const read = (q: number) => readF32(be, q, n);
      // plain SGD
      let [pin, out] = [put(p0), zeros()];
      expect(be.sgdStep(out, pin, g, n, 0.1, 0.01)).toBe(1);
      let ref = put(p0);
      be.sgdUpdate(ref, g, n, 0.1, 0.01);
      expectSame(read(out), read(ref), 'sgdStep');
      expectSame(read(pin), p0, 'sgdStep input');
      // momentum
      [pin, out] = [put(p0), zeros()];
      const [vin, vout] = [put(s0), zeros()];
      expect(be.sgdMomentumStep(out, pin, g, vout, vin, n, 0.1, 0.9, 0.01)).toBe(1);
      ref = put(p0);
      const vref = put(s0);
      be.sgdMomentumUpdate(ref, g, vref, n, 0.1, 0.9, 0.01);
      expectSame(read(out), read(ref), 'sgdMomentumStep p');
      expectSame(read(vout), read(vref), 'sgdMomentumStep v');
      expectSame(read(pin), p0, 'sgdMomentumStep input p');
      expectSame(read(vin), s0, 'sgdMomentumStep input v');
      // AdamW
      [pin, out] = [put(p0), zeros()];
      const [m, v, mo, vo] = [put(s0), put(s1), zeros(), zeros()];
      expect(be.adamwStep(out, pin, g, mo, m, vo, v, n, 0.01, 0.9, 0.999, 1e-8, 0.01, 3)).toBe(1);
      ref = put(p0);
      const [mr, vr] = [put(s0), put(s1)];
      be.adamwUpdate(ref, g, mr, vr, n, 0.01, 0.9, 0.999, 1e-8, 0.01, 3);
      expectSame(read(out), read(ref), 'adamwStep p');
      expectSame(read(mo), read(mr), 'adamwStep m');
      expectSame(read(vo), read(vr), 'adamwStep v');
      expectSame([...read(pin), ...read(m), ...read(v)], [...p0, ...s0, ...s1], 'adamwStep inputs');
    });
  });

  it.each(LENGTHS)('the …Step forms n=%i return 0 for a NaN or ±Inf gradient or an overflow, wherever it is', (n) => {
    scoped(be, () => {
      const rng = new TestRng(n + 91);
      const p0 = rng.normals(n), s0 = rng.normals(n), s1 = rng.floats(n, 0, 0.5);
      const put = (x: Float32Array) => putF32(be, x), zeros = () => putF32(be, new Float32Array(n));
      // a bad value in the first, a middle and the last element (the last is in the partial tail when n % 4 ≠ 0)
      for (const at of new Set([0, n >> 1, n - 1])) {
        for (const bad of [Number.NaN, Infinity, -Infinity, 3e38]) {
          const g0 = rng.normals(n);
          g0[at] = bad;
          const g = put(g0);
          // 3e38 is finite: p − lr·g overflows only for lr > 1, and g² overflows in AdamW's v
          const lr = bad === 3e38 ? 10 : 0.1;
          const what = `n=${n} g[${at}]=${bad}`;
          expect(be.sgdStep(zeros(), put(p0), g, n, lr, 0), `sgdStep ${what}`).toBe(0);
          expect(be.sgdMomentumStep(zeros(), put(p0), g, zeros(), put(s0), n, lr, 0.9, 0), `sgdMomentumStep ${what}`).toBe(0);
          expect(be.adamwStep(zeros(), put(p0), g, zeros(), put(s0), zeros(), put(s1), n, 0.01, 0.9, 0.999, 1e-8, 0, 2),
            `adamwStep ${what}`).toBe(0);
        }
      }
    });
  });

  it.each(LENGTHS)('addInto n=%i adds elementwise; copy n=%i moves the bits, nothing past the end', (n) => {
    scoped(be, () => {
      const rng = new TestRng(n);
      const x = rng.normals(n), y0 = rng.normals(n);
      const y = makeOut(be, n, y0);
      be.addInto(y.ptr, putF32(be, x), n);
      expectSame(readOut(be, y), Array.from(y0, (v, i) => Math.fround(v + x[i]!)), `addInto n=${n}`);
      const src = rng.normals(n);
      src[0] = NaN;
      const dst = makeOut(be, n);
      be.copy(dst.ptr, putF32(be, src), n);
      expectSame(readOut(be, dst), Float64Array.from(src), `copy n=${n}`);
      const ints = be.arena.allocI32(n, 'ints'), intsCopy = be.arena.allocI32(n, 'ints copy');
      be.arena.i32(ints, n).set(rng.ints(n, 1 << 30).map((v) => v - (1 << 29)));
      be.copy(intsCopy, ints, n); // int32 memory too (a model's index buffers)
      expect(Array.from(be.arena.i32(intsCopy, n))).toEqual(Array.from(be.arena.i32(ints, n)));
    });
  });
});
