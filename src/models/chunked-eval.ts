/**
 * Evaluation of a {@link Net} in chunks of one eval workspace's rows, so that evaluating or sampling any amount of
 * data needs no memory beyond what the model allocated up front.
 */
import type { Net, Workspace } from '../nn/net.ts';

/** Runs the eval-mode forward over X (`width` ids per example) in chunks; `each` reads the chunk's logits. */
export function forEachChunk(
  net: Net, ws: Workspace, width: number, X: Int32Array, each: (ws: Workspace, B: number, start: number) => void,
): void {
  const T = width;
  const count = X.length / T;
  for (let start = 0; start < count; start += ws.rows) {
    const B = Math.min(ws.rows, count - start);
    net.backend.arena.i32(ws.ids, B * T).set(X.subarray(start * T, (start + B) * T));
    net.forward(ws, B, false);
    each(ws, B, start);
  }
}

/**
 * The summed negative log-likelihood over the real targets of checked examples, and how many real targets there
 * were; a chunk's mean loss is weighted by its real targets, so that the mean over all is exact whatever the chunks.
 */
export function lossInChunks(
  net: Net, ws: Workspace, width: number, X: Int32Array, Y: Int32Array, allowsIgnore: boolean,
): { sum: number; real: number } {
  const P = net.targetsPerExample;
  let sum = 0;
  let real = 0;
  forEachChunk(net, ws, width, X, (ws, B, start) => {
    const targets = Y.subarray(start * P, (start + B) * P);
    net.backend.arena.i32(ws.targets, B * P).set(targets);
    let n = B * P;
    if (allowsIgnore) for (let i = 0; i < targets.length; i++) if (targets[i] === -1) n--;
    sum += net.backend.raw.crossEntropyLoss(ws.logits, ws.targets, B * P, net.classes) * n;
    real += n;
  });
  return { sum, real };
}
