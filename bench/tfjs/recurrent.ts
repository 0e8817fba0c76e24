/**
 * makemore.py's RNN and GRU, and the LSTM, written with TF.js ops the way a TF.js user after speed would: the input
 * half of every gate for all positions in one matMul before the loop (as our cells do), then per position h·W_h and
 * the gates, the hidden states stacked into one matMul with the output layer, a masked softmax cross-entropy (targets
 * of −1 count nothing), gradients by `tf.variableGrads`, and `tf.train.adam` (betas 0.9, 0.99; TF.js has no AdamW, and
 * the decoupled decay is one elementwise pass that changes nothing about the speed). The tf.layers API (SimpleRNN,
 * GRU, LSTM layers) was not used: it has no masked per-position loss, and its cells are the same ops in a slower loop.
 *
 * The embedding as in the MLP bench: `tf.gather` on cpu, one-hot · C on wasm (no gather gradient there).
 */
import type { EmbeddingMode } from './mlp.ts';
import { tf } from './setup.ts';

export type TfCellKind = 'rnn' | 'gru' | 'lstm';

/** The model's sizes. */
export interface TfRecurrentConfig {
  cell: TfCellKind;
  vocabSize: number;
  /** Positions per row, T. */
  length: number;
  embedDim: number;
  hidden: number;
  seed: number;
}

const GATES: Record<TfCellKind, number> = { rnn: 1, gru: 3, lstm: 4 };

function variable(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init, true);
  init.dispose();
  return v;
}

export class TfRecurrent {
  readonly config: TfRecurrentConfig;
  private readonly embedding: EmbeddingMode;
  private readonly vars: Record<string, tf.Variable> = {};
  private readonly optimizer: tf.AdamOptimizer;

  constructor(config: TfRecurrentConfig, embedding: EmbeddingMode, lr: number) {
    this.config = config;
    this.embedding = embedding;
    const { vocabSize: V, embedDim: E, hidden: H, seed } = config;
    const G = GATES[config.cell] * H;
    const bound = 1 / Math.sqrt(E + H);
    let s = seed;
    const u = (shape: number[], b: number) => variable(tf.randomUniform(shape, -b, b, 'float32', s++));
    this.vars.C = variable(tf.randomNormal([V, E], 0, 1, 'float32', s++));
    this.vars.Wx = u([E, G], bound);
    this.vars.Wh = u([H, G], bound);
    this.vars.b = u([G], bound);
    this.vars.h0 = variable(tf.zeros([1, H]));
    if (config.cell === 'lstm') this.vars.c0 = variable(tf.zeros([1, H]));
    this.vars.Wout = u([H, V], 1 / Math.sqrt(H));
    this.vars.bout = variable(tf.zeros([V]));
    this.optimizer = tf.train.adam(lr, 0.9, 0.99, 1e-8);
  }

  /** One Adam step on a batch (X, Y: B × T ids, Y −1 where there is no target); returns the mean loss. */
  trainStep(X: Int32Array, Y: Int32Array): number {
    const { vocabSize: V, length: T, embedDim: E, hidden: H, cell } = this.config;
    const B = X.length / T;
    const v = this.vars;
    return tf.tidy(() => {
      const ids = tf.tensor1d(X, 'int32');
      const targets = tf.oneHot(tf.tensor1d(Y, 'int32'), V); // a −1 target is an all-zero row: it counts nothing
      const count = Y.reduce((n, y) => n + (y >= 0 ? 1 : 0), 0);
      const { value, grads } = tf.variableGrads(() => {
        const emb = this.embedding === 'gather' ? tf.gather(v.C!, ids) : tf.matMul(tf.oneHot(ids, V).toFloat(), v.C!);
        const xp = tf.matMul(emb as tf.Tensor2D, v.Wx as tf.Tensor2D).add(v.b!).reshape([B, T, -1]);
        const steps = tf.unstack(xp, 1) as tf.Tensor2D[];
        let h = tf.tile(v.h0!, [B, 1]) as tf.Tensor2D;
        let c = cell === 'lstm' ? (tf.tile(v.c0!, [B, 1]) as tf.Tensor2D) : h;
        const hs: tf.Tensor2D[] = [];
        const Wh = v.Wh as tf.Tensor2D;
        for (const x of steps) {
          if (cell === 'rnn') {
            h = tf.tanh(x.add(tf.matMul(h, Wh))) as tf.Tensor2D;
          } else if (cell === 'gru') {
            const [xrz, xn] = tf.split(x, [2 * H, H], 1) as tf.Tensor2D[];
            const [whrz, whn] = tf.split(Wh, [2 * H, H], 1) as tf.Tensor2D[];
            const [r, z] = tf.split(tf.sigmoid(xrz!.add(tf.matMul(h, whrz!))), 2, 1) as tf.Tensor2D[];
            const n = tf.tanh(xn!.add(tf.matMul(r!.mul(h), whn!)));
            h = h.add(z!.mul(n.sub(h))) as tf.Tensor2D;
          } else {
            const [i, f, g, o] = tf.split(x.add(tf.matMul(h, Wh)), 4, 1) as tf.Tensor2D[];
            c = tf.sigmoid(f!).mul(c).add(tf.sigmoid(i!).mul(tf.tanh(g!)));
            h = tf.sigmoid(o!).mul(tf.tanh(c));
          }
          hs.push(h);
        }
        const logits = tf.matMul(tf.stack(hs, 1).reshape([B * T, H]) as tf.Tensor2D, v.Wout as tf.Tensor2D).add(v.bout!);
        return tf.neg(tf.sum(targets.mul(tf.logSoftmax(logits)))).div(count) as tf.Scalar;
      });
      this.optimizer.applyGradients(grads as never);
      return value.dataSync()[0]!;
    });
  }

  dispose(): void {
    tf.dispose(Object.values(this.vars));
    this.optimizer.dispose();
  }
}
