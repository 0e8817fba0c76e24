/**
 * The benchmark's SIMD128 roof (bench/lib/roof.ts): its loop really runs the iterations it is asked for — the FLOPs
 * the `simd-roof` case claims — checked against the same chains evaluated in float32 by Math.fround (each wasm
 * f32x4 op rounds like one fround, so the results must agree bit for bit); and the issue-16 line that reads it.
 */
import { describe, expect, it } from 'vitest';
import { loadRoof } from '../bench/lib/roof.ts';
import { part3Floor } from '../bench/lib/targets.ts';

const f = Math.fround;

/** Lane 0 of the roof after n iterations: 12 chains c ← c·m + a from c0 = 0.25, c_k = c_(k−1) + a; summed as the loop sums them. */
function reference(n: number): number {
  const m = 0.5, a = 1;
  const c = [0.25];
  for (let k = 1; k < 12; k++) c.push(f(c[k - 1]! + a));
  for (let i = 0; i < n; i++) for (let k = 0; k < 12; k++) c[k] = f(f(c[k]! * m) + a);
  const add = (x: number, y: number) => f(x + y);
  const s0 = add(add(c[0]!, c[1]!), add(c[2]!, c[3]!));
  const s1 = add(add(c[4]!, c[5]!), add(c[6]!, c[7]!));
  const s2 = add(add(c[8]!, c[9]!), add(c[10]!, c[11]!));
  return add(add(s0, s1), s2);
}

describe('the SIMD128 roof of the benchmark', () => {
  it('runs exactly the iterations asked for (every count until the chains converge, bit for bit)', { timeout: 30_000 }, async () => {
    const roof = await loadRoof();
    const seen = new Set<number>();
    for (let n = 0; n <= 30; n++) {
      expect(roof(n), `${n} iterations`).toBe(reference(n));
      seen.add(reference(n));
    }
    expect(seen.size).toBeGreaterThan(20); // the counts really are told apart
    expect(roof(100_000)).toBe(24); // and a long run stays finite: every chain at its fixed point 2
  });
});

describe('the part-3 floor line', () => {
  const config = 'block3 embed10 hidden[200] BN batch32';
  const row = (impl: string, median_us: number, gflops?: number) =>
    ({ bench: 'mlp-step', impl, config, median_us, runs: 3, calls: 1, ...(gflops !== undefined ? { gflops } : {}) });

  it('states the step against 50 µs and against its floor from the same run', () => {
    // 2.4 MFLOP at 48 GF/s: a 50 µs floor; the step 80 µs, 1.6× that
    const line = part3Floor([row('wasm', 80), row('simd-roof', 50, 48)], config)!;
    expect(line).toContain('80.0 µs (target ≤ 50 µs, issue 16) NOT met');
    expect(line).toContain('Its 2.40 MFLOP');
    expect(line).toContain('the step is 1.60× its floor');
    expect(line).toContain('the whole step at 48.0 GF/s');
    expect(line).toContain('a roof of 76.8 GF/s at that ratio');
    expect(part3Floor([row('wasm', 45), row('simd-roof', 30, 80)], config)).toContain('45.0 µs (target ≤ 50 µs, issue 16) met');
  });

  it('is absent when the roof or the step was not measured', () => {
    expect(part3Floor([row('wasm', 80)], config)).toBeUndefined();
    expect(part3Floor([row('simd-roof', 50, 48)], config)).toBeUndefined();
  });
});
