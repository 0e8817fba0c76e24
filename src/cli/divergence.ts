/**
 * Telling a training run that blew up from one that is learning, and saying what blew it up. A loss that is not
 * finite is divergence; so is a finite loss far above that of a uniform guess (ln V), which no sane run reaches after
 * its first steps (models start near ln V): `--lr 1e5` once ended at loss 322,335 and exit 0.
 */
/** A reported training loss above this many times ln V is divergence. */
export const EXPLODED_FACTOR = 10;

/** The loss above which a run of a model over `vocabSize` characters has diverged. */
export function explodedLoss(vocabSize: number): number {
  return EXPLODED_FACTOR * Math.log(Math.max(2, vocabSize));
}

/** The settings that decide whether updates overshoot. */
export interface StepSettings {
  /** True when the weight decay is a loss term λ·mean(W²) (the bigram), false when the optimizer applies it. */
  regularization: boolean;
  lr: number;
  weightDecay: number;
  vocabSize: number;
}

/**
 * What made the run diverge, and what to change. Weight decay alone multiplies each parameter by (1 − lr·wd) per step
 * (SGD's L2 term and AdamW's decoupled decay alike), or by (1 − 2·lr·λ/V²) (the bigram's λ·mean(W²)): past a factor
 * of magnitude 1 it grows without bound whatever the data, so a weight decay that large is named instead of the
 * learning rate.
 */
export function divergenceCause(s: StepSettings): string {
  const shrink = s.regularization ? (2 * s.lr * s.weightDecay) / (s.vocabSize * s.vocabSize) : s.lr * s.weightDecay;
  if (shrink >= 2) {
    const term = s.regularization ? '2·lr·λ/V²' : 'lr·weight decay';
    return (
      `the weight decay ${s.weightDecay} diverged: with learning rate ${s.lr}, ${term} = ${shrink.toPrecision(3)} ` +
      `(it must stay below 2, better below 1), so each step makes the parameters larger — lower --weight-decay`
    );
  }
  return `the learning rate ${s.lr} is too high for this model — try a lower learning rate (--lr)`;
}

/** The one-line description of a divergence at a step. */
export function divergenceMessage(step: number, loss: number, vocabSize: number, s: StepSettings): string {
  const what = Number.isFinite(loss)
    ? `the training loss reached ${loss.toPrecision(6)}, above ${EXPLODED_FACTOR} × ln ${vocabSize} = ${explodedLoss(vocabSize).toFixed(1)}`
    : `the loss became ${loss}`;
  return `training diverged at step ${step}: ${what}; ${divergenceCause(s)}`;
}
