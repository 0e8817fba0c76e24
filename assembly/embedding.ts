// Embedding lookup and its gradient: B contexts of T int32 indices, each picking a D-float row of the table.
// The gathered rows land back to back, so row (b, t) of the output starts at ((b·T + t)·D) floats.
import { loadPartial, storePartial } from './simd';

/** out[b, t·D + d] = table[idx[b·T + t], d]. */
export function embeddingGather(out: usize, table: usize, idx: usize, B: i32, T: i32, D: i32): void {
  const rows = B * T;
  const row = <usize>D << 2;
  const tail = D & 3;
  const body = <usize>(D - tail) << 2;
  for (let r = 0; r < rows; r++) {
    const src = table + <usize>load<i32>(idx + (<usize>r << 2)) * row;
    let d: usize = 0;
    for (; d < body; d += 16) v128.store(out + d, v128.load(src + d));
    if (tail) storePartial(out + d, loadPartial(src + d, tail), tail);
    out += row;
  }
}

/** dtable[idx[b·T + t], d] += dout[b, t·D + d]: a scatter-add, in index order, so repeated indices sum up. */
export function embeddingScatterAdd(dtable: usize, dout: usize, idx: usize, B: i32, T: i32, D: i32): void {
  const rows = B * T;
  const row = <usize>D << 2;
  const tail = D & 3;
  const body = <usize>(D - tail) << 2;
  for (let r = 0; r < rows; r++) {
    const dst = dtable + <usize>load<i32>(idx + (<usize>r << 2)) * row;
    let d: usize = 0;
    for (; d < body; d += 16) v128.store(dst + d, f32x4.add(v128.load(dst + d), v128.load(dout + d)));
    if (tail) storePartial(dst + d, f32x4.add(loadPartial(dst + d, tail), loadPartial(dout + d, tail)), tail);
    dout += row;
  }
}
