/**
 * makemore.py's Transformer written the way a TF.js user would (for `npm run bench`): variables, a loss closure,
 * `tf.variableGrads` inside `tf.tidy`, and tf.train.adam. Same architecture and sizes as ours: token + position
 * embeddings (one-hot · table: TF.js's wasm backend has no gather gradient), pre-LayerNorm blocks of causal
 * self-attention (fused qkv projection, heads by reshape/transpose, scores masked by adding −1e9 above the diagonal)
 * and a GELU MLP, final LayerNorm, lm_head without bias, softmax cross-entropy with weight 0 on the padding targets.
 * TF.js's Adam has no decoupled weight decay; the update costs about the same.
 */
import { tf } from './setup.ts';

/** The sizes, as in `Transformer.create`. */
export interface TfTransformerConfig {
  vocabSize: number;
  blockSize: number;
  layers: number;
  heads: number;
  embed: number;
  seed: number;
}

function variable(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init, true);
  init.dispose();
  return v;
}

interface Block {
  ln1g: tf.Variable; ln1b: tf.Variable; attnW: tf.Variable; attnB: tf.Variable; projW: tf.Variable; projB: tf.Variable;
  ln2g: tf.Variable; ln2b: tf.Variable; fcW: tf.Variable; fcB: tf.Variable; fc2W: tf.Variable; fc2B: tf.Variable;
}

/** One AdamW-like training step of the Transformer in TF.js. Create it with the TF.js backend it will run on active. */
export class TfTransformer {
  private readonly c: TfTransformerConfig;
  private readonly wte: tf.Variable;
  private readonly wpe: tf.Variable;
  private readonly blocks: Block[] = [];
  private readonly lnfG: tf.Variable;
  private readonly lnfB: tf.Variable;
  private readonly head: tf.Variable;
  private readonly mask: tf.Tensor;
  private readonly optimizer: tf.AdamOptimizer;

  constructor(c: TfTransformerConfig, lr: number) {
    this.c = c;
    const { vocabSize: V, blockSize: T, embed: C } = c;
    let s = c.seed;
    const uniform = (shape: number[], fanIn: number) => variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), 'float32', s++));
    this.wte = variable(tf.randomNormal([V, C], 0, 1, 'float32', s++));
    this.wpe = variable(tf.randomNormal([T, C], 0, 1, 'float32', s++));
    for (let l = 0; l < c.layers; l++) {
      this.blocks.push({
        ln1g: variable(tf.ones([C])), ln1b: variable(tf.zeros([C])),
        attnW: uniform([C, 3 * C], C), attnB: uniform([3 * C], C), projW: uniform([C, C], C), projB: uniform([C], C),
        ln2g: variable(tf.ones([C])), ln2b: variable(tf.zeros([C])),
        fcW: uniform([C, 4 * C], C), fcB: uniform([4 * C], C), fc2W: uniform([4 * C, C], 4 * C), fc2B: uniform([C], 4 * C),
      });
    }
    this.lnfG = variable(tf.ones([C]));
    this.lnfB = variable(tf.zeros([C]));
    this.head = uniform([C, V], C);
    // −1e9 above the diagonal: position t attends to positions ≤ t
    const m = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
    this.mask = tf.tensor2d(m, [T, T]);
    this.optimizer = tf.train.adam(lr, 0.9, 0.99, 1e-8);
  }

  private layerNorm(x: tf.Tensor2D, g: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
    const { mean, variance } = tf.moments(x, -1, true);
    return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(g).add(b);
  }

  private gelu(x: tf.Tensor2D): tf.Tensor2D {
    const inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI)); // x·x·x: TF.js's pow (and its gradient) is several times slower
    return x.mul(0.5).mul(inner.tanh().add(1));
  }

  private attention(x: tf.Tensor2D, blk: Block, B: number): tf.Tensor2D {
    const { blockSize: T, embed: C, heads: H } = this.c;
    const hs = C / H;
    const qkv = tf.matMul(x, blk.attnW).add(blk.attnB); // [B·T, 3C]
    const split = (i: number) => qkv.slice([0, i * C], [B * T, C]).reshape([B, T, H, hs]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
    const [q, k, v] = [split(0), split(1), split(2)];
    const att = tf.softmax(tf.matMul(q, k, false, true).mul(1 / Math.sqrt(hs)).add(this.mask));
    const y = tf.matMul(att, v).transpose([0, 2, 1, 3]).reshape([B * T, C]) as tf.Tensor2D;
    return tf.matMul(y, blk.projW).add(blk.projB);
  }

  /** One step on B words (X, Y: B × T ids, −1 = no target); returns the mean loss over the real targets. */
  trainStep(X: Int32Array, Y: Int32Array): number {
    const { vocabSize: V, blockSize: T, embed: C } = this.c;
    const B = X.length / T;
    return tf.tidy(() => {
      const onehot = tf.oneHot(tf.tensor1d(X, 'int32'), V).toFloat() as tf.Tensor2D;
      const yIds = tf.tensor1d(Y.map((y) => Math.max(y, 0)), 'int32');
      const weights = tf.tensor1d(Float32Array.from(Y, (y) => (y < 0 ? 0 : 1)));
      const targets = tf.oneHot(yIds, V);
      const { value, grads } = tf.variableGrads(() => {
        const pos = tf.tile(this.wpe, [B, 1]) as tf.Tensor2D;
        let x = tf.matMul(onehot, this.wte).add(pos) as tf.Tensor2D;
        for (const blk of this.blocks) {
          x = x.add(this.attention(this.layerNorm(x, blk.ln1g, blk.ln1b), blk, B));
          const h = this.gelu(tf.matMul(this.layerNorm(x, blk.ln2g, blk.ln2b), blk.fcW).add(blk.fcB));
          x = x.add(tf.matMul(h, blk.fc2W).add(blk.fc2B));
        }
        const logits = tf.matMul(this.layerNorm(x, this.lnfG, this.lnfB), this.head);
        void C;
        return tf.losses.softmaxCrossEntropy(targets, logits, weights) as tf.Scalar;
      });
      this.optimizer.applyGradients(grads as tf.NamedTensorMap as unknown as Record<string, tf.Variable>);
      return value.dataSync()[0]!;
    });
  }

  /** Free the variables. */
  dispose(): void {
    tf.dispose([this.wte, this.wpe, this.lnfG, this.lnfB, this.head, this.mask]);
    for (const b of this.blocks) tf.dispose(Object.values(b));
    this.optimizer.dispose();
  }
}
