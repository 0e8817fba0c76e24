// BatchNorm1d over a [M×N] batch, statistics per column. Each kernel walks a strip of four columns down all the
// rows, keeping the strip's statistics in registers: no scratch memory is needed, and the last strip of a
// ragged width uses partial loads/stores.
import { loadPartial, storePartial } from './simd';

/** One strip of batchNormTrain: columns [j, j+w) with w in 1..4 (the 8-column strips below take the full ones). */
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
 * Two full strips of batchNormTrain side by side (columns [0, 4) and [4, 8) from the pointers): the same operations
 * in the same order per column as trainStrip, so the same bits, but four independent add chains per reduction loop
 * instead of two — the reductions over 32 rows are bound by the latency of the adds, not by the loads.
 */
@inline
function trainStrip8(
  y: usize, xhat: usize, invstd: usize, x: usize, gain: usize, bias: usize, runMean: usize, runVar: usize,
  M: i32, N: i32, momentum: f32, eps: f32,
): void {
  const row = <usize>N << 2;
  const m = f32x4.splat(<f32>M);
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), b0 = f32x4.splat(0), b1 = f32x4.splat(0);
  let p = x;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    a0 = f32x4.add(a0, v128.load(p));
    b0 = f32x4.add(b0, v128.load(p, 16));
    a1 = f32x4.add(a1, v128.load(p + row));
    b1 = f32x4.add(b1, v128.load(p + row, 16));
    p += row << 1;
  }
  if (i < M) {
    a0 = f32x4.add(a0, v128.load(p));
    b0 = f32x4.add(b0, v128.load(p, 16));
  }
  const meanA = f32x4.div(f32x4.add(a0, a1), m);
  const meanB = f32x4.div(f32x4.add(b0, b1), m);
  a0 = f32x4.splat(0); a1 = f32x4.splat(0); b0 = f32x4.splat(0); b1 = f32x4.splat(0);
  p = x;
  for (i = 0; i + 2 <= M; i += 2) {
    const da0 = f32x4.sub(v128.load(p), meanA), db0 = f32x4.sub(v128.load(p, 16), meanB);
    const da1 = f32x4.sub(v128.load(p + row), meanA), db1 = f32x4.sub(v128.load(p + row, 16), meanB);
    a0 = f32x4.add(a0, f32x4.mul(da0, da0));
    b0 = f32x4.add(b0, f32x4.mul(db0, db0));
    a1 = f32x4.add(a1, f32x4.mul(da1, da1));
    b1 = f32x4.add(b1, f32x4.mul(db1, db1));
    p += row << 1;
  }
  if (i < M) {
    const da = f32x4.sub(v128.load(p), meanA), db = f32x4.sub(v128.load(p, 16), meanB);
    a0 = f32x4.add(a0, f32x4.mul(da, da));
    b0 = f32x4.add(b0, f32x4.mul(db, db));
  }
  trainFinish(y, xhat, invstd, x, gain, bias, runMean, runVar, M, N, momentum, eps, meanA, f32x4.add(a0, a1));
  trainFinish(y + 16, xhat + 16, invstd + 16, x + 16, gain + 16, bias + 16, runMean + 16, runVar + 16, M, N, momentum, eps,
    meanB, f32x4.add(b0, b1));
}

/** The rest of a full 4-column strip once its mean and Σ(x − mean)² are known: as trainStrip's tail. */
@inline
function trainFinish(
  y: usize, xhat: usize, invstd: usize, x: usize, gain: usize, bias: usize, runMean: usize, runVar: usize,
  M: i32, N: i32, momentum: f32, eps: f32, mean: v128, ss: v128,
): void {
  const row = <usize>N << 2;
  const m = f32x4.splat(<f32>M);
  const inv = f32x4.div(f32x4.splat(1), f32x4.sqrt(f32x4.add(f32x4.div(ss, m), f32x4.splat(eps))));
  v128.store(invstd, inv);
  const g = v128.load(gain);
  const b = v128.load(bias);
  let o: usize = 0;
  for (let i = 0; i < M; i++) {
    const xh = f32x4.mul(f32x4.sub(v128.load(x + o), mean), inv);
    v128.store(xhat + o, xh);
    v128.store(y + o, f32x4.add(f32x4.mul(g, xh), b));
    o += row;
  }
  const unbiased = f32x4.div(ss, f32x4.splat(M > 1 ? <f32>(M - 1) : <f32>1));
  const keep = f32x4.splat(<f32>1 - momentum);
  const mom = f32x4.splat(momentum);
  v128.store(runMean, f32x4.add(f32x4.mul(keep, v128.load(runMean)), f32x4.mul(mom, mean)));
  v128.store(runVar, f32x4.add(f32x4.mul(keep, v128.load(runVar)), f32x4.mul(mom, unbiased)));
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
  for (; j + 8 <= N; j += 8) {
    const o = <usize>j << 2;
    trainStrip8(y + o, xhat + o, invstd + o, x + o, gain + o, bias + o, runMean + o, runVar + o, M, N, momentum, eps);
  }
  // the last 1-7 columns: one or two strips with the lane count known only at run time (one copy of the code, not a
  // second one specialised to four lanes: the bundle's size budget)
  for (; j < N; j += 4) {
    const o = <usize>j << 2;
    trainStrip(y + o, xhat + o, invstd + o, x + o, gain + o, bias + o, runMean + o, runVar + o, M, N, momentum, eps, min(N - j, 4));
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
 * Two full strips of batchNormBackward side by side (columns [0, 4) and [4, 8)): per column the same operations in
 * the same order as backwardStrip (same bits), with eight independent add chains in the reduction loop.
 */
@inline
function backwardStrip8(
  dx: usize, dgain: usize, dbias: usize, dy: usize, xhat: usize, invstd: usize, gain: usize, M: i32, N: i32,
  accumulate: i32,
): void {
  const row = <usize>N << 2;
  let sa0 = f32x4.splat(0), sa1 = f32x4.splat(0), sb0 = f32x4.splat(0), sb1 = f32x4.splat(0);
  let xa0 = f32x4.splat(0), xa1 = f32x4.splat(0), xb0 = f32x4.splat(0), xb1 = f32x4.splat(0);
  let o: usize = 0;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    const ga0 = v128.load(dy + o), gb0 = v128.load(dy + o, 16);
    const ga1 = v128.load(dy + o + row), gb1 = v128.load(dy + o + row, 16);
    sa0 = f32x4.add(sa0, ga0);
    sb0 = f32x4.add(sb0, gb0);
    sa1 = f32x4.add(sa1, ga1);
    sb1 = f32x4.add(sb1, gb1);
    xa0 = f32x4.add(xa0, f32x4.mul(ga0, v128.load(xhat + o)));
    xb0 = f32x4.add(xb0, f32x4.mul(gb0, v128.load(xhat + o, 16)));
    xa1 = f32x4.add(xa1, f32x4.mul(ga1, v128.load(xhat + o + row)));
    xb1 = f32x4.add(xb1, f32x4.mul(gb1, v128.load(xhat + o + row, 16)));
    o += row << 1;
  }
  if (i < M) {
    const ga = v128.load(dy + o), gb = v128.load(dy + o, 16);
    sa0 = f32x4.add(sa0, ga);
    sb0 = f32x4.add(sb0, gb);
    xa0 = f32x4.add(xa0, f32x4.mul(ga, v128.load(xhat + o)));
    xb0 = f32x4.add(xb0, f32x4.mul(gb, v128.load(xhat + o, 16)));
  }
  backwardFinish(dx, dgain, dbias, dy, xhat, invstd, gain, M, N, accumulate, f32x4.add(sa0, sa1), f32x4.add(xa0, xa1));
  backwardFinish(dx + 16, dgain + 16, dbias + 16, dy + 16, xhat + 16, invstd + 16, gain + 16, M, N, accumulate,
    f32x4.add(sb0, sb1), f32x4.add(xb0, xb1));
}

/** The rest of a full 4-column strip of batchNormBackward once Σdy and Σdy·xhat are known: as backwardStrip's tail. */
@inline
function backwardFinish(
  dx: usize, dgain: usize, dbias: usize, dy: usize, xhat: usize, invstd: usize, gain: usize, M: i32, N: i32,
  accumulate: i32, sdy: v128, sdyx: v128,
): void {
  const row = <usize>N << 2;
  v128.store(dbias, accumulate ? f32x4.add(v128.load(dbias), sdy) : sdy);
  v128.store(dgain, accumulate ? f32x4.add(v128.load(dgain), sdyx) : sdyx);
  const m = f32x4.splat(<f32>M);
  const k = f32x4.div(f32x4.mul(v128.load(gain), v128.load(invstd)), m);
  let o: usize = 0;
  for (let i = 0; i < M; i++) {
    const t = f32x4.sub(f32x4.sub(f32x4.mul(m, v128.load(dy + o)), sdy), f32x4.mul(v128.load(xhat + o), sdyx));
    v128.store(dx + o, f32x4.mul(k, t));
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
  for (; j + 8 <= N; j += 8) {
    const o = <usize>j << 2;
    backwardStrip8(dx + o, dgain + o, dbias + o, dy + o, xhat + o, invstd + o, gain + o, M, N, accumulate);
  }
  for (; j < N; j += 4) { // the last 1-7 columns, as in batchNormTrain
    const o = <usize>j << 2;
    backwardStrip(dx + o, dgain + o, dbias + o, dy + o, xhat + o, invstd + o, gain + o, M, N, accumulate, min(N - j, 4));
  }
}
