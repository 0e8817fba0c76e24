/**
 * Key/value-cache sampling for the {@link Transformer}: each new character costs one position's work — its
 * embedding, per block one row through LayerNorm, c_attn (whose k and v join the cache), one query against the
 * cache, c_proj and the MLP — instead of re-running the whole prefix. Words are generated together (see
 * sampleWords); when some finish, the cache rows of the others move up so the batch stays dense.
 *
 * The arithmetic is the training forward's, row by row (the same kernels on the same rows), so the scores equal the
 * full forward's up to the order of the attention sums (the cached step sums over the n cached positions exactly as
 * attentionForward does for that row).
 */
import type { Backend } from '../backend/index.ts';
import type { Ptr } from '../backend/kernels.ts';
import { LN_EPS } from '../nn/layernorm.ts';
import type { Net } from '../nn/net.ts';

/** Where one block's tensors live. */
interface BlockPtrs {
  ln1: [Ptr, Ptr]; attn: [Ptr, Ptr]; proj: [Ptr, Ptr]; ln2: [Ptr, Ptr]; fc: [Ptr, Ptr]; fc2: [Ptr, Ptr];
}

/** The model's sizes the sampler needs. */
export interface KvShape {
  V: number;
  T: number;
  C: number;
  layers: number;
  heads: number;
}

/** One sampling session over up to `rows` words: its cache and row buffers live in the arena until {@link KvSampler.free}. */
export class KvSampler {
  private readonly be: Backend;
  private readonly s: KvShape;
  private readonly rows: number;
  private readonly blocks: BlockPtrs[] = [];
  private readonly wte: Ptr;
  private readonly wpe: Ptr;
  private readonly lnf: [Ptr, Ptr];
  private readonly head: Ptr;
  private readonly owned: Ptr[] = [];
  /** Per block: q, k, v rows of every position so far, [rows × T × 3C]. */
  private readonly cache: Ptr[] = [];
  private readonly x: Ptr; private readonly h: Ptr; private readonly qkv: Ptr; private readonly y: Ptr; private readonly f: Ptr;
  private readonly stats: Ptr; private readonly scratch: Ptr; private readonly ids: Ptr; private readonly logits: Ptr;
  /** Positions already in the cache, and the contexts they came from (to match rows when words finish). */
  private done = 0;
  private prev = new Int32Array(0);
  private prevRows = 0;

  constructor(net: Net, shape: KvShape, rows: number) {
    this.be = net.backend;
    this.s = shape;
    this.rows = rows;
    const t = (name: string): Ptr => net.tensor(name, 'Transformer.sample').ptr;
    const pair = (prefix: string): [Ptr, Ptr] => [t(`${prefix}.weight`), t(`${prefix}.bias`)];
    for (let l = 0; l < shape.layers; l++) {
      const p = `h.${l}`;
      this.blocks.push({
        ln1: pair(`${p}.ln_1`), attn: pair(`${p}.attn.c_attn`), proj: pair(`${p}.attn.c_proj`),
        ln2: pair(`${p}.ln_2`), fc: pair(`${p}.mlp.c_fc`), fc2: pair(`${p}.mlp.c_proj`),
      });
    }
    this.wte = t('embedding');
    this.wpe = t('position');
    this.lnf = pair('ln_f');
    this.head = t('lm_head.weight');
    const { T, C, V } = shape;
    const f32 = (n: number, what: string): Ptr => this.own(this.be.arena.allocF32(n, `kv.${what}`));
    for (let l = 0; l < shape.layers; l++) this.cache.push(f32(rows * T * 3 * C, `cache.${l}`));
    this.x = f32(rows * C, 'x'); this.h = f32(rows * C, 'h'); this.qkv = f32(rows * 3 * C, 'qkv');
    this.y = f32(rows * C, 'y'); this.f = f32(rows * 4 * C, 'f'); this.stats = f32(2 * rows, 'stats');
    this.scratch = f32(T, 'scratch'); this.logits = f32(rows * V, 'logits');
    this.ids = this.own(this.be.arena.allocI32(rows, 'kv.ids'));
  }

  /**
   * The next-character logits of B words given as contexts (B × (T − 1) ids, left-padded with 0, as sampleWords
   * passes them): words of one call all have the same length p; positions up to p go through the cache.
   */
  next(contexts: Int32Array, B: number, out: Float64Array): void {
    const W = this.s.T - 1, V = this.s.V;
    const row = (b: number) => contexts.subarray(b * W, (b + 1) * W);
    let p = 0;
    while (p < W && row(0)[W - 1 - p] !== 0) p++; // characters so far (0 never occurs inside a word)
    if (B > this.rows) throw new Error(`Transformer.sample: ${B} words, the cache holds ${this.rows}`);
    if (this.done === 0) {
      // the first call: the start token and the whole prefix, position by position
      for (let t = 0; t < p; t++) this.position(t, B, (b) => (t === 0 ? 0 : row(b)[W - p + t - 1]!));
    } else {
      if (p !== this.done) throw new Error(`Transformer.sample: words of ${p} characters after a step at position ${this.done - 1}`);
      this.compact(contexts, B, W);
    }
    this.position(p, B, (b) => (p === 0 ? 0 : row(b)[W - 1]!));
    this.done = p + 1;
    this.prev = contexts.slice(0, B * W);
    this.prevRows = B;
    const L = this.be.arena.f32(this.logits, B * V);
    for (let i = 0; i < B * V; i++) out[i] = L[i]!;
  }

  /** Returns the session's memory to the arena. */
  free(): void {
    for (const p of this.owned.splice(0).reverse()) this.be.arena.free(p);
  }

  /**
   * Moves the cache rows of the words still active to the front: word b now had context row(b) minus its newest
   * character before; the previous rows are scanned in order (finished words only ever drop out).
   */
  private compact(contexts: Int32Array, B: number, W: number): void {
    const k = this.be.raw;
    const rowFloats = this.s.T * 3 * this.s.C;
    let j = 0;
    for (let b = 0; b < B; b++) {
      const now = contexts.subarray(b * W, b * W + W - 1);
      while (j < this.prevRows && !sameIds(this.prev.subarray(j * W + 1, (j + 1) * W), now)) j++;
      if (j === this.prevRows) throw new Error('Transformer.sample: a word does not continue any word of the previous step');
      if (j !== b) for (const c of this.cache) k.copy(c + b * rowFloats * 4, c + j * rowFloats * 4, this.done * 3 * this.s.C);
      j++;
    }
  }

  /** Position t of B words with ids id(b): through every block (filling the cache at t) to the logits. */
  private position(t: number, B: number, id: (b: number) => number): void {
    const k = this.be.raw;
    const { T, C, V, heads } = this.s;
    const ids = this.be.arena.i32(this.ids, B);
    for (let b = 0; b < B; b++) ids[b] = id(b);
    k.embeddingGather(this.x, this.wte, this.ids, B, 1, C);
    k.addBias(this.x, this.wpe + t * C * 4, B, C);
    const mean = this.stats, rstd = this.stats + B * 4;
    for (let l = 0; l < this.blocks.length; l++) {
      const blk = this.blocks[l]!, cache = this.cache[l]!;
      k.layerNormForward(this.h, mean, rstd, this.x, blk.ln1[0], blk.ln1[1], B, C, LN_EPS);
      k.matmul(this.qkv, this.h, blk.attn[0], B, C, 3 * C, false);
      k.addBias(this.qkv, blk.attn[1], B, 3 * C);
      for (let b = 0; b < B; b++) k.copy(cache + ((b * T + t) * 3 * C) * 4, this.qkv + b * 3 * C * 4, 3 * C);
      k.attentionStep(this.y, this.scratch, cache, B, T, C, heads, t + 1);
      k.matmul(this.h, this.y, blk.proj[0], B, C, C, false);
      k.addBias(this.h, blk.proj[1], B, C);
      k.addInto(this.x, this.h, B * C);
      k.layerNormForward(this.h, mean, rstd, this.x, blk.ln2[0], blk.ln2[1], B, C, LN_EPS);
      k.matmul(this.f, this.h, blk.fc[0], B, C, 4 * C, false);
      k.addBias(this.f, blk.fc[1], B, 4 * C);
      k.geluForward(this.f, this.f, B * 4 * C);
      k.matmul(this.h, this.f, blk.fc2[0], B, 4 * C, C, false);
      k.addBias(this.h, blk.fc2[1], B, C);
      k.addInto(this.x, this.h, B * C);
    }
    k.layerNormForward(this.h, mean, rstd, this.x, this.lnf[0], this.lnf[1], B, C, LN_EPS);
    k.matmul(this.logits, this.h, this.head, B, C, V, false);
  }

  private own(p: Ptr): Ptr {
    this.owned.push(p);
    return p;
  }
}

function sameIds(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
