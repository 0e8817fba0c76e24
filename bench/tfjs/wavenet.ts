/**
 * The WaveNet of makemore part 5 written the way a TF.js user would, like {@link TfMlp}: variables, a loss closure,
 * `tf.variableGrads` inside `tf.tidy`, the SGD optimizer. Embedding table C ([B, T, E] after the lookup), then per
 * level: reshape [B, T, C] → [B·T/n, C·n] (FlattenConsecutive(n): row-major, so a reshape), Linear without bias,
 * BatchNorm over all those B·T/n rows (batch statistics, biased variance; running buffers updated with the unbiased
 * one), tanh; then Linear to logits and softmax cross-entropy. The embedding is `tf.gather` on the cpu backend and
 * one-hot · C on the wasm backend (no gather gradient there), as in the MLP.
 */
import { variable, type EmbeddingMode } from './mlp.ts';
import { tf } from './setup.ts';

/** The WaveNet's shape, as in `WaveNet.create` of the library. */
export interface TfWaveNetConfig {
  vocabSize: number;
  blockSize: number;
  embedDim: number;
  /** One width per level. */
  hidden: readonly number[];
  flatten: number;
  momentum: number;
  seed: number;
}

interface Level {
  W: tf.Variable;
  gain: tf.Variable;
  bias: tf.Variable;
  runMean: tf.Variable;
  runVar: tf.Variable;
}

/** One training step of the WaveNet in TF.js. Create it with the TF.js backend it will run on active. */
export class TfWaveNet {
  readonly config: TfWaveNetConfig;
  readonly embedding: EmbeddingMode;
  private readonly C: tf.Variable;
  private readonly levels: Level[] = [];
  private readonly Wout: tf.Variable;
  private readonly bout: tf.Variable;
  private readonly optimizer: tf.SGDOptimizer;
  /** Every variable under the library's tensor name (`embedding`, `hidden.0.weight`, `hidden.0.bn.gain`, ...). */
  readonly tensors = new Map<string, tf.Variable>();
  private readonly eps = 1e-5;

  constructor(config: TfWaveNetConfig, embedding: EmbeddingMode, lr: number) {
    this.config = config;
    this.embedding = embedding;
    const { vocabSize: V, embedDim: E, hidden, flatten: n, seed } = config;
    this.optimizer = tf.train.sgd(lr);
    let s = seed;
    this.C = variable(tf.randomNormal([V, E], 0, 1, 'float32', s++), true);
    this.tensors.set('embedding', this.C);
    let width = E;
    hidden.forEach((H, l) => {
      const fanIn = width * n;
      const level: Level = {
        W: variable(tf.randomNormal([fanIn, H], 0, 1 / Math.sqrt(fanIn), 'float32', s++), true),
        gain: variable(tf.ones([H]), true),
        bias: variable(tf.zeros([H]), true),
        runMean: variable(tf.zeros([H]), false),
        runVar: variable(tf.ones([H]), false),
      };
      this.levels.push(level);
      this.tensors.set(`hidden.${l}.weight`, level.W);
      this.tensors.set(`hidden.${l}.bn.gain`, level.gain);
      this.tensors.set(`hidden.${l}.bn.bias`, level.bias);
      this.tensors.set(`hidden.${l}.bn.runningMean`, level.runMean);
      this.tensors.set(`hidden.${l}.bn.runningVar`, level.runVar);
      width = H;
    });
    this.Wout = variable(tf.randomNormal([width, V], 0, 0.1 / Math.sqrt(width), 'float32', s++), true);
    this.bout = variable(tf.zeros([V]), true);
    this.tensors.set('output.weight', this.Wout);
    this.tensors.set('output.bias', this.bout);
  }

  /** Overwrite one tensor by its library name (to start from the same weights as a library model). */
  setTensor(name: string, values: Float32Array): void {
    const v = this.tensors.get(name);
    if (!v) throw new Error(`TfWaveNet.setTensor: no tensor named '${name}'`);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  }

  /** One SGD step on a batch (X: batch × blockSize ids, Y: batch ids); returns the loss. */
  trainStep(X: Int32Array, Y: Int32Array): number {
    const { vocabSize: V, blockSize: T, embedDim: E, flatten: n, momentum: m } = this.config;
    const B = Y.length;
    return tf.tidy(() => {
      const xs = tf.tensor2d(X, [B, T], 'int32');
      const ys = tf.oneHot(tf.tensor1d(Y, 'int32'), V);
      const { value, grads } = tf.variableGrads(() => {
        // rows of [B·T, E]: the lookup of every position
        let h: tf.Tensor2D = this.embedding === 'gather'
          ? (tf.gather(this.C, xs.reshape([B * T])) as tf.Tensor2D)
          : tf.matMul(tf.oneHot(xs.reshape([B * T]), V).toFloat(), this.C as tf.Tensor2D);
        let rows = B * T;
        let width = E;
        for (const level of this.levels) {
          rows /= n;
          const fused = h.reshape([rows, width * n]);
          let a: tf.Tensor2D = tf.matMul(fused, level.W);
          const { mean, variance } = tf.moments(a, 0); // over all B·T rows: the lecture's fix
          a = tf.batchNorm(a, mean, variance, level.bias, level.gain, this.eps) as tf.Tensor2D;
          level.runMean.assign(level.runMean.mul(1 - m).add(mean.mul(m)));
          level.runVar.assign(level.runVar.mul(1 - m).add(variance.mul((m * rows) / (rows - 1))));
          h = tf.tanh(a);
          width = level.W.shape[1]!;
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
    for (const l of this.levels) tf.dispose(Object.values(l));
    this.optimizer.dispose();
  }
}
