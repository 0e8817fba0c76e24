// Lane helpers shared by every kernel family: partial loads/stores for the ragged end of a row, lane masks and
// horizontal reductions. A row of 27 or 30 floats ends in 3 or 2 loose lanes; these read and write exactly those
// lanes, never past the end of the buffer (a read past the last allocation could run off the end of the memory).

/** Lanes [0, r) of the four floats at ptr, zeros in the others; r in 1..4 (4 is a plain load). */
@inline
export function loadPartial(ptr: usize, r: i32): v128 {
  if (r >= 4) return v128.load(ptr);
  if (r == 1) return v128.load32_zero(ptr);
  if (r == 2) return v128.load64_zero(ptr);
  return v128.load32_lane(ptr, v128.load64_zero(ptr), 2, 8);
}

/** Store lanes [0, r) of v at ptr, leaving the memory after them untouched; r in 1..4. */
@inline
export function storePartial(ptr: usize, v: v128, r: i32): void {
  if (r >= 4) {
    v128.store(ptr, v);
  } else if (r == 1) {
    v128.store32_lane(ptr, v, 0);
  } else if (r == 2) {
    v128.store64_lane(ptr, v, 0);
  } else {
    v128.store64_lane(ptr, v, 0);
    v128.store32_lane(ptr, v, 2, 8);
  }
}

/** All-ones in lanes [0, r), zeros elsewhere: masks the unused lanes of a partial vector out of a sum. */
@inline
export function laneMask(r: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(r));
}

/** l0 + l1 + l2 + l3 of a float32x4, in a fixed order (pairs first) so the result is deterministic. */
@inline
export function hsum(v: v128): f32 {
  const s = f32x4.add(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.add(s, i32x4.shuffle(s, s, 1, 0, 3, 2)), 0);
}

/** max of the four lanes of a float32x4. */
@inline
export function hmax(v: v128): f32 {
  const s = f32x4.pmax(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.pmax(s, i32x4.shuffle(s, s, 1, 0, 3, 2)), 0);
}

/**
 * [Σa, Σb, Σc, Σd] of four float32x4 accumulators, as one vector: a 4×4 transpose folded into the adds, so a
 * dot-product kernel stores four outputs with one instruction instead of four horizontal sums.
 */
@inline
export function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(i32x4.shuffle(a, b, 0, 4, 1, 5), i32x4.shuffle(a, b, 2, 6, 3, 7)); // a02 b02 a13 b13
  const cd = f32x4.add(i32x4.shuffle(c, d, 0, 4, 1, 5), i32x4.shuffle(c, d, 2, 6, 3, 7));
  return f32x4.add(i32x4.shuffle(ab, cd, 0, 1, 4, 5), i32x4.shuffle(ab, cd, 2, 3, 6, 7));
}
