/**
 * `npx tsx bench/attention-variants.ts`: the Transformer's attention forward at makemore.py's sizes (B 32, T 16,
 * C 64, 4 heads) two ways on the wasm backend, measured interleaved with the bench harness:
 * - `fused`: the kernel the layer uses (attentionForward: scores, mask, softmax and weighted sum per (example, head));
 * - `generic`: the same out of the general kernels — q, k, v copied head-major ([B, heads, T, hs]), per (example,
 *   head) matmulNT for the scores, the mask added as a −∞ matrix (addInto), one softmax over all rows, matmul with v,
 *   and the heads copied back beside each other: the [B, heads, T, T] path through memory that the fused kernel avoids.
 * Both give the same numbers (checked first, 1e-6); prints JSON lines and the table.
 */
import { createBackend } from '../src/backend/index.ts';
import { fillNormal } from './lib/data.ts';
import { jsonLine, table } from './lib/report.ts';
import { FULL_TIMING, measureGroup } from './lib/timing.ts';

const B = 32, T = 16, C = 64, H = 4, hs = C / H;
const be = await createBackend('wasm');
const k = be.raw;
const a = be.arena;
const qkv = a.allocF32(B * T * 3 * C, 'qkv');
fillNormal(a.f32(qkv, B * T * 3 * C), 1);
const out = a.allocF32(B * T * C, 'out'), att = a.allocF32(B * H * T * T, 'att');
const heads = a.allocF32(3 * B * H * T * hs, 'heads'), scores = a.allocF32(B * H * T * T, 'scores');
const yh = a.allocF32(B * H * T * hs, 'yh'), out2 = a.allocF32(B * T * C, 'out2'), mask = a.allocF32(T * T, 'mask');
const m = a.f32(mask, T * T);
for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) m[i * T + j] = j > i ? -Infinity : 0;
const F = 4;

function generic(): void {
  // head-major copies: part p (q, k, v) of head h at [p][b][h][t]
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let p = 0; p < 3; p++) {
        for (let h = 0; h < H; h++) {
          k.copy(heads + (((p * B + b) * H + h) * T + t) * hs * F, qkv + ((b * T + t) * 3 * C + p * C + h * hs) * F, hs);
        }
      }
    }
  }
  const part = B * H * T * hs * F;
  for (let bh = 0; bh < B * H; bh++) {
    const s = scores + bh * T * T * F;
    k.matmulNT(s, heads + bh * T * hs * F, heads + part + bh * T * hs * F, T, hs, T, false);
  }
  k.sgdUpdate(scores, scores, B * H * T * T, 1 - 1 / Math.sqrt(hs), 0); // s −= (1 − 1/√hs)·s: the scale, elementwise
  for (let bh = 0; bh < B * H; bh++) k.addInto(scores + bh * T * T * F, mask, T * T);
  k.softmax(scores, scores, B * H * T, T);
  for (let bh = 0; bh < B * H; bh++) {
    k.matmul(yh + bh * T * hs * F, scores + bh * T * T * F, heads + 2 * part + bh * T * hs * F, T, T, hs, false);
  }
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) k.copy(out2 + ((b * T + t) * C + h * hs) * F, yh + ((b * H + h) * T + t) * hs * F, hs);
    }
  }
}

k.attentionForward(out, att, qkv, B, T, C, H);
generic();
const x = a.f32(out, B * T * C), y = a.f32(out2, B * T * C);
let worst = 0;
for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
if (!(worst < 1e-5)) throw new Error(`attention variants disagree: max difference ${worst}`);

const flops = B * H * ((T * (T + 1)) / 2) * (4 * hs + 4);
const results = await measureGroup([
  { bench: 'attention forward', impl: 'wasm', shape: 'fused', flops, run: () => k.attentionForward(out, att, qkv, B, T, C, H) },
  { bench: 'attention forward', impl: 'wasm', shape: 'generic', flops, run: generic },
], FULL_TIMING);
for (const r of results) console.log(jsonLine(r));
process.stderr.write(`${table(results)}\n(max difference ${worst.toExponential(1)})\n`);
