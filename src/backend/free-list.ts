/**
 * The free blocks of an {@link Arena} below its top: byte ranges [ptr, ptr + bytes), sorted by address, never
 * adjacent (neighbours are merged as they are freed). First fit: allocation takes the lowest block that is large
 * enough, so a model freed and re-created lands where it was.
 */
export class FreeList {
  private readonly starts: number[] = [];
  private readonly sizes: number[] = [];

  /** Bytes in free blocks. */
  get bytes(): number {
    let total = 0;
    for (const s of this.sizes) total += s;
    return total;
  }

  /** How many separate free blocks there are. */
  get blocks(): number {
    return this.starts.length;
  }

  /** Takes `bytes` from the start of the first block that holds them; undefined when none does. */
  take(bytes: number): number | undefined {
    for (let i = 0; i < this.starts.length; i++) {
      const size = this.sizes[i]!;
      if (size < bytes) continue;
      const ptr = this.starts[i]!;
      if (size === bytes) {
        this.starts.splice(i, 1);
        this.sizes.splice(i, 1);
      } else {
        this.starts[i] = ptr + bytes;
        this.sizes[i] = size - bytes;
      }
      return ptr;
    }
    return undefined;
  }

  /**
   * Returns [ptr, ptr + bytes) to the list, merged with the blocks it touches. If the merged block ends at `top`
   * it is removed instead and its start returned: the caller's new top. Otherwise returns `top`.
   */
  give(ptr: number, bytes: number, top: number): number {
    const s = this.starts;
    let lo = 0, hi = s.length; // first block starting after ptr
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! < ptr) lo = mid + 1;
      else hi = mid;
    }
    let start = ptr, end = ptr + bytes, at = lo;
    if (at < s.length && s[at] === end) { // merge with the next block
      end += this.sizes[at]!;
      s.splice(at, 1);
      this.sizes.splice(at, 1);
    }
    if (at > 0 && s[at - 1]! + this.sizes[at - 1]! === start) { // merge with the previous block
      at--;
      start = s[at]!;
      s.splice(at, 1);
      this.sizes.splice(at, 1);
    }
    if (end === top) return start;
    s.splice(at, 0, start);
    this.sizes.splice(at, 0, end - start);
    return top;
  }

  /** Forgets every block (the arena was reset to its base). */
  clear(): void {
    this.starts.length = 0;
    this.sizes.length = 0;
  }
}
