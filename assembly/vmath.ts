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

// tanh as x·P(x²)/Q(x²) with P of degree 4 and Q of degree 3 in x² (a [9/6] rational, 19 arithmetic ops against the
// 27 of the [13/6] form used before): a near-minimax fit for relative error on [0, 7.85] with P(0) = Q(0) = 1, so
// that for small |x| the result is x itself — x·1/1 — down to the subnormals, with no separate tiny-input branch.
// Horner form: the longer dependency chain is hidden by evaluating two vectors per loop iteration in the callers
// that stream (tanhForward), while the fewer ops matter everywhere. Inputs are clamped to ±c first, so ±1e4 or
// ±Inf saturate instead of overflowing to NaN; c is the first float where this exact evaluation order gives 1.0f,
// so large inputs give exactly ±1 (tanh(c) = 1 − 4.9e-7). Checked against Math.tanh on every float32 in [0, 9]
// (the form is exactly odd): |error| ≤ 5.83e-7 (at 4.15), relative error ≤ 5.83e-7, no result above 1.
const TANH_CLAMP: f32 = 7.610366344451904;
const TA3: f32 = 0.12696392834186554;
const TA5: f32 = 0.0026798590552061796;
const TA7: f32 = 7.0342748585972e-06;
const TA9: f32 = -5.905699484998195e-09;
const TB2: f32 = 0.46029579639434814;
const TB4: f32 = 0.022780748084187508;
const TB6: f32 = 0.00019458605675026774;

/** tanh(x) per lane, |error| ≤ 5.83e-7 (relative too), exactly odd, exactly ±1 for |x| ≥ 7.61; NaN stays NaN. */
@inline
export function tanhV(x: v128): v128 {
  // pmax/pmin keep x when it is NaN (the comparison is false): NaN flows through to the result
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-TANH_CLAMP)), f32x4.splat(TANH_CLAMP));
  const y = f32x4.mul(xc, xc);
  let p = f32x4.add(f32x4.mul(f32x4.splat(TA9), y), f32x4.splat(TA7));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(TA5));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(TA3));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(1));
  let q = f32x4.add(f32x4.mul(f32x4.splat(TB6), y), f32x4.splat(TB4));
  q = f32x4.add(f32x4.mul(q, y), f32x4.splat(TB2));
  q = f32x4.add(f32x4.mul(q, y), f32x4.splat(1));
  return f32x4.div(f32x4.mul(p, xc), q);
}
