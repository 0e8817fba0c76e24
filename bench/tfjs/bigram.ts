/**
 * The neural bigram of makemore part 1 in TF.js, one full-batch gradient step per call, both ways of computing it:
 *
 * - per example, as in the lecture: logits = onehot(x) · W for every example, softmax cross-entropy against the
 *   targets (the one-hot inputs and targets are built once, outside the step, as the lecture does);
 * - from counts: every example with the same input row shares its logits, so the loss is
 *   −Σᵢⱼ N[i,j] · log softmax(W)[i,j] / ΣN with N the 27×27 bigram count matrix.
 *
 * Both run `tf.variableGrads` inside `tf.tidy` and update W with plain SGD.
 */
import { tf } from './setup.ts';

/** Which formulation of the full-batch loss. */
export type BigramPath = 'per-example' | 'count';

/** One full-batch training step of the neural bigram in TF.js. Create it with its TF.js backend active. */
export class TfBigram {
  readonly path: BigramPath;
  private readonly W: tf.Variable;
  private readonly lr: number;
  private readonly weightDecay: number;
  private readonly inputs: tf.Tensor2D;
  private readonly targets: tf.Tensor2D;

  /**
   * @param xs, ys the bigram examples (input and target ids)
   * @param weightDecay L2 strength: the loss gets weightDecay/2 · Σ W², i.e. the SGD step adds weightDecay · W.
   */
  constructor(xs: Int32Array, ys: Int32Array, V: number, path: BigramPath, lr: number, weightDecay: number, seed: number) {
    this.path = path;
    this.lr = lr;
    this.weightDecay = weightDecay;
    const init = tf.randomNormal([V, V], 0, 1, 'float32', seed);
    this.W = tf.variable(init, true); // unnamed: names must be unique across all models in the process
    init.dispose();
    [this.inputs, this.targets] = tf.tidy(() => {
      if (path === 'per-example') {
        return [
          tf.oneHot(tf.tensor1d(xs, 'int32'), V).toFloat() as tf.Tensor2D,
          tf.oneHot(tf.tensor1d(ys, 'int32'), V).toFloat() as tf.Tensor2D,
        ];
      }
      const counts = new Float32Array(V * V);
      for (let i = 0; i < xs.length; i++) counts[xs[i]! * V + ys[i]!]! += 1;
      return [tf.scalar(xs.length).reshape([1, 1]) as tf.Tensor2D, tf.tensor2d(counts, [V, V])];
    });
  }

  /** One SGD step on the whole data set; returns the loss. */
  trainStep(): number {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        let loss: tf.Scalar;
        if (this.path === 'per-example') {
          loss = tf.losses.softmaxCrossEntropy(this.targets, tf.matMul(this.inputs, this.W)) as tf.Scalar;
        } else {
          loss = tf.neg(tf.sum(tf.mul(this.targets, tf.logSoftmax(this.W)))).div(this.inputs.reshape([])) as tf.Scalar;
        }
        if (this.weightDecay > 0) loss = loss.add(tf.sum(tf.square(this.W)).mul(this.weightDecay / 2));
        return loss;
      });
      this.W.assign(this.W.sub(grads[this.W.name]!.mul(this.lr)));
      return value.dataSync()[0]!;
    });
  }

  /** Overwrite W (V×V, row-major), to start from the same weights as a library model. */
  setWeights(values: Float32Array): void {
    tf.tidy(() => this.W.assign(tf.tensor(values, this.W.shape)));
  }

  /** A copy of W. */
  weights(): Float32Array {
    return (this.W.dataSync() as Float32Array).slice();
  }

  /** Free the tensors. */
  dispose(): void {
    tf.dispose([this.W, this.inputs, this.targets]);
  }
}
