/**
 * The Transformer's layers (issue 15) through the generic gradient checker (finite differences on JS, wasm vs JS),
 * each in a small Net of its own and then composed as makemore.py's Transformer and BoW; targets of −1 included.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/index.ts';
import {
  CausalBoW, CausalSelfAttention, Embedding, GELU, LayerNorm, Linear, Net, Residual, Sequential, Tanh, TokenPositionEmbedding,
  type Layer, type Shape,
} from '../src/nn/index.ts';
import { transformerBlock } from '../src/models/transformer.ts';
import { checkGradients, fillBatch } from './helpers/gradcheck.ts';

const V = 7;
const T = 5;

function build(root: () => Layer, input: Shape, B: number, seed = 3) {
  return (backend: Backend) => {
    const net = new Net(backend, root(), { input, classes: V, seed });
    const ws = net.workspace(B, true);
    fillBatch(net, ws, V, seed + 1, (i) => i % T === T - 1 && i % 2 === 0); // some padding positions
    return { net, ws };
  };
}

const around = (...middle: [string, Layer][]) => () =>
  new Sequential([['', new TokenPositionEmbedding(V, 8)], ...middle, ['out', new Linear(V)]]);

describe('gradient checker on the Transformer layers', () => {
  it('TokenPositionEmbedding (token rows scatter-added, positions summed over the batch)', async () => {
    expect(await checkGradients(build(around(), [T], 6))).toBeGreaterThan(20);
  }, 60_000);

  it('LayerNorm', async () => {
    expect(await checkGradients(build(around(['ln', new LayerNorm()]), [T], 6))).toBeGreaterThan(30);
  }, 60_000);

  it('LayerNorm as the first layer after a plain Embedding, and with nothing upstream (dx unused)', async () => {
    const root = () => new Sequential([['', new Embedding(V, 6, { name: 'embedding' })], ['ln', new LayerNorm()], ['out', new Linear(V)]]);
    expect(await checkGradients(build(root, [T], 6))).toBeGreaterThan(20);
  }, 60_000);

  it('GELU', async () => {
    expect(await checkGradients(build(around(['fc', new Linear(12)]), [T], 6))).toBeGreaterThan(20);
    expect(await checkGradients(build(around(['fc', new Linear(12)], ['gelu', new GELU()]), [T], 6))).toBeGreaterThan(20);
  }, 60_000);

  it('CausalSelfAttention (2 heads)', async () => {
    expect(await checkGradients(build(around(['attn', new CausalSelfAttention(8, 2)]), [T], 4))).toBeGreaterThan(40);
  }, 60_000);

  it('Residual around a block whose last layer reads its own output (tanh)', async () => {
    const inner = new Sequential([['fc', new Linear(8)], ['tanh', new Tanh()]]);
    expect(await checkGradients(build(around(['res', new Residual(inner)]), [T], 5))).toBeGreaterThan(20);
  }, 60_000);

  it('CausalBoW', async () => {
    expect(await checkGradients(build(around(['bow', new Residual(new CausalBoW())]), [T], 5))).toBeGreaterThan(20);
  }, 60_000);

  it('a whole Transformer (2 blocks of makemore.py, 2 heads, embed 8, final LayerNorm, lm_head without bias)', async () => {
    const root = () => new Sequential([
      ['', new TokenPositionEmbedding(V, 8)], ['h.0', transformerBlock(8, 2)], ['h.1', transformerBlock(8, 2)],
      ['ln_f', new LayerNorm()], ['lm_head', new Linear(V, { bias: false })],
    ]);
    expect(await checkGradients(build(root, [T], 4), { perTensor: 6 })).toBeGreaterThan(100);
  }, 120_000);
});
