import { expect } from 'vitest';

/** float32 unit roundoff: half the gap between 1 and the next float32. */
export const U32 = 2 ** -24;

/** The largest |x|. */
export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

/**
 * Asserts |actual[i] − expected[i]| ≤ tol(i) for every i, reporting the worst offender (index, both values, tolerance)
 * so a failure says where it is. NaN anywhere fails.
 */
export function expectElementwise(
  actual: ArrayLike<number>, expected: ArrayLike<number>, tol: (i: number) => number, what: string,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    const t = tol(i);
    const ratio = err === 0 ? 0 : Number.isNaN(err) ? Infinity : err / t;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (worstRatio > 1) {
    expect.fail(
      `${what}: element ${worst} is ${actual[worst]} but expected ${expected[worst]} ` +
        `(|error| ${Math.abs(actual[worst]! - expected[worst]!)} > tolerance ${tol(worst)})`,
    );
  }
}

/** Close relative to the size of the whole tensor: |a − e| ≤ rtol·max|e| (+ atol), the norm for "agree within rtol". */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string, atol = 1e-30): void {
  const scale = maxAbs(expected);
  expectElementwise(actual, expected, () => rtol * scale + atol, what);
}

/** Close element by element: |a − e| ≤ rtol·max(floor, |e|). */
export function expectRelative(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string, floor = 1): void {
  expectElementwise(actual, expected, (i) => rtol * Math.max(floor, Math.abs(expected[i]!)), what);
}

/** Scalar version of {@link expectRelative}. */
export function expectScalar(actual: number, expected: number, rtol: number, what: string, floor = 1): void {
  const tol = rtol * Math.max(floor, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tol)) {
    expect.fail(`${what}: got ${actual} but expected ${expected} (|error| ${Math.abs(actual - expected)} > tolerance ${tol})`);
  }
}

/** Bit-for-bit equality of two float arrays (fast: vitest's deep equality is slow on 100k elements). */
export function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}: element ${i} is ${actual[i]} but expected ${expected[i]}`);
  }
}
