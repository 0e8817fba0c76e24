/**
 * The kernel contract: every numeric operation a training step needs, once, with one signature — in one table.
 *
 * Both backends (AssemblyScript/wasm and plain TypeScript) implement {@link Kernels} with the same names and
 * arguments. Arguments are llm.c style: byte offsets ("pointers") into one linear memory plus explicit shapes.
 * All matrices are row-major float32; index arrays are int32. Nothing here allocates.
 *
 * {@link KERNEL_TABLE} is the single source of every signature: the {@link Kernels} type, {@link KERNEL_NAMES},
 * the checked wrapper's validation (`backend.ts`), the wasm export typing (`wasm.ts`), the tests' coverage and the
 * benchmark cases all come from it. Adding a kernel = its AssemblyScript function (exported from
 * `assembly/index.ts`) + its TypeScript function (`js.ts`) + one row here.
 *
 * The raw kernels trust their arguments. `Backend` wraps them with checks that name the offending argument, so a
 * bad call throws an Error in TypeScript instead of trapping (or corrupting) in wasm.
 */

/** A byte offset into the backend's linear memory (16-byte aligned when it comes from the arena). */
export type Ptr = number;

/** The size arguments kernels take; a kernel's buffer lengths are functions of the ones it has. */
export type Dim = 'M' | 'K' | 'N' | 'n' | 'B' | 'T' | 'D';
/** The sizes of one call, by name (only the kernel's own are present). */
export type Sizes = Readonly<Record<Dim, number>>;

/**
 * How the checked wrapper validates a scalar argument:
 * `finite` any finite number; `nonNegative` finite ≥ 0; `positive` finite > 0; `unit` in [0, 1];
 * `beta` in [0, 1); `count` an integer ≥ 1.
 */
export type ScalarRule = 'finite' | 'nonNegative' | 'positive' | 'unit' | 'beta' | 'count';

/** A float32 buffer of at least `need(sizes)` elements; `anyType` also accepts int32 memory (zero, copy). */
export interface F32Arg { readonly kind: 'f32'; readonly name: string; readonly need: (s: Sizes) => number; readonly anyType?: boolean }
/**
 * An int32 index buffer of `count(sizes)` elements, each in [min, limit): `limit` is a size (`N`), or the row count
 * of a float32 argument's allocation (`{ rowsOf: 'table', width: 'D' }`: its length ÷ D). `min` is 0, or −1 where
 * the kernel gives −1 a meaning.
 */
export interface I32Arg {
  readonly kind: 'i32';
  readonly name: string;
  readonly count: (s: Sizes) => number;
  readonly limit: Dim | { readonly rowsOf: string; readonly width: Dim };
  readonly min: 0 | -1;
}
/** A size: a positive integer, named by its {@link Dim}. */
export interface SizeArg { readonly kind: 'size'; readonly name: Dim }
/** A boolean flag (wasm receives it as i32 0/1). */
export interface FlagArg { readonly kind: 'flag'; readonly name: string }
/** A scalar number with its validation rule. */
export interface ScalarArg { readonly kind: 'scalar'; readonly name: string; readonly rule: ScalarRule }
/** One argument of a kernel, in signature order. */
export type KernelArg = F32Arg | I32Arg | SizeArg | FlagArg | ScalarArg;

/**
 * What a kernel is for, as the benchmark's profile groups step time: the products, the Linear's bias, pointwise
 * activations, normalization layers, softmax and the losses, embeddings, optimizer updates, plain memory moves,
 * other elementwise arithmetic, reductions (L2 term, diagnostics), recurrent cells and attention.
 */
export type KernelFamily =
  | 'matmul' | 'bias' | 'activation' | 'norm' | 'softmax-loss' | 'embedding' | 'optimizer' | 'memory' | 'elementwise'
  | 'reduce' | 'recurrent' | 'attention';

/**
 * One row of the table: the kernel's arguments in order, whether it returns a number, its family and its FLOP count.
 * What the kernel does is the row's TSDoc comment (carried over to {@link Kernels}' methods, and kept out of the
 * bundle).
 *
 * `flops(sizes)` counts the floating-point operations of one call in the conventional way, from the math the row's
 * comment writes down, not from how a backend computes it: every +, −, ×, ÷, max and every named function (exp, log,
 * tanh, σ, √) is one FLOP; a matmul is 2·M·K·N. So the count is the same on both backends and stays put when a kernel
 * is rewritten or fused (an exp that costs a dozen instructions is still 1), and GFLOP/s compare across commits.
 * Per-row and per-column terms (a row's log, a column's √) and `accumulate`'s extra adds are left out: the
 * per-element work dominates. Pure memory movement (gather, copy, zero, transpose) is 0.
 */
export interface KernelSpec {
  readonly args: readonly KernelArg[];
  readonly returns: 'number' | 'void';
  readonly family: KernelFamily;
  readonly flops: (s: Sizes) => number;
}

// ---- row builders (the literal kinds survive into the types below) ----
const f32 = (name: string, need: (s: Sizes) => number, anyType?: true): F32Arg =>
  anyType ? { kind: 'f32', name, need, anyType } : { kind: 'f32', name, need };
const i32 = (name: string, count: (s: Sizes) => number, limit: I32Arg['limit'], min: 0 | -1 = 0): I32Arg =>
  ({ kind: 'i32', name, count, limit, min });
const size = <D extends Dim>(name: D) => ({ kind: 'size', name }) as const;
const flag = <S extends string>(name: S) => ({ kind: 'flag', name }) as const;
const scalar = <S extends string>(name: S, rule: ScalarRule) => ({ kind: 'scalar', name, rule }) as const;
const MN = (s: Sizes) => s.M * s.N;
const N_ = (s: Sizes) => s.N;
const n_ = (s: Sizes) => s.n;
const BTD = (s: Sizes) => s.B * s.T * s.D;
const BT = (s: Sizes) => s.B * s.T;
const D_ = (s: Sizes) => s.D; // an embedding table: at least one row; its row count comes from its allocation
const M_ = (s: Sizes) => s.M;
const BD = (s: Sizes) => s.B * s.D;
const BD2 = (s: Sizes) => 2 * s.B * s.D;
const BD4 = (s: Sizes) => 4 * s.B * s.D;
// FLOP counts: a constant per element of the kernel's main extent (see KernelSpec)
const perMN = (k: number) => (s: Sizes) => k * s.M * s.N;
const per_n = (k: number) => (s: Sizes) => k * s.n;
const perBD = (k: number) => (s: Sizes) => k * s.B * s.D;
const perBTD = (k: number) => (s: Sizes) => k * s.B * s.T * s.D;
const none = () => 0;
const causalPairs = (t: number) => (t * (t + 1)) / 2; // (query, key) pairs under the causal mask

/** Every kernel of the contract, in contract order. */
export const KERNEL_TABLE = {
  /** C[M×N] (+)= A[M×K] · B[K×N]. `accumulate` adds into C instead of overwriting it. */
  matmul: {
    args: [f32('C', MN), f32('A', (s) => s.M * s.K), f32('B', (s) => s.K * s.N), size('M'), size('K'), size('N'), flag('accumulate')],
    returns: 'void',
    family: 'matmul', flops: (s) => 2 * s.M * s.K * s.N,
  },
  /** C[M×N] (+)= Aᵀ · B with A stored [K×M] and B [K×N]: the weight gradient dW = Xᵀ·dY. */
  matmulTN: {
    args: [f32('C', MN), f32('A', (s) => s.K * s.M), f32('B', (s) => s.K * s.N), size('M'), size('K'), size('N'), flag('accumulate')],
    returns: 'void',
    family: 'matmul', flops: (s) => 2 * s.M * s.K * s.N,
  },
  /** C[M×N] (+)= A · Bᵀ with A stored [M×K] and B [N×K]: the input gradient dX = dY·Wᵀ. */
  matmulNT: {
    args: [f32('C', MN), f32('A', (s) => s.M * s.K), f32('B', (s) => s.N * s.K), size('M'), size('K'), size('N'), flag('accumulate')],
    returns: 'void',
    family: 'matmul', flops: (s) => 2 * s.M * s.K * s.N,
  },
  /** y[i,j] += b[j] for a [M×N] matrix, in place. */
  addBias: {
    args: [f32('y', MN), f32('b', N_), size('M'), size('N')],
    returns: 'void',
    family: 'bias', flops: perMN(1),
  },
  /** db[j] (+)= Σᵢ dy[i,j]: the bias gradient is the column sum. */
  biasBackward: {
    args: [f32('db', N_), f32('dy', MN), size('M'), size('N'), flag('accumulate')],
    returns: 'void',
    family: 'bias', flops: perMN(1),
  },
  /** y = tanh(x) over n elements (y may alias x). */
  tanhForward: {
    args: [f32('y', n_), f32('x', n_), size('n')],
    returns: 'void',
    family: 'activation', flops: per_n(1),
  },
  /** dx (+)= dy · (1 − y²), using the forward output y (dx may alias dy when not accumulating). */
  tanhBackward: {
    args: [f32('dx', n_), f32('dy', n_), f32('y', n_), size('n'), flag('accumulate')],
    returns: 'void',
    family: 'activation', flops: per_n(3) /* 1 − y², ·dy */,
  },
  /** Row softmax of a [M×N] matrix; subtracts the row max first (y may alias x). */
  softmax: {
    args: [f32('y', MN), f32('x', MN), size('M'), size('N')],
    returns: 'void',
    family: 'softmax-loss', flops: perMN(5) /* max, subtract, exp, sum, normalize */,
  },
  /** Row log-softmax: x − max − log Σ exp(x − max) (y may alias x). */
  logSoftmax: {
    args: [f32('y', MN), f32('x', MN), size('M'), size('N')],
    returns: 'void',
    family: 'softmax-loss', flops: perMN(5) /* max, subtract, exp, sum, subtract the log-sum */,
  },
  /**
   * Mean over rows of −log softmax(logits)[target]; writes nothing. Accumulated in float64. A target of −1 means
   * "no target": that row is skipped and the mean is over the others (0 if there are none).
   */
  crossEntropyLoss: {
    args: [f32('logits', MN), i32('targets', M_, 'N', -1), size('M'), size('N')],
    returns: 'number',
    family: 'softmax-loss', flops: perMN(4) /* max, subtract, exp, sum */,
  },
  /**
   * Fused softmax + cross-entropy: returns the mean loss and writes dlogits = (softmax − onehot(target)) / count
   * in one pass over each row, count = the rows whose target is not −1; a row with target −1 contributes nothing
   * and gets dlogits 0 (all −1: loss 0, dlogits 0). dlogits may alias logits.
   */
  softmaxCrossEntropy: {
    args: [f32('dlogits', MN), f32('logits', MN), i32('targets', M_, 'N', -1), size('M'), size('N')],
    returns: 'number',
    family: 'softmax-loss', flops: perMN(6) /* softmax's 5, the 1/count scale */,
  },
  /**
   * BatchNorm1d in training mode over a [M×N] batch (statistics per column): xhat = (x − mean) / √(var + eps)
   * with the biased batch variance, y = gain·xhat + bias; saves xhat and invstd = 1/√(var + eps) for the
   * backward pass, and moves the running buffers towards the batch statistics: run = (1 − momentum)·run +
   * momentum·batch, with the unbiased variance for runVar (as PyTorch does).
   */
  batchNormTrain: {
    args: [
      f32('y', MN), f32('xhat', MN), f32('invstd', N_), f32('x', MN), f32('gain', N_), f32('bias', N_), f32('runMean', N_),
      f32('runVar', N_), size('M'), size('N'), scalar('momentum', 'unit'), scalar('eps', 'positive'),
    ],
    returns: 'void',
    family: 'norm', flops: perMN(7) /* sum, centre, square, sum, ·invstd, ·gain, +bias */,
  },
  /** BatchNorm1d in eval mode: y = gain·(x − runMean)/√(runVar + eps) + bias, each row on its own. */
  batchNormEval: {
    args: [
      f32('y', MN), f32('x', MN), f32('gain', N_), f32('bias', N_), f32('runMean', N_), f32('runVar', N_),
      size('M'), size('N'), scalar('eps', 'positive'),
    ],
    returns: 'void',
    family: 'norm', flops: perMN(4),
  },
  /**
   * BatchNorm1d backward, the one-pass formula: dgain (+)= Σ dy·xhat, dbias (+)= Σ dy (added into when
   * `accumulate`, else overwritten), and dx = gain·invstd/M · (M·dy − Σdy − xhat·Σ(dy·xhat)) (always
   * overwritten; dx may alias dy).
   */
  batchNormBackward: {
    args: [
      f32('dx', MN), f32('dgain', N_), f32('dbias', N_), f32('dy', MN), f32('xhat', MN), f32('invstd', N_), f32('gain', N_),
      size('M'), size('N'), flag('accumulate'),
    ],
    returns: 'void',
    family: 'norm', flops: perMN(8) /* Σdy·xhat (2), Σdy, M·dy − Σdy − xhat·Σ (4), ·gain·invstd/M */,
  },
  /**
   * out[b, t·D + d] = table[idx[b·T + t], d]: B contexts of T int32 indices each, concatenated into rows of T·D.
   */
  embeddingGather: {
    args: [f32('out', BTD), f32('table', D_), i32('idx', BT, { rowsOf: 'table', width: 'D' }), size('B'), size('T'), size('D')],
    returns: 'void',
    family: 'embedding', flops: none,
  },
  /**
   * dtable[idx[b·T + t], d] += dout[b, t·D + d]: the gather's backward, a scatter-add (zero dtable first).
   */
  embeddingScatterAdd: {
    args: [f32('dtable', D_), f32('dout', BTD), i32('idx', BT, { rowsOf: 'dtable', width: 'D' }), size('B'), size('T'), size('D')],
    returns: 'void',
    family: 'embedding', flops: perBTD(1),
  },
  /** SGD with optional L2 weight decay: p −= lr · (g + weightDecay · p) over n elements. */
  sgdUpdate: {
    args: [f32('param', n_), f32('grad', n_), size('n'), scalar('lr', 'finite'), scalar('weightDecay', 'nonNegative')],
    returns: 'void',
    family: 'optimizer', flops: per_n(4),
  },
  /**
   * SGD with momentum as torch.optim.SGD (no dampening, no Nesterov): g' = g + weightDecay·p; velocity =
   * momentum·velocity + g'; p −= lr·velocity (velocity starts at 0: the first step is velocity = g').
   */
  sgdMomentumUpdate: {
    args: [
      f32('param', n_), f32('grad', n_), f32('velocity', n_), size('n'),
      scalar('lr', 'finite'), scalar('momentum', 'unit'), scalar('weightDecay', 'nonNegative'),
    ],
    returns: 'void',
    family: 'optimizer', flops: per_n(6),
  },
  /**
   * AdamW as torch.optim.AdamW (single-tensor path): p *= 1 − lr·weightDecay; m = lerp(m, g, 1 − beta1); v =
   * beta2·v + (1 − beta2)·g²; p −= (lr / (1 − beta1^step)) · m / (√v / √(1 − beta2^step) + eps). m and v start
   * at 0; `step` counts from 1; the bias corrections are formed in float64 once per call.
   */
  adamwUpdate: {
    args: [
      f32('param', n_), f32('grad', n_), f32('m', n_), f32('v', n_), size('n'),
      scalar('lr', 'finite'), scalar('beta1', 'beta'), scalar('beta2', 'beta'), scalar('eps', 'positive'),
      scalar('weightDecay', 'nonNegative'), scalar('step', 'count'),
    ],
    returns: 'void',
    family: 'optimizer', flops: per_n(14) /* decay 1, m 3, v 4, the update 6 (√, ·, +eps, ÷, ·lr, −) */,
  },
  /**
   * sgdUpdate out of place: out = p − lr · (g + weightDecay · p) over n elements (out may alias param). Returns 1
   * when every new value is finite, else 0: a Net adopts the new parameters only then.
   */
  sgdStep: {
    args: [
      f32('out', n_), f32('param', n_), f32('grad', n_), size('n'), scalar('lr', 'finite'), scalar('weightDecay', 'nonNegative'),
    ],
    returns: 'number',
    family: 'optimizer', flops: per_n(4) /* sgdUpdate's (the finiteness check is bookkeeping, not math) */,
  },
  /**
   * sgdMomentumUpdate out of place: the new parameters go to pout, the new velocity to vout (each may alias its
   * input). Returns 1 when every new value is finite, else 0.
   */
  sgdMomentumStep: {
    args: [
      f32('pout', n_), f32('param', n_), f32('grad', n_), f32('vout', n_), f32('velocity', n_), size('n'),
      scalar('lr', 'finite'), scalar('momentum', 'unit'), scalar('weightDecay', 'nonNegative'),
    ],
    returns: 'number',
    family: 'optimizer', flops: per_n(6) /* sgdMomentumUpdate's */,
  },
  /**
   * adamwUpdate out of place: the new parameters, m and v go to pout, mout, vout (each may alias its input). Returns
   * 1 when every new value (parameters and both moments) is finite, else 0.
   */
  adamwStep: {
    args: [
      f32('pout', n_), f32('param', n_), f32('grad', n_), f32('mout', n_), f32('m', n_), f32('vout', n_), f32('v', n_),
      size('n'), scalar('lr', 'finite'), scalar('beta1', 'beta'), scalar('beta2', 'beta'), scalar('eps', 'positive'),
      scalar('weightDecay', 'nonNegative'), scalar('step', 'count'),
    ],
    returns: 'number',
    family: 'optimizer', flops: per_n(14) /* adamwUpdate's */,
  },
  /** y += x over n elements (a residual connection; y may alias x, which doubles it). */
  addInto: {
    args: [f32('y', n_), f32('x', n_), size('n')],
    returns: 'void',
    family: 'elementwise', flops: per_n(1),
  },
  /**
   * dst[0..n) = src[0..n) for 4-byte elements of either type (a model state's snapshot or rollback); overlap is fine (a memmove).
   */
  copy: {
    args: [f32('dst', n_, true), f32('src', n_, true), size('n')],
    returns: 'void',
    family: 'memory', flops: none,
  },
  /** x[0..n) = 0. */
  zero: {
    args: [f32('x', n_, true), size('n')],
    returns: 'void',
    family: 'memory', flops: none,
  },
  /** Σ x² over n elements, accumulated in float64 (the L2 term). */
  sumSquares: {
    args: [f32('x', n_), size('n')],
    returns: 'number',
    family: 'reduce', flops: per_n(2),
  },
  /** Σ x over n elements, accumulated in float64 (a mean's numerator; diagnostics). */
  sum: {
    args: [f32('x', n_), size('n')],
    returns: 'number',
    family: 'reduce', flops: per_n(1),
  },
  /** Σ (x − center)² over n elements, accumulated in float64: n·variance when center is the mean (diagnostics). */
  sumSquaredDeviations: {
    args: [f32('x', n_), size('n'), scalar('center', 'finite')],
    returns: 'number',
    family: 'reduce', flops: per_n(3),
  },
  /** How many of the n elements have |x| > threshold (NaN never counts): tanh saturation (diagnostics). */
  countAbove: {
    args: [f32('x', n_), size('n'), scalar('threshold', 'nonNegative')],
    returns: 'number',
    family: 'reduce', flops: per_n(2) /* |x|, compare */,
  },
  /** max |x| over n elements, NaN skipped (0 when none is finite): a data-driven histogram's range. */
  maxAbs: {
    args: [f32('x', n_), size('n')],
    returns: 'number',
    family: 'reduce', flops: per_n(2),
  },
  /**
   * counts[0..N) = how many of the n elements of x fall in each of N equal bins over [lo, hi] (counts as float32,
   * overwritten): bin = trunc((x − lo)·(N / (hi − lo))) in float32, clamped to [0, N − 1] — values below lo and NaN go
   * to the first bin, values at or above hi to the last: the counts sum to n. Needs lo < hi.
   */
  histogram: {
    args: [f32('counts', N_), f32('x', n_), size('n'), scalar('lo', 'finite'), scalar('hi', 'finite'), size('N')],
    returns: 'void',
    family: 'reduce', flops: per_n(3) /* − lo, · scale, clamp */,
  },
  /** y = a − b over n elements (y may alias a or b): a step's update from the states before and after it. */
  subtract: {
    args: [f32('y', n_), f32('a', n_), f32('b', n_), size('n')],
    returns: 'void',
    family: 'elementwise', flops: per_n(1),
  },
  // recurrent (issue 14)
  /** y = σ(x) = 1/(1 + e^−x) over n elements (y may alias x). */
  sigmoidForward: {
    args: [f32('y', n_), f32('x', n_), size('n')],
    returns: 'void',
    family: 'activation', flops: per_n(1),
  },
  /** dx (+)= dy · y(1 − y), using the forward output y (dx may alias dy when not accumulating). */
  sigmoidBackward: {
    args: [f32('dx', n_), f32('dy', n_), f32('y', n_), size('n'), flag('accumulate')],
    returns: 'void',
    family: 'activation', flops: per_n(3),
  },
  /** dst[t, b, :] = src[b, t, :] for [B×T×D] rows: example-major to time-major (swap B and T to go back). */
  transposeBT: {
    args: [f32('dst', BTD), f32('src', BTD), size('B'), size('T'), size('D')],
    returns: 'void',
    family: 'memory', flops: none,
  },
  /** GRU gates: rz [B×2D] (pre-activations r | z) becomes σ(rz) in place; hr = r ⊙ hprev [B×D]. */
  gruGatesForward: {
    args: [f32('rz', BD2), f32('hr', BD), f32('hprev', BD), size('B'), size('D')],
    returns: 'void',
    family: 'recurrent', flops: perBD(3) /* σ on 2·D, r·hprev */,
  },
  /** GRU output: n [B×D] (pre-activation) becomes tanh(n) in place; h = (1 − z) ⊙ hprev + z ⊙ n. */
  gruOutputForward: {
    args: [f32('h', BD), f32('n', BD), f32('rz', BD2), f32('hprev', BD), size('B'), size('D')],
    returns: 'void',
    family: 'recurrent', flops: perBD(5) /* tanh, (1 − z)·hprev + z·n */,
  },
  /**
   * GRU output backward from dh: dn = dh·z·(1 − n²) (overwritten), the z half of drz = dh·(n − hprev)·z(1 − z)
   * (overwritten), dhprev += dh·(1 − z).
   */
  gruOutputBackward: {
    args: [
      f32('dn', BD), f32('drz', BD2), f32('dhprev', BD), f32('n', BD), f32('rz', BD2), f32('hprev', BD), f32('dh', BD),
      size('B'), size('D'),
    ],
    returns: 'void',
    family: 'recurrent', flops: perBD(12) /* dn 4, drz 5, dhprev 3 */,
  },
  /** GRU gates backward from dhr (the gradient of r ⊙ hprev): the r half of drz = dhr·hprev·r(1 − r), dhprev += dhr·r. */
  gruGatesBackward: {
    args: [f32('drz', BD2), f32('dhprev', BD), f32('dhr', BD), f32('rz', BD2), f32('hprev', BD), size('B'), size('D')],
    returns: 'void',
    family: 'recurrent', flops: perBD(6) /* drz 4, dhprev 2 */,
  },
  /**
   * LSTM cell: gates [B×4D] (pre-activations i | f | g | o) become σ(i), σ(f), tanh(g), σ(o) in place;
   * c = f·cprev + i·g, tc = tanh(c), h = o·tc.
   */
  lstmCellForward: {
    args: [f32('c', BD), f32('tc', BD), f32('h', BD), f32('gates', BD4), f32('cprev', BD), size('B'), size('D')],
    returns: 'void',
    family: 'recurrent', flops: perBD(9) /* 4 activations, c 3, tanh(c), h */,
  },
  /**
   * LSTM cell backward from dh and dc (what reaches c from the next step): dc' = dc + dh·o·(1 − tc²); dgates =
   * (dc'·g·i(1−i) | dc'·cprev·f(1−f) | dc'·i·(1−g²) | dh·tc·o(1−o)); dcprev = dc'·f (overwritten; may alias dc).
   */
  lstmCellBackward: {
    args: [
      f32('dgates', BD4), f32('dcprev', BD), f32('dc', BD), f32('dh', BD), f32('gates', BD4), f32('tc', BD), f32('cprev', BD),
      size('B'), size('D'),
    ],
    returns: 'void',
    family: 'recurrent', flops: perBD(22) /* dc' 5, four gate gradients 4 each, dcprev 1 */,
  },
  // transformer (issue 15)
  /**
   * LayerNorm over the last dimension of a [M×N] matrix: y = (x − mean)·rstd·gain + bias per row, with the biased
   * variance and rstd = 1/√(var + eps); saves each row's mean and rstd [M] for the backward pass (y may alias x).
   */
  layerNormForward: {
    args: [
      f32('y', MN), f32('mean', M_), f32('rstd', M_), f32('x', MN), f32('gain', N_), f32('bias', N_),
      size('M'), size('N'), scalar('eps', 'positive'),
    ],
    returns: 'void',
    family: 'norm', flops: perMN(7) /* sum, centre, square, sum, ·rstd, ·gain, +bias */,
  },
  /**
   * LayerNorm backward: dgain += Σ dy·xhat, dbias += Σ dy over rows (always added into), and dx = rstd·(dy·gain −
   * mean(dy·gain) − xhat·mean(dy·gain·xhat)) per row (overwritten; dx may alias dy), xhat recomputed from x, mean, rstd.
   */
  layerNormBackward: {
    args: [
      f32('dx', MN), f32('dgain', N_), f32('dbias', N_), f32('dy', MN), f32('x', MN), f32('mean', M_), f32('rstd', M_),
      f32('gain', N_), size('M'), size('N'),
    ],
    returns: 'void',
    family: 'norm', flops: perMN(13) /* xhat 2, dy·gain, two row sums (3), dx 4, dgain 2, dbias */,
  },
  /** GELU, the tanh approximation (makemore.py's NewGELU): y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (y may alias x). */
  geluForward: {
    args: [f32('y', n_), f32('x', n_), size('n')],
    returns: 'void',
    family: 'activation', flops: per_n(9) /* x³ (2), ·a, +x, ·√(2/π), tanh, +1, ·x, ·½ */,
  },
  /** dx = dy · GELU'(x) from the forward input x (overwritten; dx may alias dy). */
  geluBackward: {
    args: [f32('dx', n_), f32('dy', n_), f32('x', n_), size('n')],
    returns: 'void',
    family: 'activation', flops: per_n(19) /* tanh's argument and tanh (6), ½(1+t) 2, 1−t² 2, ½x·c(1+3a·x²) 6, ·, +, ·dy */,
  },
  /**
   * Causal self-attention, fused per (example, head): qkv [B×T×3D] holds q, k, v side by side in each row (head h
   * uses columns h·D/N..(h+1)·D/N of each), scores q·k/√(D/N), positions after the query masked out, softmax, the
   * weighted sum of v into out [B×T×D] (heads side by side). Saves the probabilities att [B×N×T×T] (0 above the
   * diagonal) for the backward pass.
   */
  attentionForward: {
    args: [f32('out', BTD), f32('att', (s) => s.B * s.N * s.T * s.T), f32('qkv', (s) => 3 * s.B * s.T * s.D), size('B'), size('T'), size('D'), size('N')],
    returns: 'void',
    family: 'attention', flops: (s) => s.B * s.N * causalPairs(s.T) * (4 * (s.D / s.N) + 6) /* q·k and the weighted sum 2·hs each; scale, max, −, exp, sum, ÷ */,
  },
  /**
   * Backward of {@link attentionForward}: dqkv [B×T×3D] (overwritten) from dout [B×T×D], the forward's qkv and att;
   * `scratch` is T floats of working memory (one row of the probabilities' gradient).
   */
  attentionBackward: {
    args: [
      f32('dqkv', (s) => 3 * s.B * s.T * s.D), f32('scratch', (s) => s.T), f32('dout', BTD), f32('qkv', (s) => 3 * s.B * s.T * s.D),
      f32('att', (s) => s.B * s.N * s.T * s.T), size('B'), size('T'), size('D'), size('N'),
    ],
    returns: 'void',
    family: 'attention', flops: (s) => s.B * s.N * causalPairs(s.T) * (8 * (s.D / s.N) + 5) /* dout·v, dq, dk, dv 2·hs each; the softmax gradient 5 */,
  },
  /**
   * One query per example against a key/value cache (sampling): qkv [B×T×3D] holds the q, k, v rows of positions
   * 0..n−1 of each example (rows n..T−1 are not read); out [B×D] = the attention of position n − 1 over positions
   * 0..n−1, as {@link attentionForward} computes that row. `scratch` holds T floats (the scores); n ≤ T.
   */
  attentionStep: {
    args: [
      f32('out', (s) => s.B * s.D), f32('scratch', (s) => s.T), f32('qkv', (s) => 3 * s.B * s.T * s.D),
      size('B'), size('T'), size('D'), size('N'), size('n'),
    ],
    returns: 'void',
    family: 'attention', flops: (s) => s.B * s.N * s.n * (4 * (s.D / s.N) + 6) /* one query row of attentionForward, n keys */,
  },
  /** makemore.py's causal bag of words: y[b, t] = mean of x[b, 0..t] over [B×T×D] (y must not alias x). */
  causalMeanForward: {
    args: [f32('y', BTD), f32('x', BTD), size('B'), size('T'), size('D')],
    returns: 'void',
    family: 'attention', flops: perBTD(2) /* running sum, ÷(t + 1) */,
  },
  /** Its backward: dx[b, s] = Σ_{t ≥ s} dy[b, t]/(t + 1) (overwritten; dx must not alias dy). */
  causalMeanBackward: {
    args: [f32('dx', BTD), f32('dy', BTD), size('B'), size('T'), size('D')],
    returns: 'void',
    family: 'attention', flops: perBTD(2),
  },
} as const satisfies Record<string, KernelSpec>;

/** A kernel's name. */
export type KernelName = keyof typeof KERNEL_TABLE;

/** The JS type of one argument: flags are `Flag` (boolean), everything else (pointers, sizes, scalars) a number. */
type ArgValue<A, Flag> = A extends { kind: 'flag' } ? Flag : number;
/** The parameter list of a row's arguments. */
export type KernelParams<Args extends readonly unknown[], Flag = boolean> = {
  -readonly [I in keyof Args]: ArgValue<Args[I], Flag>;
};
/** A row's function type (`Flag`: what a flag argument accepts). */
export type KernelFunction<S extends KernelSpec, Flag = boolean> = (
  ...args: KernelParams<S['args'], Flag>
) => S['returns'] extends 'number' ? number : void;

/**
 * The kernel contract, derived from {@link KERNEL_TABLE}: one method per row, arguments in the row's order, with the
 * row's TSDoc.
 */
export type Kernels = { [K in KernelName]: KernelFunction<(typeof KERNEL_TABLE)[K]> };

/** The names of all kernels, in contract order: used by tests and benchmarks to prove both backends cover them. */
export const KERNEL_NAMES = Object.keys(KERNEL_TABLE) as KernelName[];
