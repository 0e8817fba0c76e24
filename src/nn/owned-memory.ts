/**
 * The allocations one owner made in a backend's arena, kept so that it can give every byte back at once: models
 * sharing one backend then never overwrite or leak each other's memory.
 */
import type { Backend } from '../backend/backend.ts';
import type { Ptr } from '../backend/kernels.ts';

/** Allocates in a backend's arena under a name prefix and remembers each allocation until it is released. */
export class OwnedMemory {
  private readonly owned: Ptr[] = [];

  /** `prefix` starts every allocation's name, so that arena messages say whose memory it is. */
  constructor(
    private readonly backend: Backend,
    private readonly prefix: string,
  ) {}

  /** `n` floats or int32s, named `prefix.what`, owned until {@link OwnedMemory.release} or releaseAll. */
  alloc(type: 'f32' | 'i32', n: number, what: string): Ptr {
    const arena = this.backend.arena;
    const name = `${this.prefix}.${what}`;
    const p = type === 'f32' ? arena.allocF32(n, name) : arena.allocI32(n, name);
    this.owned.push(p);
    return p;
  }

  /** Returns one allocation to the arena. */
  release(p: Ptr): void {
    const i = this.owned.indexOf(p);
    if (i >= 0) this.owned.splice(i, 1);
    freePtr(this.backend, p);
  }

  /** Returns every allocation still owned, newest first so that the arena's top comes down with each. */
  releaseAll(): void {
    for (const p of this.owned.splice(0).reverse()) freePtr(this.backend, p);
  }
}

/** Returns one allocation to the arena when the arena can free single allocations. */
function freePtr(backend: Backend, p: Ptr): void {
  const arena = backend.arena as unknown as { free?: (ptr: Ptr) => void };
  arena.free?.(p);
}
