/**
 * Telling a training run that blew up from one that is learning, and saying what blew it up. A loss that is not
 * finite is divergence (src/divergence.ts words the message); so is a finite training loss far above that of a
 * uniform guess (ln V), which no sane run reaches after its first steps (models start near ln V): `--lr 1e5` once
 * ended at loss 322,335 and exit 0.
 */
import { divergenceMessage } from '../divergence.ts';

/** A reported training loss above this many times ln V is divergence. */
export const EXPLODED_FACTOR = 10;

/** The loss above which a run of a model over `vocabSize` characters has diverged. */
export function explodedLoss(vocabSize: number): number {
  return EXPLODED_FACTOR * Math.log(Math.max(2, vocabSize));
}

/** Where a run diverged: which loss ('the loss', 'the dev loss', 'the training loss'), its value, step and rate. */
export interface DivergencePoint {
  what: string;
  step: number;
  loss: number;
  lr: number;
}

/** The settings that decide whether updates overshoot on their own. */
export interface DecaySettings {
  /** True when the weight decay is a loss term λ·mean(W²) (the bigram), false when the optimizer applies it. */
  regularization: boolean;
  weightDecay: number;
  vocabSize: number;
  /** The model kind's default learning rate and weight decay: which setting is out of its usual range. */
  defaultLr: number;
  defaultWeightDecay: number;
}

/**
 * The weight decay's own overshoot, when it is the cause, else undefined. Weight decay alone multiplies each parameter
 * by (1 − lr·wd) per step (SGD's L2 term and AdamW's decoupled decay alike), or by (1 − 2·lr·λ/V²) (the bigram's
 * λ·mean(W²)): from a factor of magnitude 1 on it grows without bound whatever the data. Since a huge learning rate
 * makes that factor large too, the weight decay is blamed only when it is further from its usual value than the
 * learning rate is from its own (`--weight-decay 1e30` at `--lr 0.1`, not `--lr 1e6` at the default λ).
 */
export function weightDecayCause(lr: number, s: DecaySettings): string | undefined {
  const shrink = s.regularization ? (2 * lr * s.weightDecay) / (s.vocabSize * s.vocabSize) : lr * s.weightDecay;
  if (!(shrink >= 2)) return undefined;
  const lrRatio = lr / s.defaultLr;
  const decayRatio = s.weightDecay / Math.max(s.defaultWeightDecay, 0.01);
  if (!(decayRatio > lrRatio)) return undefined;
  const term = s.regularization ? '2·lr·λ/V²' : 'lr·weight decay';
  return (
    `the weight decay ${s.weightDecay} diverged: with learning rate ${lr}, ${term} = ${shrink.toPrecision(3)} ` +
    '(it must stay below 2, better below 1), so each step makes the parameters larger — lower --weight-decay'
  );
}

/** The message of a diverged run: the loss, step and rate, then the advice (learning rate, or weight decay). */
export function divergedRunMessage(at: DivergencePoint, s: DecaySettings, out?: string): string {
  const notWritten = out === undefined ? '' : `; '${out}' was not written`;
  const cause = weightDecayCause(at.lr, s);
  if (cause !== undefined) return `${at.what} became ${at.loss} at step ${at.step}: training diverged — ${cause}${notWritten}`;
  if (!Number.isFinite(at.loss)) return divergenceMessage(at.what, at.loss, at.step, at.lr, out);
  const limit = `${EXPLODED_FACTOR} × ln ${s.vocabSize} = ${explodedLoss(s.vocabSize).toFixed(1)}`;
  return (
    `${at.what} reached ${at.loss.toPrecision(6)}, above ${limit}, at step ${at.step} (learning rate ${at.lr}): ` +
    `training diverged — try a lower learning rate (see --lr)${notWritten}`
  );
}
