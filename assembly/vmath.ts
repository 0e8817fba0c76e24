// exp and tanh on four float32 lanes at once. Mathf.exp is a scalar libm routine; these are branch-free
// polynomials built from plain wasm SIMD arithmetic (no relaxed ops, no FMA), so every engine computes the
// same bits.

// exp(x) = 2^k · e^r with k = round(x / ln 2) and |r| ≤ ln2/2; e^r is Cephes' expf polynomial (~1 ulp).
// ln 2 is split in two (C1 has few mantissa bits, so k·C1 is exact) to keep r accurate without an FMA.
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_HI: f32 = 88.0; // e^88 < FLT_MAX, and k ≤ 127 keeps 2^k a normal float
const EXP_LO: f32 = -87.33654475; // ln(2^-126): below it the result is flushed to 0

/** e^x per lane, relative error ~1e-7; 0 below ln(2^-126), e^88 above 88, NaN stays NaN. */
@inline
export function expV(x: v128): v128 {
  // pmax/pmin keep x when it is NaN (the comparison is false), so NaN flows through to the result
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const k = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  let r = f32x4.sub(xc, f32x4.mul(k, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(k, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  const pow2k = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(p, pow2k), f32x4.lt(x, f32x4.splat(EXP_LO)));
}

// tanh as an odd/even rational function of x on [-c, c] (Eigen's fast tanh): |error| ~1e-7, and tanh(c) already
// rounds to 1 in float32, so clamping first makes ±1e4 or ±Inf saturate to ±1 instead of overflowing to NaN.
const TANH_CLAMP: f32 = 7.90531110763549805;
const TANH_TINY: f32 = 0.0004; // below it tanh(x) == x in float32; the rational form would lose a few ulps

/** tanh(x) per lane, absolute error ~1e-7, exactly odd, saturating to ±1; NaN stays NaN. */
@inline
export function tanhV(x: v128): v128 {
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-TANH_CLAMP)), f32x4.splat(TANH_CLAMP));
  const x2 = f32x4.mul(xc, xc);
  let p = f32x4.splat(-2.76076847742355e-16);
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(2.00018790482477e-13));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-8.60467152213735e-11));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(5.12229709037114e-8));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(1.48572235717979e-5));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(6.37261928875436e-4));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(4.89352455891786e-3));
  p = f32x4.mul(p, xc);
  let q = f32x4.splat(1.19825839466702e-6);
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(1.18534705686654e-4));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(2.26843463243900e-3));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(4.89352518554385e-3));
  const tiny = f32x4.lt(f32x4.abs(x), f32x4.splat(TANH_TINY));
  return v128.bitselect(x, f32x4.div(p, q), tiny);
}
