import { beforeAll, describe, expect, it } from 'vitest';
import { Backend, KERNEL_NAMES, type Kernels } from '../src/backend/index.ts';
import { KERNEL_TABLE } from '../src/backend/kernels.ts';
import { BACKEND_NAMES, openBackend, putF32, putI32, readF32, scoped } from './helpers/backends.ts';
import { expectClose } from './helpers/compare.ts';
import { TestRng } from './helpers/rng.ts';
import { addRecurrentCases } from './helpers/recurrent-cases.ts';
import { type KernelName, SIGNATURES, type Sizes, validArgs } from './helpers/signatures.ts';

/**
 * One kernel call on fixed random inputs. `run` allocates everything it needs on the backend it is given and returns
 * every output (scalars as one-element arrays), so the same case can be run on both backends and compared.
 */
interface Case {
  kernel: KernelName;
  label: string;
  run: (be: Backend) => Float64Array[];
}

function cases(): Case[] {
  const out: Case[] = [];
  const add = (kernel: KernelName, label: string, run: (be: Backend, rng: TestRng) => Float64Array[]) =>
    out.push({ kernel, label: `${kernel} ${label}`, run: (be) => run(be, new TestRng(out.length * 7919 + 1)) });

  for (const form of ['matmul', 'matmulTN', 'matmulNT'] as const) {
    for (const [M, K, N] of [[1, 1, 1], [32, 30, 200], [32, 200, 27], [200, 32, 27], [13, 11, 17], [7, 1031, 5], [64, 64, 64]]) {
      for (const accumulate of [false, true]) {
        add(form, `${M}×${K}×${N} acc=${accumulate}`, (be, rng) => {
          const c = putF32(be, rng.floats(M * N));
          be[form](c, putF32(be, rng.floats(M * K)), putF32(be, rng.floats(K * N)), M, K, N, accumulate);
          return [readF32(be, c, M * N)];
        });
      }
    }
  }
  const MN: [number, number][] = [[1, 1], [32, 27], [32, 200], [200, 30], [7, 9]];
  for (const [M, N] of MN) {
    add('addBias', `${M}×${N}`, (be, rng) => {
      const y = putF32(be, rng.floats(M * N));
      be.addBias(y, putF32(be, rng.floats(N)), M, N);
      return [readF32(be, y, M * N)];
    });
    for (const accumulate of [false, true]) {
      add('biasBackward', `${M}×${N} acc=${accumulate}`, (be, rng) => {
        const db = putF32(be, rng.floats(N));
        be.biasBackward(db, putF32(be, rng.floats(M * N)), M, N, accumulate);
        return [readF32(be, db, N)];
      });
      add('tanhBackward', `${M * N} acc=${accumulate}`, (be, rng) => {
        const n = M * N;
        const dx = putF32(be, rng.floats(n));
        be.tanhBackward(dx, putF32(be, rng.floats(n)), putF32(be, rng.floats(n, -0.999, 0.999)), n, accumulate);
        return [readF32(be, dx, n)];
      });
    }
    add('tanhForward', `${M * N}`, (be, rng) => {
      const y = putF32(be, new Float32Array(M * N));
      be.tanhForward(y, putF32(be, rng.normals(M * N, 3)), M * N);
      return [readF32(be, y, M * N)];
    });
    for (const kernel of ['softmax', 'logSoftmax'] as const) {
      add(kernel, `${M}×${N}`, (be, rng) => {
        const y = putF32(be, new Float32Array(M * N));
        be[kernel](y, putF32(be, rng.normals(M * N, 3)), M, N);
        return [readF32(be, y, M * N)];
      });
    }
    add('crossEntropyLoss', `${M}×${N}`, (be, rng) => {
      const loss = be.crossEntropyLoss(putF32(be, rng.normals(M * N, 3)), putI32(be, rng.ints(M, N)), M, N);
      return [Float64Array.of(loss)];
    });
    add('softmaxCrossEntropy', `${M}×${N}`, (be, rng) => {
      const d = putF32(be, new Float32Array(M * N));
      const loss = be.softmaxCrossEntropy(d, putF32(be, rng.normals(M * N, 3)), putI32(be, rng.ints(M, N)), M, N);
      return [Float64Array.of(loss), readF32(be, d, M * N)];
    });
    add('batchNormTrain', `${M}×${N}`, (be, rng) => {
      const y = putF32(be, new Float32Array(M * N)), xhat = putF32(be, new Float32Array(M * N)), invstd = putF32(be, new Float32Array(N));
      const rm = putF32(be, rng.floats(N)), rv = putF32(be, rng.floats(N, 0.5, 2));
      const x = putF32(be, rng.normals(M * N, 2, 1));
      be.batchNormTrain(y, xhat, invstd, x, putF32(be, rng.floats(N)), putF32(be, rng.floats(N)), rm, rv, M, N, 0.1, 1e-5);
      return [y, xhat].map((p) => readF32(be, p, M * N)).concat([invstd, rm, rv].map((p) => readF32(be, p, N)));
    });
    add('batchNormEval', `${M}×${N}`, (be, rng) => {
      const y = putF32(be, new Float32Array(M * N));
      be.batchNormEval(y, putF32(be, rng.normals(M * N, 2, 1)), putF32(be, rng.floats(N)), putF32(be, rng.floats(N)),
        putF32(be, rng.floats(N)), putF32(be, rng.floats(N, 0.1, 3)), M, N, 1e-5);
      return [readF32(be, y, M * N)];
    });
    for (const accumulate of [false, true]) {
      add('batchNormBackward', `${M}×${N} acc=${accumulate}`, (be, rng) => {
        const dx = putF32(be, new Float32Array(M * N)), dg = putF32(be, rng.floats(N)), db = putF32(be, rng.floats(N));
        be.batchNormBackward(dx, dg, db, putF32(be, rng.floats(M * N)), putF32(be, rng.normals(M * N)), putF32(be, rng.floats(N, 0.2, 3)),
          putF32(be, rng.floats(N)), M, N, accumulate);
        return [readF32(be, dx, M * N), readF32(be, dg, N), readF32(be, db, N)];
      });
    }
    // about a third of the targets −1 ("no target")
    const someIgnored = (rng: TestRng) => rng.ints(M, N).map((t, i) => (rng.ints(1, 3)[0] === 0 || i === M - 1 ? -1 : t));
    add('crossEntropyLoss', `${M}×${N} with −1 targets`, (be, rng) => {
      const loss = be.crossEntropyLoss(putF32(be, rng.normals(M * N, 3)), putI32(be, someIgnored(rng)), M, N);
      return [Float64Array.of(loss)];
    });
    add('softmaxCrossEntropy', `${M}×${N} with −1 targets`, (be, rng) => {
      const d = putF32(be, new Float32Array(M * N));
      const loss = be.softmaxCrossEntropy(d, putF32(be, rng.normals(M * N, 3)), putI32(be, someIgnored(rng)), M, N);
      return [Float64Array.of(loss), readF32(be, d, M * N)];
    });
  }
  for (const [B, T, D] of [[1, 1, 1], [32, 3, 10], [200, 3, 30], [5, 7, 9]]) {
    const V = 27;
    add('embeddingGather', `${B}×${T}×${D}`, (be, rng) => {
      const o = putF32(be, new Float32Array(B * T * D));
      be.embeddingGather(o, putF32(be, rng.floats(V * D)), putI32(be, rng.ints(B * T, V)), B, T, D);
      return [readF32(be, o, B * T * D)];
    });
    add('embeddingScatterAdd', `${B}×${T}×${D}`, (be, rng) => {
      const dt = putF32(be, rng.floats(V * D));
      be.embeddingScatterAdd(dt, putF32(be, rng.floats(B * T * D)), putI32(be, rng.ints(B * T, V)), B, T, D);
      return [readF32(be, dt, V * D)];
    });
  }
  for (const n of [1, 7, 200, 4099]) {
    add('sgdUpdate', `n=${n}`, (be, rng) => {
      const p = putF32(be, rng.floats(n));
      be.sgdUpdate(p, putF32(be, rng.floats(n)), n, 0.1, 0.01);
      return [readF32(be, p, n)];
    });
    add('sgdMomentumUpdate', `n=${n}`, (be, rng) => {
      const p = putF32(be, rng.floats(n)), v = putF32(be, rng.floats(n));
      be.sgdMomentumUpdate(p, putF32(be, rng.floats(n)), v, n, 0.1, 0.9, 0.01);
      return [readF32(be, p, n), readF32(be, v, n)];
    });
    add('adamwUpdate', `n=${n}`, (be, rng) => {
      const p = putF32(be, rng.floats(n)), m = putF32(be, rng.floats(n, -0.1, 0.1)), v = putF32(be, rng.floats(n, 0, 0.1));
      be.adamwUpdate(p, putF32(be, rng.floats(n)), m, v, n, 0.01, 0.9, 0.999, 1e-8, 0.01, 7);
      return [readF32(be, p, n), readF32(be, m, n), readF32(be, v, n)];
    });
    // the out-of-place forms write new arrays and leave their inputs alone; the returned flag is part of the output
    add('sgdStep', `n=${n}`, (be, rng) => {
      const p = putF32(be, rng.floats(n)), out = putF32(be, new Float32Array(n));
      const ok = be.sgdStep(out, p, putF32(be, rng.floats(n)), n, 0.1, 0.01);
      return [readF32(be, out, n), readF32(be, p, n), Float64Array.of(ok)];
    });
    add('sgdMomentumStep', `n=${n}`, (be, rng) => {
      const p = putF32(be, rng.floats(n)), v = putF32(be, rng.floats(n));
      const po = putF32(be, new Float32Array(n)), vo = putF32(be, new Float32Array(n));
      const ok = be.sgdMomentumStep(po, p, putF32(be, rng.floats(n)), vo, v, n, 0.1, 0.9, 0.01);
      return [readF32(be, po, n), readF32(be, vo, n), readF32(be, p, n), readF32(be, v, n), Float64Array.of(ok)];
    });
    add('adamwStep', `n=${n}`, (be, rng) => {
      const p = putF32(be, rng.floats(n)), m = putF32(be, rng.floats(n, -0.1, 0.1)), v = putF32(be, rng.floats(n, 0, 0.1));
      const [po, mo, vo] = [0, 1, 2].map(() => putF32(be, new Float32Array(n)));
      const ok = be.adamwStep(po!, p, putF32(be, rng.floats(n)), mo!, m, vo!, v, n, 0.01, 0.9, 0.999, 1e-8, 0.01, 7);
      return [readF32(be, po!, n), readF32(be, mo!, n), readF32(be, vo!, n), readF32(be, p, n), Float64Array.of(ok)];
    });
    add('addInto', `n=${n}`, (be, rng) => {
      const y = putF32(be, rng.floats(n));
      be.addInto(y, putF32(be, rng.floats(n)), n);
      return [readF32(be, y, n)];
    });
    add('copy', `n=${n}`, (be, rng) => {
      const dst = putF32(be, rng.floats(n + 2));
      be.copy(dst, putF32(be, rng.floats(n)), n);
      return [readF32(be, dst, n + 2)]; // the two after the copy stay as they were
    });
    add('zero', `n=${n}`, (be, rng) => {
      const p = putF32(be, rng.floats(n));
      be.zero(p, n);
      return [readF32(be, p, n)];
    });
    add('sumSquares', `n=${n}`, (be, rng) => [Float64Array.of(be.sumSquares(putF32(be, rng.floats(n)), n))]);
    add('sum', `n=${n}`, (be, rng) => [Float64Array.of(be.sum(putF32(be, rng.floats(n)), n))]);
    add('sumSquaredDeviations', `n=${n}`, (be, rng) => [Float64Array.of(be.sumSquaredDeviations(putF32(be, rng.floats(n)), n, 0.1))]);
    add('countAbove', `n=${n}`, (be, rng) => [Float64Array.of(be.countAbove(putF32(be, rng.floats(n)), n, 0.5))]);
    add('maxAbs', `n=${n}`, (be, rng) => [Float64Array.of(be.maxAbs(putF32(be, rng.floats(n)), n))]);
    add('histogram', `n=${n}`, (be, rng) => {
      const counts = putF32(be, new Float32Array(9));
      be.histogram(counts, putF32(be, rng.floats(n)), n, -0.8, 0.8, 9);
      return [readF32(be, counts, 9)];
    });
    add('subtract', `n=${n}`, (be, rng) => {
      const y = putF32(be, new Float32Array(n));
      be.subtract(y, putF32(be, rng.floats(n)), putF32(be, rng.floats(n)), n);
      return [readF32(be, y, n)];
    });
  }
  addRecurrentCases(add); // recurrent (issue 14)
  // transformer (issue 15)
  for (const [M, N] of [[1, 1], [32, 64], [7, 27]] as const) {
    add('layerNormForward', `${M}×${N}`, (be, rng) => {
      const y = putF32(be, new Float32Array(M * N)), mean = putF32(be, new Float32Array(M)), rstd = putF32(be, new Float32Array(M));
      be.layerNormForward(y, mean, rstd, putF32(be, rng.normals(M * N, 2)), putF32(be, rng.floats(N)), putF32(be, rng.floats(N)), M, N, 1e-5);
      return [readF32(be, y, M * N), readF32(be, mean, M), readF32(be, rstd, M)];
    });
    add('layerNormBackward', `${M}×${N}`, (be, rng) => {
      const dx = putF32(be, new Float32Array(M * N)), dg = putF32(be, rng.floats(N)), db = putF32(be, rng.floats(N));
      be.layerNormBackward(
        dx, dg, db, putF32(be, rng.floats(M * N)), putF32(be, rng.normals(M * N, 2)), putF32(be, rng.floats(M)),
        putF32(be, rng.floats(M, 0.5, 2)), putF32(be, rng.floats(N)), M, N,
      );
      return [readF32(be, dx, M * N), readF32(be, dg, N), readF32(be, db, N)];
    });
    add('geluForward', `${M * N}`, (be, rng) => {
      const y = putF32(be, new Float32Array(M * N));
      be.geluForward(y, putF32(be, rng.normals(M * N, 3)), M * N);
      return [readF32(be, y, M * N)];
    });
    add('geluBackward', `${M * N}`, (be, rng) => {
      const dx = putF32(be, new Float32Array(M * N));
      be.geluBackward(dx, putF32(be, rng.floats(M * N)), putF32(be, rng.normals(M * N, 3)), M * N);
      return [readF32(be, dx, M * N)];
    });
  }
  for (const [B, T, D, H] of [[1, 1, 4, 1], [2, 7, 20, 4], [4, 16, 64, 4]] as const) {
    add('attentionForward', `${B}×${T}×${D}/${H}`, (be, rng) => {
      const out = putF32(be, new Float32Array(B * T * D)), att = putF32(be, new Float32Array(B * H * T * T));
      be.attentionForward(out, att, putF32(be, rng.normals(3 * B * T * D, 1)), B, T, D, H);
      return [readF32(be, out, B * T * D), readF32(be, att, B * H * T * T)];
    });
    add('attentionBackward', `${B}×${T}×${D}/${H}`, (be, rng) => {
      const qkv = putF32(be, rng.normals(3 * B * T * D, 1));
      const out = putF32(be, new Float32Array(B * T * D)), att = putF32(be, new Float32Array(B * H * T * T));
      be.attentionForward(out, att, qkv, B, T, D, H); // real probabilities: the backward's input
      const dqkv = putF32(be, rng.floats(3 * B * T * D));
      be.attentionBackward(dqkv, putF32(be, new Float32Array(T)), putF32(be, rng.floats(B * T * D)), qkv, att, B, T, D, H);
      return [readF32(be, dqkv, 3 * B * T * D)];
    });
    add('attentionStep', `${B}×${T}×${D}/${H}`, (be, rng) => {
      const out = putF32(be, new Float32Array(B * D));
      be.attentionStep(out, putF32(be, new Float32Array(T)), putF32(be, rng.normals(3 * B * T * D, 1)), B, T, D, H, Math.max(1, T - 2));
      return [readF32(be, out, B * D)];
    });
    add('causalMeanForward', `${B}×${T}×${D}`, (be, rng) => {
      const y = putF32(be, new Float32Array(B * T * D));
      be.causalMeanForward(y, putF32(be, rng.floats(B * T * D)), B, T, D);
      return [readF32(be, y, B * T * D)];
    });
    add('causalMeanBackward', `${B}×${T}×${D}`, (be, rng) => {
      const dx = putF32(be, new Float32Array(B * T * D));
      be.causalMeanBackward(dx, putF32(be, rng.floats(B * T * D)), B, T, D);
      return [readF32(be, dx, B * T * D)];
    });
  }
  return out;
}

const CASES = cases();

describe('the kernel contract', () => {
  it('the agreement cases below call every kernel of the contract', () => {
    expect(new Set(CASES.map((c) => c.kernel))).toEqual(new Set(KERNEL_NAMES));
  });

  it.each(['js', 'wasm'] as const)('the %s backend implements every kernel, checked and raw', async (name) => {
    const be = await openBackend(name);
    expect(be).toBeInstanceOf(Backend);
    expect(be.name).toBe(name);
    for (const k of KERNEL_NAMES) {
      expect(typeof be.raw[k], `raw.${k}`).toBe('function');
      expect(typeof (be as Kernels)[k], k).toBe('function');
    }
  });
});

describe('the kernel table (KERNEL_TABLE) is the contract', () => {
  it.each(['js', 'wasm'] as const)('every row exists in the %s backend with its arity; nothing else is there', async (name) => {
    const be = await openBackend(name);
    for (const k of KERNEL_NAMES) {
      const fn = be.raw[k] as (...a: unknown[]) => unknown;
      // a wasm export's length is its parameter count; a JS function's, its declared parameters
      expect(fn.length, `${name} ${k} arity`).toBe(KERNEL_TABLE[k].args.length);
    }
    expect(Object.keys(be.raw).sort()).toEqual([...KERNEL_NAMES].sort());
  });

  it('the wasm kernels are the raw exports, flags passed as JS booleans (true arrives as i32 1)', async () => {
    const be = await openBackend('wasm');
    scoped(be, () => {
      const db = putF32(be, [1, 2, 3]), dy = putF32(be, [10, 20, 30, 40, 50, 60]);
      be.raw.biasBackward(db, dy, 2, 3, true);
      expect(Array.from(be.arena.f32(db, 3))).toEqual([51, 72, 93]);
      be.raw.biasBackward(db, dy, 2, 3, false);
      expect(Array.from(be.arena.f32(db, 3))).toEqual([50, 70, 90]);
    });
  });
});

describe('wasm and JS agree within 1e-5 relative (to the largest magnitude of each output)', () => {
  let js: Backend;
  let wasm: Backend;
  beforeAll(async () => {
    [js, wasm] = await Promise.all([openBackend('js'), openBackend('wasm')]);
  });

  it.each(CASES.map((c) => [c.label, c] as const))('%s', (_, c) => {
    const a = scoped(js, () => c.run(js));
    const b = scoped(wasm, () => c.run(wasm));
    expect(b.length).toBe(a.length);
    a.forEach((ref, i) => {
      expect(ref.every(Number.isFinite), `${c.label}: output ${i} of js is finite`).toBe(true);
      expectClose(b[i]!, ref, 1e-5, `${c.label}: output ${i}`);
    });
  });
});

describe.each(BACKEND_NAMES)('%s backend: kernels touch nothing beyond their operands', (name) => {
  // Odd sizes everywhere, so every SIMD loop has a 1-3 element tail.
  const sizeSets: Sizes[] = [
    { M: 3, K: 5, N: 5, n: 7, B: 3, T: 1, D: 3 },
    { M: 5, K: 7, N: 3, n: 9, B: 1, T: 3, D: 5 },
    { M: 1, K: 1, N: 1, n: 1, B: 1, T: 1, D: 1 },
  ];
  it.each(KERNEL_NAMES)('%s with each operand in turn ending at the last byte of memory', async (kernel) => {
    const be = await openBackend(name);
    const call = (args: unknown[]) => (be[kernel] as (...a: unknown[]) => unknown)(...args);
    sizeSets.forEach((sizes, s) => {
      SIGNATURES[kernel].forEach((arg, i) => {
        if (arg.kind !== 'f32' && arg.kind !== 'i32') return;
        scoped(be, () => {
          const rng = new TestRng(s * 100 + i);
          // Every other operand is allocated first; this one last, flush against the end of memory.
          const args = validArgs(be, kernel, rng, sizes, i);
          expect(() => call(args), `${kernel} with ${arg.name} at the end of memory, sizes ${JSON.stringify(sizes)}`).not.toThrow();
        });
      });
    });
  });
});
