/**
 * O(T) sampling for the recurrent models: the hidden state of every word being generated is kept between calls and
 * advanced by one character per call (one embedding row, one cell step, one output row), instead of re-running the
 * whole prefix for every new character.
 *
 * It is a {@link NextScores} function, so it works with the shared generation loop whatever order that loop asks
 * in. A recurrent state is a function of the prefix alone, which makes reuse safe to decide from the contexts: if
 * every row of this call is a row of the previous call plus one character (in the same order — finished words drop
 * out), the kept states are compacted to those rows and stepped once; otherwise the states are rebuilt from `.`.
 */
import type { Backend } from '../backend/index.ts';
import type { Ptr } from '../backend/kernels.ts';
import type { Net } from '../nn/net.ts';
import type { RecurrentCell, Stepper } from '../nn/recurrent-cell.ts';
import type { NextScores } from './sampling.ts';

export class RecurrentSampler {
  private readonly backend: Backend;
  private readonly net: Net;
  private readonly cell: RecurrentCell;
  private readonly E: number;
  private readonly V: number;
  private rows = 0;
  private stepper: Stepper | null = null;
  private ids: Ptr = 0;
  private logits: Ptr = 0;
  private owned: Ptr[] = [];
  /** The previous call's contexts and their length in characters, or null after a reset. */
  private previous: { contexts: Int32Array; B: number; length: number } | null = null;

  constructor(backend: Backend, net: Net, cell: RecurrentCell, embedDim: number, vocabSize: number) {
    this.backend = backend;
    this.net = net;
    this.cell = cell;
    this.E = embedDim;
    this.V = vocabSize;
  }

  /** Forgets the kept states: the next call starts every word from `.`. */
  reset(): void {
    this.previous = null;
  }

  /**
   * The {@link NextScores} of the model (contexts: B rows of `width` ids, left-padded with `.`); rows of different
   * lengths in one call (not what the generation loop does) go to `fallback`, the full forward.
   */
  scores(width: number, fallback: NextScores): NextScores {
    return (contexts, B, out) => {
      const length = wordLength(contexts, B, width);
      if (length < 0) {
        this.previous = null;
        return fallback(contexts, B, out);
      }
      this.ensure(B);
      const k = this.backend.raw;
      const p = this.previous;
      const keep = p && p.length === length - 1 && length > 0 ? matchRows(p.contexts, p.B, contexts, B, width) : null;
      if (keep) {
        this.compact(keep);
        this.step(B, (b) => contexts[b * width + width - 1]!);
      } else {
        this.stepper!.reset(k, B);
        this.step(B, () => 0); // the `.` every word starts from
        for (let i = width - length; i < width; i++) this.step(B, (b) => contexts[b * width + i]!);
      }
      const logits = this.backend.arena.f32(this.logits, B * this.V);
      for (let i = 0; i < B * this.V; i++) out[i] = logits[i]!;
      this.previous = { contexts: contexts.slice(0, B * width), B, length };
    };
  }

  /** Returns the sampler's memory to the arena. */
  dispose(): void {
    const arena = this.backend.arena as unknown as { free?: (p: Ptr) => void };
    for (const p of this.owned.splice(0).reverse()) arena.free?.(p);
    this.stepper = null;
    this.rows = 0;
    this.previous = null;
  }

  /** One position for B rows: embeds the ids, steps the cell, writes the logits. */
  private step(B: number, id: (b: number) => number): void {
    const k = this.backend.raw;
    const ids = this.backend.arena.i32(this.ids, B);
    for (let b = 0; b < B; b++) ids[b] = id(b);
    const s = this.stepper!;
    k.embeddingGather(s.input, this.net.tensor('embedding').ptr, this.ids, B, 1, this.E);
    const h = s.step(k, B);
    k.matmul(this.logits, h, this.net.tensor('output.weight').ptr, B, this.cell.hidden, this.V, false);
    k.addBias(this.logits, this.net.tensor('output.bias').ptr, B, this.V);
  }

  private compact(keep: Int32Array): void {
    const k = this.backend.raw;
    const H = this.cell.hidden;
    for (const slot of this.stepper!.state) {
      for (let b = 0; b < keep.length; b++) if (keep[b] !== b) k.copy(slot + b * H * 4, slot + keep[b]! * H * 4, H);
    }
  }

  /** Buffers for at least B rows (grown, never shrunk, within one model). */
  private ensure(B: number): void {
    if (B <= this.rows) return;
    this.dispose();
    const arena = this.backend.arena;
    const own = (p: Ptr): Ptr => (this.owned.push(p), p);
    this.stepper = this.cell.stepper({ f32: (n, w) => own(arena.allocF32(n, `sampler.${w}`)), i32: (n, w) => own(arena.allocI32(n, `sampler.${w}`)) }, B);
    this.ids = own(arena.allocI32(B, 'sampler.ids'));
    this.logits = own(arena.allocF32(B * this.V, 'sampler.logits'));
    this.rows = B;
  }
}

/** Characters per row after the `.` padding (every row of a call has as many; −1 if they differ). */
function wordLength(contexts: Int32Array, B: number, width: number): number {
  let length = -1;
  for (let b = 0; b < B; b++) {
    let first = 0;
    while (first < width && contexts[b * width + first] === 0) first++;
    if (length >= 0 && width - first !== length) return -1;
    length = width - first;
  }
  return length;
}

/**
 * For each row of `next`, the row of `prev` it extends by one character, in increasing order; null when some row
 * extends none (then the states are rebuilt). Equal prefixes have equal states, so the first match is as good as any.
 */
function matchRows(prev: Int32Array, P: number, next: Int32Array, B: number, width: number): Int32Array | null {
  const keep = new Int32Array(B);
  let j = 0;
  for (let b = 0; b < B; b++) {
    while (j < P && !extends1(prev, j, next, b, width)) j++;
    if (j === P) return null;
    keep[b] = j++;
  }
  return keep;
}

function extends1(prev: Int32Array, j: number, next: Int32Array, b: number, width: number): boolean {
  for (let i = 0; i < width - 1; i++) if (prev[j * width + i + 1] !== next[b * width + i]) return false;
  return true;
}
