/**
 * What a training curve shows: the mean NLL, as its label says. For the MLP that is the loss train() reports (weight
 * decay acts in the optimizer, not in the loss). A model whose loss adds a penalty — the neural bigram's λ·mean(W²) —
 * exposes `lastNll`, the NLL part of its last step's loss. A full-batch step has no minibatch noise to average, so
 * the last step of a progress window stands for the window.
 *
 * Duck-typed on purpose: the demo's worker holds models from the library bundle, whose classes are not the ones a
 * separately bundled `instanceof` would see.
 */

/** The mean NLL to plot and print for a progress report of `model`. */
export function curveLoss(model: unknown, progress: { trainLoss: number }): number {
  const nll = (model as { lastNll?: unknown } | null)?.lastNll;
  return typeof nll === 'number' ? nll : progress.trainLoss;
}
