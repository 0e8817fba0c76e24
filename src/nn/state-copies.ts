/**
 * The NaN/Inf protection of a {@link Net} without a copy per step: the state (parameters then buffers) and the
 * optimizer state exist twice. The optimizer reads one copy and writes the other (out of place, checking that every
 * new value is finite); the new copy is adopted only when it is all finite, and the old one stays behind as the state
 * to return to when the next loss is not finite — a swap back. Only the buffers (BatchNorm running statistics: a few
 * floats per channel) are carried over to the new copy each step.
 */
import type { Kernels, Ptr } from '../backend/kernels.ts';
import type { Optimizer } from './optim.ts';

/** How the copies get and return their memory (the Net's own allocations, so that it can free them all). */
export interface CopyMemory {
  alloc(floats: number, what: string): Ptr;
  release(p: Ptr): void;
}

/** What an update did: adopted the new copy, refused a non-finite one, or rolled back after a non-finite loss. */
export type UpdateOutcome = 'updated' | 'refused' | 'rolledBack';

/** The two copies of a Net's state and optimizer state, and the optimizer that moves between them. */
export class StateCopies {
  /** Updates done with the current optimizer (AdamW's t). */
  step = 0;
  /** True when the other copy is the state right before the last update (diagnostics' update:data). */
  updateKept = false;
  private readonly sides: [Ptr, Ptr];
  private optSides: [Ptr, Ptr] | null = null;
  private side = 0;
  /** The step of the other copy, the rollback target: the state before the last update from a finite loss. */
  private lastFiniteStep = 0;

  /**
   * `onSwitch(base)` is told the start of the copy that comes into use, so that the tensors' pointers follow it.
   * The first copy is in use until the first update.
   */
  constructor(
    private readonly kernels: () => Kernels,
    private readonly memory: CopyMemory,
    readonly stateFloats: number,
    readonly paramFloats: number,
    private optimizer: Optimizer,
    private readonly onSwitch: (base: Ptr) => void,
  ) {
    this.sides = [memory.alloc(stateFloats, 'state'), memory.alloc(stateFloats, 'state.other')];
  }

  /** The copy of the state in use now. */
  get current(): Ptr {
    return this.sides[this.side];
  }

  /** The other copy: the rollback target (and, after an update, the state before it). */
  get other(): Ptr {
    return this.sides[1 - this.side];
  }

  /** The optimizer state in use, or null when the optimizer keeps none. */
  get optimizerState(): Ptr | null {
    return this.optSides ? this.optSides[this.side] : null;
  }

  /** Floats of optimizer state (slots × parameter floats). */
  get optimizerFloats(): number {
    return this.optimizer.stateSlots * this.paramFloats;
  }

  /** The optimizer in use. */
  get optimizerInUse(): Optimizer {
    return this.optimizer;
  }

  /** A new optimizer with zeroed state at step 0 (call {@link StateCopies.save} once its state is written). */
  useOptimizer(optimizer: Optimizer): void {
    this.optimizer = optimizer;
    this.step = 0;
    if (this.optSides !== null) for (const q of this.optSides) this.memory.release(q);
    const n = this.optimizerFloats;
    this.optSides = n > 0 ? [this.memory.alloc(n, 'optimizer'), this.memory.alloc(n, 'optimizer.other')] : null;
  }

  /**
   * The optimizer's step from `grads`, or the rollback when `loss` is not finite. A finite loss whose update would
   * make a value non-finite leaves the state as it was ('refused').
   */
  update(loss: number, grads: Ptr, lr: number): UpdateOutcome {
    if (!Number.isFinite(loss)) {
      this.use(1 - this.side);
      this.step = this.lastFiniteStep;
      this.save(); // the copy left behind may hold a diverged forward's statistics: overwrite it
      return 'rolledBack';
    }
    const k = this.kernels();
    const from = this.side, to = 1 - from;
    const src = this.sides[from], dst = this.sides[to];
    const p = this.paramFloats;
    // the buffers are not the optimizer's: the new copy takes them as this step's forward pass left them
    if (this.stateFloats > p) k.copy(dst + p * 4, src + p * 4, this.stateFloats - p);
    const opt = this.optSides;
    const finite = this.optimizer.step
      ? this.optimizer.step(k, dst, src, grads, opt ? opt[to] : grads, opt ? opt[from] : grads, p, lr, this.step + 1)
      : this.copyThenUpdate(k, grads, lr);
    if (!finite) {
      this.save(); // the other copy holds a half-written update: make it the current state again
      return 'refused';
    }
    this.lastFiniteStep = this.step;
    this.step++;
    this.use(to);
    this.updateKept = true;
    return 'updated';
  }

  /** The rollback target becomes the current state: the copy in use is copied to the other (rare: set-up, errors). */
  save(): void {
    // inside linear memory: one memory.copy each, no JS view needed
    const k = this.kernels(), other = 1 - this.side;
    k.copy(this.sides[other], this.sides[this.side], this.stateFloats);
    if (this.optSides) k.copy(this.optSides[other], this.optSides[this.side], this.optimizerFloats);
    this.lastFiniteStep = this.step;
    this.updateKept = false;
  }

  /** Makes copy `side` the one in use. */
  private use(side: number): void {
    this.side = side;
    this.onSwitch(this.sides[side]);
  }

  /** An optimizer without an out-of-place step: the old way, a copy of the state and then the update in place. */
  private copyThenUpdate(k: Kernels, grads: Ptr, lr: number): boolean {
    const from = this.side, to = 1 - from;
    k.copy(this.sides[to], this.sides[from], this.paramFloats);
    const opt = this.optSides;
    if (opt) k.copy(opt[to], opt[from], this.optimizerFloats);
    this.optimizer.update(k, this.sides[to], grads, opt ? opt[to] : grads, this.paramFloats, lr, this.step + 1);
    return true; // a non-finite value shows as the next loss, which rolls back to the copy left behind
  }
}
