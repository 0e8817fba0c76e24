/**
 * The one seeded pseudo-random number generator of the library: weight initialization, data shuffling, minibatch
 * sampling and word generation all draw from an {@link Rng}, so a seed fixes everything.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128 bits of state), seeded through
 * splitmix32. Only 32-bit integer arithmetic (`Math.imul`, shifts, `>>> 0`) is used, so the stream of integers and of
 * uniform floats is bit-identical in every JavaScript engine.
 *
 * {@link Rng.normal} uses the Marsaglia polar method, which needs `Math.log` and `Math.sqrt`. `Math.sqrt` is exact
 * (correctly rounded by IEEE 754); `Math.log` is not required to be, but V8 (Node, Chromium) and SpiderMonkey both use
 * the fdlibm algorithm, so in practice the normals agree too. It avoids `Math.cos`/`Math.sin` of Box–Muller, which
 * engines implement differently.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The second normal of the last polar-method pair, or NaN when none is waiting. */
  private spare = Number.NaN;

  /** @param seed any integer (taken modulo 2³²); the same seed gives the same stream. */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`Rng: seed must be an integer, got ${seed}`);
    let s = seed >>> 0;
    // splitmix32 spreads a small seed over the whole state, so seeds 1 and 2 give unrelated streams
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32(); // the usual sfc32 warm-up
  }

  /**
   * The generator's position, as JSON-friendly numbers: the four state words, and the waiting second normal when
   * there is one. {@link Rng.fromState} continues the stream exactly from there (a resumed training run).
   */
  state(): number[] {
    const s = [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
    if (!Number.isNaN(this.spare)) s.push(this.spare);
    return s;
  }

  /** A generator continuing where the one whose {@link Rng.state} this is stood. */
  static fromState(state: readonly number[]): Rng {
    const ok = Array.isArray(state) && (state.length === 4 || state.length === 5) &&
      state.slice(0, 4).every((w) => Number.isInteger(w) && w >= 0 && w < 4294967296) &&
      (state.length === 4 || Number.isFinite(state[4]));
    if (!ok) throw new Error(`Rng.fromState: expected 4 unsigned 32-bit words and an optional number, got ${JSON.stringify(state)}`);
    const rng = new Rng(0);
    [rng.a, rng.b, rng.c, rng.d] = state as [number, number, number, number];
    rng.spare = state.length === 5 ? state[4]! : Number.NaN;
    return rng;
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A uniform float in [0, 1) with 32 random bits. */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** A uniform integer in [0, n), without modulo bias (rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
      throw new Error(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    // accept only draws below the largest multiple of n, so every residue is equally likely
    const limit = 4294967296 - (4294967296 % n);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return x % n;
  }

  /** A standard normal N(0, 1) (Marsaglia polar method: pairs of normals, the second kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** Fisher–Yates shuffle of a, in place; returns a. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }

  /**
   * An index drawn with probability proportional to probs[i] (the weights need not sum to 1). Weights must be finite
   * and ≥ 0 with a positive sum.
   */
  choice(probs: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < probs.length; i++) {
      const p = probs[i]!;
      if (!(p >= 0) || p === Infinity) throw new Error(`Rng.choice: probs[${i}] must be finite and >= 0, got ${p}`);
      total += p;
    }
    if (!(total > 0)) throw new Error(`Rng.choice: the probabilities must have a positive sum, got ${total}`);
    const r = this.next() * total;
    let acc = 0;
    let last = -1;
    for (let i = 0; i < probs.length; i++) {
      const p = probs[i]!;
      if (p > 0) last = i;
      acc += p;
      if (r < acc) return i;
    }
    return last; // r fell past the rounded cumulative sum: the last index that can be drawn
  }
}
