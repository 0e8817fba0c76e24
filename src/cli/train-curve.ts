/**
 * What the training curve shows: the mean NLL, as its label says. For the MLP that is the loss train() reports (its
 * weight decay acts in the update, not in the loss). The neural bigram's loss adds λ·mean(W²); its NLL alone is
 * `lastNll`, the data part of the last step's loss. A full-batch step has no minibatch noise to average, so the last
 * step of a progress window stands for the window.
 */
import { NeuralBigram } from '../models/bigram.ts';
import type { TrainProgress } from '../train.ts';

/** The mean NLL to plot and print for a progress report of `model`. */
export function trainCurveLoss(model: unknown, progress: TrainProgress): number {
  return model instanceof NeuralBigram ? model.lastNll : progress.trainLoss;
}
