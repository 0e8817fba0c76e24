/**
 * The makemore MLP (part 3) written the way a TF.js user would: variables, a loss closure, `tf.variableGrads`
 * inside `tf.tidy`, and the SGD optimizer. Same architecture as ours: embedding table C, then per hidden layer
 * Linear → BatchNorm (batch statistics, biased variance, running buffers updated) → tanh, then Linear to logits and
 * softmax cross-entropy. With BatchNorm the hidden Linear layers have no bias (BatchNorm's shift replaces it).
 *
 * The embedding: on the cpu backend `tf.gather` (its gradient is a scatter-add). TF.js's wasm backend has no kernel
 * for that gradient (UnsortedSegmentSum), so there the embedding is a one-hot matrix times C, the way a TF.js user
 * has to write it.
 */
import { tf } from './setup.ts';

/** The MLP's shape, as in `MLP.create` of the library. */
export interface TfMlpConfig {
  vocabSize: number;
  blockSize: number;
  embedDim: number;
  hidden: readonly number[];
  batchNorm: boolean;
  /** Running-statistics momentum: run = (1 − m)·run + m·batch. */
  momentum: number;
  seed: number;
}

/** A variable initialized from a temporary tensor, which is freed (the variable keeps its own reference). */
export function variable(init: tf.Tensor, trainable: boolean): tf.Variable {
  const v = tf.variable(init, trainable); // unnamed: names must be unique across all models in the process
  init.dispose();
  return v;
}

/** How the embedding lookup is written. */
export type EmbeddingMode = 'gather' | 'onehot';

/** One training step of the MLP in TF.js. Create it with the TF.js backend it will run on active. */
export class TfMlp {
  readonly config: TfMlpConfig;
  readonly embedding: EmbeddingMode;
  private readonly C: tf.Variable;
  private readonly layers: { W: tf.Variable; b?: tf.Variable; gain?: tf.Variable; bias?: tf.Variable; runMean?: tf.Variable; runVar?: tf.Variable }[] = [];
  private readonly Wout: tf.Variable;
  private readonly bout: tf.Variable;
  private readonly optimizer: tf.SGDOptimizer;
  /** Every variable under the library's tensor name (`embedding`, `hidden.0.weight`, `hidden.0.bn.gain`, ...). */
  readonly tensors = new Map<string, tf.Variable>();
  private readonly eps = 1e-5;

  constructor(config: TfMlpConfig, embedding: EmbeddingMode, lr: number) {
    this.config = config;
    this.embedding = embedding;
    const { vocabSize: V, blockSize: T, embedDim: E, hidden, batchNorm, seed } = config;
    this.optimizer = tf.train.sgd(lr);
    let s = seed;
    this.C = variable(tf.randomNormal([V, E], 0, 1, 'float32', s++), true);
    let fanIn = T * E;
    hidden.forEach((H, l) => {
      const gainTanh = 5 / 3;
      const layer: (typeof this.layers)[number] = {
        W: variable(tf.randomNormal([fanIn, H], 0, gainTanh / Math.sqrt(fanIn), 'float32', s++), true),
      };
      if (batchNorm) {
        layer.gain = variable(tf.ones([H]), true);
        layer.bias = variable(tf.zeros([H]), true);
        layer.runMean = variable(tf.zeros([H]), false);
        layer.runVar = variable(tf.ones([H]), false);
      } else {
        layer.b = variable(tf.zeros([H]), true);
      }
      this.layers.push(layer);
      fanIn = H;
    });
    this.Wout = variable(tf.randomNormal([fanIn, V], 0, 0.1 / Math.sqrt(fanIn), 'float32', s++), true);
    this.bout = variable(tf.zeros([V]), true);
    this.tensors.set('embedding', this.C);
    this.layers.forEach((l, i) => {
      this.tensors.set(`hidden.${i}.weight`, l.W);
      if (l.b) this.tensors.set(`hidden.${i}.bias`, l.b);
      if (l.gain) {
        this.tensors.set(`hidden.${i}.bn.gain`, l.gain);
        this.tensors.set(`hidden.${i}.bn.bias`, l.bias!);
        this.tensors.set(`hidden.${i}.bn.runningMean`, l.runMean!);
        this.tensors.set(`hidden.${i}.bn.runningVar`, l.runVar!);
      }
    });
    this.tensors.set('output.weight', this.Wout);
    this.tensors.set('output.bias', this.bout);
  }

  /** Overwrite one tensor by its library name (to start from the same weights as a library model). */
  setTensor(name: string, values: Float32Array): void {
    const v = this.tensors.get(name);
    if (!v) throw new Error(`TfMlp.setTensor: no tensor named '${name}'`);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  }

  /** One SGD step on a batch (X: batch × blockSize ids, Y: batch ids); returns the loss. */
  trainStep(X: Int32Array, Y: Int32Array): number {
    const { vocabSize: V, blockSize: T, embedDim: E } = this.config;
    const B = Y.length;
    return tf.tidy(() => {
      const xs = tf.tensor2d(X, [B, T], 'int32');
      const ys = tf.oneHot(tf.tensor1d(Y, 'int32'), V);
      const { value, grads } = tf.variableGrads(() => {
        const emb = this.embedding === 'gather'
          ? tf.gather(this.C, xs)
          : tf.matMul(tf.oneHot(xs.reshape([B * T]), V).toFloat(), this.C);
        let h: tf.Tensor2D = emb.reshape([B, T * E]);
        for (const layer of this.layers) {
          let a: tf.Tensor2D = tf.matMul(h, layer.W);
          if (layer.gain) {
            const { mean, variance } = tf.moments(a, 0); // biased variance, as BatchNorm normalizes with
            a = tf.batchNorm(a, mean, variance, layer.bias!, layer.gain, this.eps) as tf.Tensor2D;
            const m = this.config.momentum;
            layer.runMean!.assign(layer.runMean!.mul(1 - m).add(mean.mul(m)));
            layer.runVar!.assign(layer.runVar!.mul(1 - m).add(variance.mul((m * B) / (B - 1))));
          } else {
            a = a.add<tf.Tensor2D>(layer.b!);
          }
          h = tf.tanh(a);
        }
        const logits = tf.matMul(h, this.Wout).add(this.bout);
        return tf.losses.softmaxCrossEntropy(ys, logits) as tf.Scalar;
      });
      this.optimizer.applyGradients(grads);
      return value.dataSync()[0]!;
    });
  }

  /** Free the variables. */
  dispose(): void {
    tf.dispose([this.C, this.Wout, this.bout]);
    for (const l of this.layers) tf.dispose(Object.values(l));
    this.optimizer.dispose();
  }
}
