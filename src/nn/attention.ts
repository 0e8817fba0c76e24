/**
 * Causal self-attention as makemore.py's CausalSelfAttention: one fused projection c_attn to q, k, v (3C), n_head
 * heads of C/n_head channels, scores scaled by 1/√head_size, a causal mask (position t sees positions ≤ t), softmax,
 * the weighted sum of v, and the output projection c_proj. The middle part is one fused kernel per (example, head)
 * ({@link CausalAttention}); the projections are ordinary {@link Linear} layers, so the whole is a {@link Sequential}.
 * Also the causal bag of words of makemore.py's BoW ({@link CausalBoW}): the same mask with equal scores, i.e. the
 * mean of the positions so far.
 */
import { Layer, ShapeError, formatShape, positiveInt, type Allocator, type LayerSetup, type Pass, type Shape } from './layer.ts';
import { Linear, type LinearOptions } from './linear.ts';
import { Sequential } from './sequential.ts';

interface AttentionSpace {
  /** The softmax probabilities [B × heads × T × T], kept for backward. */
  att: number;
  /** One row of T floats of working memory for backward. */
  scratch: number;
}

/** [T, 3C] (q, k, v side by side) → [T, C]: the scores, the mask, the softmax and the weighted sum, fused. */
export class CausalAttention extends Layer<AttentionSpace> {
  readonly heads: number;
  private T = 0;
  private C = 0;

  constructor(heads: number) {
    super();
    this.heads = positiveInt('CausalAttention', 'heads', heads);
  }

  describe(): string {
    return `CausalAttention(${this.heads} heads)`;
  }

  setup(input: Shape): LayerSetup {
    if (input.length !== 2 || input[1]! % 3 !== 0) {
      throw new ShapeError(`${this.describe()} takes [T, 3·C] (q, k, v side by side), got ${formatShape(input)}`);
    }
    this.T = input[0]!;
    this.C = input[1]! / 3;
    if (this.C % this.heads !== 0) {
      throw new ShapeError(`${this.describe()}: n_embd ${this.C} is not divisible by n_head ${this.heads}`);
    }
    return { output: [this.T, this.C] };
  }

  override workspace(alloc: Allocator, B: number, training: boolean): AttentionSpace {
    return {
      att: alloc.f32(B * this.heads * this.T * this.T, 'attention.att'),
      scratch: training ? alloc.f32(this.T, 'attention.scratch') : -1,
    };
  }

  forward({ k, B, x, y, ws }: Pass<AttentionSpace>): void {
    k.attentionForward(y, ws.att, x, B, this.T, this.C, this.heads);
  }

  backward({ k, B, x, dx, dy, ws }: Pass<AttentionSpace>): void {
    if (dx !== null) k.attentionBackward(dx, ws.scratch, dy, x, ws.att, B, this.T, this.C, this.heads);
  }
}

/**
 * makemore.py's CausalSelfAttention on [T, C]: c_attn (C → 3C) → {@link CausalAttention} → c_proj (C → C).
 * `linear` gives the two projections' initialization.
 */
export class CausalSelfAttention extends Sequential {
  readonly heads: number;

  constructor(embed: number, heads: number, linear: LinearOptions = {}) {
    positiveInt('CausalSelfAttention', 'n_embd', embed);
    positiveInt('CausalSelfAttention', 'n_head', heads);
    if (embed % heads !== 0) throw new Error(`CausalSelfAttention: n_embd ${embed} is not divisible by n_head ${heads}`);
    super([
      ['c_attn', new Linear(3 * embed, linear)],
      ['', new CausalAttention(heads)],
      ['c_proj', new Linear(embed, linear)],
    ]);
    this.heads = heads;
  }
}

/** makemore.py's CausalBoW: y[t] = mean of x[0..t] over [T, C] (a softmax of equal scores under the causal mask). */
export class CausalBoW extends Layer {
  private T = 0;
  private C = 0;

  describe(): string {
    return 'CausalBoW';
  }

  setup(input: Shape): LayerSetup {
    if (input.length !== 2) throw new ShapeError(`CausalBoW takes [T, C], got ${formatShape(input)}`);
    this.T = input[0]!;
    this.C = input[1]!;
    return { output: input };
  }

  forward({ k, B, x, y }: Pass): void {
    k.causalMeanForward(y, x, B, this.T, this.C);
  }

  backward({ k, B, dx, dy }: Pass): void {
    if (dx !== null) k.causalMeanBackward(dx, dy, B, this.T, this.C);
  }
}
