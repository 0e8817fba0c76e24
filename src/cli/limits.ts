/**
 * Upper bounds the CLI enforces before doing any work, so a typo such as `--samples 1e9` is a usage error rather than a
 * crash after minutes of training (and before the model is saved).
 */

/** Most words `train --samples` and `sample --count` print: far more than anyone reads, far less than memory holds. */
export const MAX_SAMPLE_COUNT = 100_000;

/** Longest `--max-length` of `sample`: words are sampled character by character, all at once, in memory. */
export const MAX_SAMPLE_LENGTH = 10_000;
