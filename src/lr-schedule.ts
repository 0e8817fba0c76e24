/**
 * The one learning-rate rule of the CLI (`--lr`, `--lr-decay-at`) and the demo page (its "÷10 after step" field):
 * a step decay as in the makemore lectures, stated in the same words in both.
 */

/** The rule, as the CLI help, the demo page and the README state it. */
export const LR_DECAY_RULE =
  'the first N steps use the learning rate, every later step a tenth of it (N = 0: a tenth from the start; N ≥ the number of steps: never)';

/**
 * The schedule for `train({ lr })`: step index i (0-based) below `decayAt` gets `lr`, the others `lr / 10`;
 * `decayAt` null never decays.
 */
export function stepDecay(lr: number, decayAt: number | null): (i: number) => number {
  if (decayAt !== null && !(Number.isInteger(decayAt) && decayAt >= 0)) {
    throw new Error(`stepDecay: decayAt must be an integer >= 0 or null, got ${decayAt}`);
  }
  return (i) => (decayAt === null || i < decayAt ? lr : lr / 10);
}
