/**
 * A run whose loss is no longer a finite number has failed, whatever the model: `makemore train` stops, says why,
 * exits with code 1 and leaves `--out` untouched; the demo stops with the same message. The training loop already stops on a non-finite *training* loss
 * (TrainingDivergedError); these checks add the *evaluation* losses — the dev loss while training, and the final
 * train/dev/test losses — which can overflow on their own (a neural bigram at `--lr 1e6` keeps a finite training loss
 * for a while, but its softmax probabilities underflow to 0 and its NLL becomes Infinity).
 */
import type { ModelKind } from './models/model.ts';

/** A non-finite loss: training has diverged (or, for counts without smoothing, a split has an impossible word). */
export class DivergedRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DivergedRunError';
  }
}

/** What a failed run left behind, for the end of the message. */
function outNote(out: string | undefined): string {
  return out === undefined ? '' : `; '${out}' was not written`;
}

/**
 * The message of a diverged training run: which loss, its value, the step and the learning rate, and the advice.
 * @param what e.g. 'the loss', 'the dev loss', 'the final test loss'
 * @param where the learning rate is set, e.g. '--lr' (the CLI); none for the demo, whose field is in sight
 */
export function divergenceMessage(what: string, value: number, step: number | null, lr: number, out?: string, where = '--lr'): string {
  const at = step === null ? 'after training' : `at step ${step}`;
  const see = where ? ` (see ${where})` : '';
  return `${what} became ${value} ${at} (learning rate ${lr}): training diverged — try a lower learning rate${see}${outNote(out)}`;
}

/**
 * Throws a {@link DivergedRunError} when a dev loss reported during training is not finite.
 * @param lr the learning rate of the step that produced it
 * @param where see {@link divergenceMessage}
 */
export function checkDevLoss(devLoss: number | undefined, step: number, lr: number, out?: string, where = '--lr'): void {
  if (devLoss !== undefined && !Number.isFinite(devLoss)) {
    throw new DivergedRunError(divergenceMessage('the dev loss', devLoss, step, lr, out, where));
  }
}

/**
 * Throws a {@link DivergedRunError} when a final loss (null: empty split) is not finite. A trained model gets the
 * learning-rate advice; a count model can only be infinite through add-0 smoothing, so it gets the smoothing advice.
 * @param lr the last learning rate of a trained model (unused for 'ngram')
 */
export function checkFinalLosses(
  losses: Record<'train' | 'dev' | 'test', number | null>,
  kind: ModelKind,
  lr: number,
  out?: string,
): void {
  for (const split of ['train', 'dev', 'test'] as const) {
    const loss = losses[split];
    if (loss === null || Number.isFinite(loss)) continue;
    if (kind === 'ngram') {
      throw new DivergedRunError(
        `the ${split} loss is ${loss}: some ${split} words have a character sequence the training words never show, ` +
          `and add-0 smoothing gives it probability 0 — use --smoothing > 0 (e.g. 1)${outNote(out)}`,
      );
    }
    throw new DivergedRunError(divergenceMessage(`the final ${split} loss`, loss, null, lr, out));
  }
}
