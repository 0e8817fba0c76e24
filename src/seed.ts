/**
 * Seeds as the public API takes them: integers from 0 to 2³² − 1. The generator itself reduces any integer modulo
 * 2³², so without this check seeds 0 and 2³² (or −1 and 2³² − 1) would silently give the same run.
 */

/** The largest seed: the generator's seed is one unsigned 32-bit word. */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * The seed, if it is an integer from 0 to {@link MAX_SEED}.
 * @throws Error naming `who` and the value otherwise
 */
export function checkSeed(seed: unknown, who: string): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new Error(`${who}: seed must be an integer from 0 to 2^32 − 1 (${MAX_SEED}), got ${typeof seed === 'number' ? seed : JSON.stringify(seed) ?? String(seed)}`);
  }
  return seed;
}
