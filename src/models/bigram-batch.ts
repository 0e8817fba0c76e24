/**
 * The neural bigram's full batch: how it is trained (the gradient path, the options of `trainFullBatch`), its data
 * (the (previous, next) character pairs of words or bigram contexts with their V×V counts), the exact loss and
 * gradient from those counts alone (the O(V²) count path), and the float64 arithmetic on W's rows (softmax, NLL of
 * words and of contexts) that evaluation uses.
 */
import type { Ptr } from '../backend/index.ts';
import type { Contexts } from '../data/contexts.ts';
import type { Vocabulary } from '../data/vocabulary.ts';
import { describeList } from '../data/words.ts';
import type { Workspace } from '../nn/net.ts';

/**
 * How the full-batch gradient is computed. The loss depends on the data only through the bigram counts N, so
 * `'counts'` computes it exactly from N in O(V²): dW[i,j] = (Σⱼ N[i,j] · softmax(W[i])ⱼ − N[i,j]) / M.
 * `'examples'` is the general path of every neural model: gather one row of W per example, fused softmax +
 * cross-entropy, scatter-add back, O(M·V). Both add the penalty's 2λ·W/V².
 */
export type GradientPath = 'counts' | 'examples';

/** Options for `NeuralBigram.trainFullBatch`. */
export interface FullBatchOptions {
  /** Number of gradient steps (default 100). */
  steps?: number;
  /** Learning rate (default 50, as in the lecture; the count-scaled gradient is small). */
  lr?: number;
  /** Gradient path (default 'counts'). */
  path?: GradientPath;
  /** Called after every step with the loss before that step's update. */
  onProgress?: (p: { step: number; steps: number; loss: number }) => void;
}

/** The training data as the model holds it in its arena. */
export interface BigramData {
  /** Number of examples M (characters plus end markers). */
  count: number;
  /** V×V pair counts, float64, for the count path. */
  counts: Float64Array;
  /** Row sums of counts. */
  totals: Float64Array;
  /** int32 previous / next ids of every example. */
  X: Int32Array;
  Y: Int32Array;
  /** The per-example path's workspace (ids, targets, M×V logits), allocated on first use. */
  ws: Workspace | null;
}

/**
 * The full batch of words (each word's pairs, ending with `.`) or of bigram contexts (blockSize 1, ids checked),
 * with its counts; the workspace is left for the per-example path to allocate.
 */
export function bigramData(vocab: Vocabulary, data: readonly string[] | Contexts): BigramData {
  const V = vocab.size;
  let X: Int32Array;
  let Y: Int32Array;
  if (Array.isArray(data)) {
    if (data.length === 0) throw new Error(`NeuralBigram.setData: words must be a non-empty array of strings, got an empty list`);
    const prev: number[] = [];
    const next: number[] = [];
    for (const word of data as readonly string[]) {
      let p = 0;
      for (const id of [...vocab.encode(word), 0]) {
        prev.push(p);
        next.push(id);
        p = id;
      }
    }
    X = Int32Array.from(prev);
    Y = Int32Array.from(next);
  } else if (data && (data as Contexts).X instanceof Int32Array) {
    const c = data as Contexts;
    if (c.blockSize !== 1) throw new Error(`NeuralBigram.setData: contexts must have blockSize 1, got ${c.blockSize}`);
    if (c.count < 1) throw new Error(`NeuralBigram.setData: contexts are empty (count ${c.count})`);
    checkIds(c.X, V, 'X');
    checkIds(c.Y, V, 'Y');
    X = c.X;
    Y = c.Y;
  } else {
    throw new Error(`NeuralBigram.setData: data must be a word list or contexts, got ${describeList(data)}`);
  }
  const counts = new Float64Array(V * V);
  for (let i = 0; i < X.length; i++) counts[X[i]! * V + Y[i]!]! += 1;
  const totals = new Float64Array(V);
  for (let i = 0; i < V; i++) for (let j = 0; j < V; j++) totals[i]! += counts[i * V + j]!;
  return { count: X.length, counts, totals, X, Y, ws: null };
}

function checkIds(ids: Int32Array, V: number, name: string): void {
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i]!;
    if (v < 0 || v >= V) throw new Error(`NeuralBigram.setData: ${name}[${i}] = ${v} is out of range [0, ${V})`);
  }
}

/**
 * The count path: the mean NLL of the data from log-softmax(W) at `logP` (V×V, already computed), and its exact
 * gradient dW[i,j] = (totals[i] · softmax(W[i])ⱼ − N[i,j]) / M written at `dW`. `F` is the arena's float32 view.
 */
export function countPathLoss(F: Float32Array, logP: Ptr, dW: Ptr, V: number, data: BigramData): number {
  const L = logP >>> 2, D = dW >>> 2;
  const { counts, totals } = data;
  let sum = 0;
  for (let i = 0; i < V; i++) {
    for (let j = 0; j < V; j++) {
      const k = i * V + j;
      const logp = F[L + k]!;
      sum -= counts[k]! * logp;
      F[D + k] = (totals[i]! * Math.exp(logp) - counts[k]!) / data.count;
    }
  }
  return sum / data.count;
}

/** Softmax of each row of W (V×V float32), in float64: the next-character distributions. */
export function rowSoftmax64(w: Float32Array, V: number): Float64Array {
  const out = new Float64Array(V * V);
  for (let i = 0; i < V; i++) {
    let max = -Infinity;
    for (let j = 0; j < V; j++) max = Math.max(max, w[i * V + j]!);
    let sum = 0;
    for (let j = 0; j < V; j++) sum += out[i * V + j] = Math.exp(w[i * V + j]! - max);
    for (let j = 0; j < V; j++) out[i * V + j]! /= sum;
  }
  return out;
}

/** A NeuralBigram as the NLL helpers read it (by shape: the class imports this file, not the other way). */
interface BigramProbabilities {
  vocab: Vocabulary;
  /** V×V next-character distributions, float64. */
  probabilities(): Float64Array;
}

/** Mean NLL of bigram contexts (blockSize 1) from the model's probabilities. */
export function bigramContextsNll(model: BigramProbabilities, c: Contexts): number {
  if (c.blockSize !== 1) throw new Error(`train: data.dev for a NeuralBigram must have blockSize 1, got ${c.blockSize}`);
  const V = model.vocab.size;
  const P = model.probabilities();
  let sum = 0;
  for (let i = 0; i < c.count; i++) {
    const x = c.X[i]!, y = c.Y[i]!;
    if (x < 0 || x >= V || y < 0 || y >= V) throw new Error(`train: data.dev example ${i} (${x} → ${y}) has an id outside [0, ${V})`);
    sum -= Math.log(P[x * V + y]!);
  }
  return sum / c.count;
}

/** Mean NLL per predicted character of the words (each ending with `.`) from the model's probabilities, in float64. */
export function bigramWordsNll(model: BigramProbabilities, words: readonly string[]): number {
  if (!Array.isArray(words) || words.length === 0) {
    throw new Error(`NeuralBigram.nll: words must be a non-empty array of strings, got ${describeList(words)}`);
  }
  const V = model.vocab.size;
  const P = model.probabilities();
  let sum = 0;
  let count = 0;
  for (const word of words) {
    let p = 0;
    for (const id of [...model.vocab.encode(word), 0]) {
      sum -= Math.log(P[p * V + id]!);
      count++;
      p = id;
    }
  }
  return sum / count;
}
