// exp and tanh on four float32 lanes at once. Mathf.exp is a scalar libm routine; these are branch-free
// polynomials built from plain wasm SIMD arithmetic (no relaxed ops, no FMA), so every engine computes the
// same bits.

// exp(x) = 2^k · e^r with k = round(x / ln 2) and |r| ≤ ln2/2; e^r ≈ 1 + r + r²·q(r) with q a degree-4
// near-minimax fit for relative error (Lawson's iteration; 3.1e-9 before float32 rounding), so the error is all
// rounding. ln 2 is split in two (LN2_HI has few mantissa bits, so k·LN2_HI is exact) to keep r accurate without
// an FMA.
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_HI: f32 = 88.0; // e^88 < FLT_MAX, and k ≤ 127 keeps 2^k a normal float
// Below −126.5·ln 2 the rounding gives k = −127, for which the 2^k bit pattern built in expV is exactly +0: the
// result flushes to 0 with no compare-and-mask. Clamping at −88 keeps k ≥ −127 (the bit trick wraps below).
const EXP_LO: f32 = -88.0;
const ROUND_MAGIC: f32 = 12582912.0; // 1.5·2²³
const C2: f32 = 0.4999999403953552;
const C3: f32 = 0.1666652113199234;
const C4: f32 = 0.04166838899254799;
const C5: f32 = 0.008368730545043945;
const C6: f32 = 0.0013814570847898722;

/**
 * e^x per lane; 0 below −126.5·ln 2 ≈ −87.68, subnormal between that and ln(2^-126), e^88 above 88, NaN stays
 * NaN. Checked against Math.exp on every float32 in [-89, 88]: relative error ≤ 1.2e-7 (max 1.19e-7) wherever
 * the result is a normal float.
 */
@inline
export function expV(x: v128): v128 {
  // pmax/pmin keep x when it is NaN (the comparison is false), so NaN flows through to the result
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  // k = round(x·log2 e) by the 1.5·2²³ trick: adding it rounds to an integer (to nearest, like f32x4.nearest)
  // and leaves k in the low mantissa bits, from which 2^k is built with integer ops (no float→int conversion).
  const t = f32x4.add(f32x4.mul(xc, f32x4.splat(LOG2E)), f32x4.splat(ROUND_MAGIC));
  const k = f32x4.sub(t, f32x4.splat(ROUND_MAGIC));
  let r = f32x4.sub(xc, f32x4.mul(k, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(k, f32x4.splat(LN2_LO)));
  // q = (c2 + c3·r) + r²·(c4 + c5·r + c6·r²): short dependency chains, so the loops calling this are not bound by
  // the latency of one long Horner chain
  const r2 = f32x4.mul(r, r);
  const q23 = f32x4.add(f32x4.mul(f32x4.splat(C3), r), f32x4.splat(C2));
  const q46 = f32x4.add(f32x4.mul(f32x4.add(f32x4.mul(f32x4.splat(C6), r), f32x4.splat(C5)), r), f32x4.splat(C4));
  const q = f32x4.add(q23, f32x4.mul(q46, r2));
  const p = f32x4.add(f32x4.add(r, f32x4.splat(1)), f32x4.mul(q, r2));
  // bits(t) = bits(magic) + k and bits(magic) << 23 wraps to 0, so (bits(t) << 23) + bits(1.0) = bits(2^k)
  // (and +0 for k = −127)
  const pow2k = i32x4.add(i32x4.shl(t, 23), i32x4.splat(0x3f800000));
  return f32x4.mul(p, pow2k);
}

// tanh as an odd/even rational function of x on [-c, c] (Eigen's fast tanh coefficients). Inputs are clamped to
// ±c first, so ±1e4 or ±Inf saturate instead of overflowing to NaN. c is not Eigen's 7.905 but the first float
// where this exact evaluation order gives 1.0f, so large inputs give exactly ±1 (tanh(c) = 1 − 2.2e-7). Checked
// against Math.tanh on every float32 in [-9, 9]: |error| ≤ 3.52e-7 (≤ 5.9 ulps of the result) and no result
// above 1.
const TANH_CLAMP: f32 = 8.01734733581543;
const TANH_TINY: f32 = 0.0004; // below it tanh(x) == x in float32; the rational form would lose a few ulps

/** tanh(x) per lane, absolute error ≤ 3.52e-7, exactly odd, exactly ±1 for |x| ≥ 8.02; NaN stays NaN. */
@inline
export function tanhV(x: v128): v128 {
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-TANH_CLAMP)), f32x4.splat(TANH_CLAMP));
  // numerator x·(a1 + a3·y + … + a13·y⁶) and denominator b0 + b2·y + b4·y² + b6·y³ with y = x², in Estrin form
  const y = f32x4.mul(xc, xc);
  const y2 = f32x4.mul(y, y);
  const y4 = f32x4.mul(y2, y2);
  const p01 = f32x4.add(f32x4.mul(f32x4.splat(6.37261928875436e-4), y), f32x4.splat(4.89352455891786e-3));
  const p23 = f32x4.add(f32x4.mul(f32x4.splat(5.12229709037114e-8), y), f32x4.splat(1.48572235717979e-5));
  const p45 = f32x4.add(f32x4.mul(f32x4.splat(2.00018790482477e-13), y), f32x4.splat(-8.60467152213735e-11));
  const p6 = f32x4.splat(-2.76076847742355e-16);
  const p0to3 = f32x4.add(p01, f32x4.mul(p23, y2));
  const p4to6 = f32x4.add(p45, f32x4.mul(p6, y2));
  const p = f32x4.mul(f32x4.add(p0to3, f32x4.mul(p4to6, y4)), xc);
  const q01 = f32x4.add(f32x4.mul(f32x4.splat(2.26843463243900e-3), y), f32x4.splat(4.89352518554385e-3));
  const q23 = f32x4.add(f32x4.mul(f32x4.splat(1.19825839466702e-6), y), f32x4.splat(1.18534705686654e-4));
  const q = f32x4.add(q01, f32x4.mul(q23, y2));
  // |x| < TINY tested as x² < TINY² on the square already at hand (NaN compares false and flows through p/q)
  const tiny = f32x4.lt(y, f32x4.splat(TANH_TINY * TANH_TINY));
  return v128.bitselect(x, f32x4.div(p, q), tiny);
}
