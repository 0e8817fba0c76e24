/**
 * The library API under bad arguments (issue 11 item 7) and models created and dropped on a shared backend (item 8).
 */
import type { Tally } from './common.ts';

/** Library validation and dispose cases (filled in with items 7 and 8). */
export async function libraryCases(_words: string[]): Promise<Tally[]> {
  return [];
}
