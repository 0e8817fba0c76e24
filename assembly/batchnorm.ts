// BatchNorm1d over a [M×N] batch, statistics per column. Each kernel walks a strip of four columns down all the
// rows, keeping the strip's statistics in registers: no scratch memory is needed, and the last strip of a
// ragged width uses partial loads/stores.
import { loadPartial, storePartial } from './simd';

/** One strip of batchNormTrain: columns [j, j+w) with w in 1..4 (constant-folded for the full strips). */
@inline
function trainStrip(
  y: usize, xhat: usize, invstd: usize, x: usize, gain: usize, bias: usize, runMean: usize, runVar: usize,
  M: i32, N: i32, momentum: f32, eps: f32, w: i32,
): void {
  const row = <usize>N << 2;
  const m = f32x4.splat(<f32>M);
  // column sums over even and odd rows in separate registers: two add chains in flight instead of one
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let p = x;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    s0 = f32x4.add(s0, loadPartial(p, w));
    s1 = f32x4.add(s1, loadPartial(p + row, w));
    p += row << 1;
  }
  if (i < M) s0 = f32x4.add(s0, loadPartial(p, w));
  const mean = f32x4.div(f32x4.add(s0, s1), m);
  // two passes: Σ(x − mean)² does not cancel the way Σx² − M·mean² does
  s0 = f32x4.splat(0);
  s1 = f32x4.splat(0);
  p = x;
  for (i = 0; i + 2 <= M; i += 2) {
    const d0 = f32x4.sub(loadPartial(p, w), mean);
    const d1 = f32x4.sub(loadPartial(p + row, w), mean);
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
    s1 = f32x4.add(s1, f32x4.mul(d1, d1));
    p += row << 1;
  }
  if (i < M) {
    const d = f32x4.sub(loadPartial(p, w), mean);
    s0 = f32x4.add(s0, f32x4.mul(d, d));
  }
  const ss = f32x4.add(s0, s1);
  const inv = f32x4.div(f32x4.splat(1), f32x4.sqrt(f32x4.add(f32x4.div(ss, m), f32x4.splat(eps))));
  storePartial(invstd, inv, w);
  const g = loadPartial(gain, w);
  const b = loadPartial(bias, w);
  let o: usize = 0;
  for (i = 0; i < M; i++) {
    const xh = f32x4.mul(f32x4.sub(loadPartial(x + o, w), mean), inv);
    storePartial(xhat + o, xh, w);
    storePartial(y + o, f32x4.add(f32x4.mul(g, xh), b), w);
    o += row;
  }
  // running statistics use the unbiased variance, as PyTorch does (a batch of one has none: keep the biased 0)
  const unbiased = f32x4.div(ss, f32x4.splat(M > 1 ? <f32>(M - 1) : <f32>1));
  const keep = f32x4.splat(<f32>1 - momentum);
  const mom = f32x4.splat(momentum);
  storePartial(runMean, f32x4.add(f32x4.mul(keep, loadPartial(runMean, w)), f32x4.mul(mom, mean)), w);
  storePartial(runVar, f32x4.add(f32x4.mul(keep, loadPartial(runVar, w)), f32x4.mul(mom, unbiased)), w);
}

/**
 * BatchNorm1d in training mode: xhat = (x − mean)·invstd with the biased batch variance, y = gain·xhat + bias;
 * saves xhat and invstd; run = (1 − momentum)·run + momentum·batch (unbiased variance for runVar).
 */
export function batchNormTrain(
  y: usize, xhat: usize, invstd: usize, x: usize, gain: usize, bias: usize, runMean: usize, runVar: usize,
  M: i32, N: i32, momentum: f32, eps: f32,
): void {
  let j = 0;
  for (; j + 4 <= N; j += 4) {
    const o = <usize>j << 2;
    trainStrip(y + o, xhat + o, invstd + o, x + o, gain + o, bias + o, runMean + o, runVar + o, M, N, momentum, eps, 4);
  }
  if (j < N) {
    const o = <usize>j << 2;
    trainStrip(y + o, xhat + o, invstd + o, x + o, gain + o, bias + o, runMean + o, runVar + o, M, N, momentum, eps, N - j);
  }
}

/** One strip of batchNormEval. */
@inline
function evalStrip(
  y: usize, x: usize, gain: usize, bias: usize, runMean: usize, runVar: usize, M: i32, N: i32, eps: f32, w: i32,
): void {
  const row = <usize>N << 2;
  const mean = loadPartial(runMean, w);
  const scale = f32x4.div(loadPartial(gain, w), f32x4.sqrt(f32x4.add(loadPartial(runVar, w), f32x4.splat(eps))));
  const b = loadPartial(bias, w);
  let o: usize = 0;
  for (let i = 0; i < M; i++) {
    storePartial(y + o, f32x4.add(f32x4.mul(f32x4.sub(loadPartial(x + o, w), mean), scale), b), w);
    o += row;
  }
}

/** BatchNorm1d in eval mode: y = gain·(x − runMean)/√(runVar + eps) + bias, each row on its own. */
export function batchNormEval(
  y: usize, x: usize, gain: usize, bias: usize, runMean: usize, runVar: usize, M: i32, N: i32, eps: f32,
): void {
  let j = 0;
  for (; j + 4 <= N; j += 4) {
    const o = <usize>j << 2;
    evalStrip(y + o, x + o, gain + o, bias + o, runMean + o, runVar + o, M, N, eps, 4);
  }
  if (j < N) {
    const o = <usize>j << 2;
    evalStrip(y + o, x + o, gain + o, bias + o, runMean + o, runVar + o, M, N, eps, N - j);
  }
}

/** One strip of batchNormBackward. */
@inline
function backwardStrip(
  dx: usize, dgain: usize, dbias: usize, dy: usize, xhat: usize, invstd: usize, gain: usize, M: i32, N: i32,
  accumulate: i32, w: i32,
): void {
  const row = <usize>N << 2;
  // even and odd rows in separate accumulators, as in trainStrip
  let sdy0 = f32x4.splat(0), sdy1 = f32x4.splat(0);
  let sdyx0 = f32x4.splat(0), sdyx1 = f32x4.splat(0);
  let o: usize = 0;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    const g0 = loadPartial(dy + o, w);
    const g1 = loadPartial(dy + o + row, w);
    sdy0 = f32x4.add(sdy0, g0);
    sdy1 = f32x4.add(sdy1, g1);
    sdyx0 = f32x4.add(sdyx0, f32x4.mul(g0, loadPartial(xhat + o, w)));
    sdyx1 = f32x4.add(sdyx1, f32x4.mul(g1, loadPartial(xhat + o + row, w)));
    o += row << 1;
  }
  if (i < M) {
    const g = loadPartial(dy + o, w);
    sdy0 = f32x4.add(sdy0, g);
    sdyx0 = f32x4.add(sdyx0, f32x4.mul(g, loadPartial(xhat + o, w)));
  }
  const sdy = f32x4.add(sdy0, sdy1);
  const sdyx = f32x4.add(sdyx0, sdyx1);
  // the parameter gradients add into what earlier uses of the same gain/bias left there (shared weights)
  storePartial(dbias, accumulate ? f32x4.add(loadPartial(dbias, w), sdy) : sdy, w);
  storePartial(dgain, accumulate ? f32x4.add(loadPartial(dgain, w), sdyx) : sdyx, w);
  const m = f32x4.splat(<f32>M);
  const k = f32x4.div(f32x4.mul(loadPartial(gain, w), loadPartial(invstd, w)), m);
  o = 0;
  for (i = 0; i < M; i++) {
    const t = f32x4.sub(f32x4.sub(f32x4.mul(m, loadPartial(dy + o, w)), sdy), f32x4.mul(loadPartial(xhat + o, w), sdyx));
    storePartial(dx + o, f32x4.mul(k, t), w);
    o += row;
  }
}

/**
 * BatchNorm1d backward, the one-pass formula: dgain (+)= Σ dy·xhat, dbias (+)= Σ dy (added into when `accumulate`,
 * else overwritten) and dx = gain·invstd/M · (M·dy − Σdy − xhat·Σ(dy·xhat)) (always overwritten; dx may alias dy).
 */
export function batchNormBackward(
  dx: usize, dgain: usize, dbias: usize, dy: usize, xhat: usize, invstd: usize, gain: usize, M: i32, N: i32,
  accumulate: i32,
): void {
  let j = 0;
  for (; j + 4 <= N; j += 4) {
    const o = <usize>j << 2;
    backwardStrip(dx + o, dgain + o, dbias + o, dy + o, xhat + o, invstd + o, gain + o, M, N, accumulate, 4);
  }
  if (j < N) {
    const o = <usize>j << 2;
    backwardStrip(dx + o, dgain + o, dbias + o, dy + o, xhat + o, invstd + o, gain + o, M, N, accumulate, N - j);
  }
}
