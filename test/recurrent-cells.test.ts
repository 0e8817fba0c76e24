/**
 * The recurrent cells (issue 14): the generic gradient checker (finite differences on JS, wasm vs JS) for each cell
 * with masked targets, the forward pass against a float64 implementation of each cell's equations written here, the
 * masking and causality identities (ids after the last real target change nothing), and the one-step stepper equal
 * to the full forward.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/index.ts';
import { createBackend } from '../src/backend/index.ts';
import { Embedding, Linear, Net, Sequential, sizeOf } from '../src/nn/index.ts';
import { GRUCell } from '../src/nn/gru.ts';
import { LSTMCell } from '../src/nn/lstm.ts';
import { RNNCell } from '../src/nn/rnn.ts';
import type { RecurrentCell } from '../src/nn/recurrent-cell.ts';
import { checkGradients, fillBatch, gradientsOf } from './helpers/gradcheck.ts';
import { expectClose } from './helpers/compare.ts';

const V = 7;
const CELLS = {
  rnn: (H: number) => new RNNCell(H),
  gru: (H: number) => new GRUCell(H),
  lstm: (H: number) => new LSTMCell(H),
} as const;
type CellKind = keyof typeof CELLS;

function layers(kind: CellKind, E: number, H: number): Sequential {
  return new Sequential([['emb', new Embedding(V, E)], ['cell', CELLS[kind](H)], ['out', new Linear(V)]]);
}

function build(kind: CellKind, T: number, E: number, H: number, B: number, ignore?: (i: number) => boolean) {
  return (backend: Backend) => {
    const net = new Net(backend, layers(kind, E, H), { input: [T], classes: V, seed: 11 });
    const ws = net.workspace(B, true);
    fillBatch(net, ws, V, 5, ignore);
    // the start states begin at zero; move them so their gradients (and the paths through them) are exercised
    for (const name of ['cell.start', 'cell.startCell']) {
      const t = net.tensors.find((x) => x.name === name);
      if (t) net.setTensor(name, Array.from({ length: sizeOf(t.shape) }, (_, i) => 0.3 * Math.sin(i + 1)));
    }
    return { net, ws };
  };
}

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

/** x·W over a [E+H, G] weight split as rows: Σ_e x_e W[e] + Σ_j h_j W[E + j] + b. */
function affine(x: number[], h: number[], W: Float32Array, b: Float32Array, G: number): number[] {
  const xh = [...x, ...h];
  return Array.from({ length: G }, (_, g) => xh.reduce((s, v, r) => s + v * W[r * G + g]!, b[g]!));
}

/** Each cell's equations in float64 from the Net's tensors: the hidden states [T][H] of one row of ids. */
function reference(kind: CellKind, get: (n: string) => Float32Array, ids: number[], E: number, H: number): number[][] {
  const C = get('emb.weight');
  let h = Array.from(get('cell.start'));
  let c = kind === 'lstm' ? Array.from(get('cell.startCell')) : [];
  const out: number[][] = [];
  for (const id of ids) {
    const x = Array.from(C.subarray(id * E, (id + 1) * E));
    if (kind === 'rnn') {
      h = affine(x, h, get('cell.weight'), get('cell.bias'), H).map(Math.tanh);
    } else if (kind === 'gru') {
      const rz = affine(x, h, get('cell.rz.weight'), get('cell.rz.bias'), 2 * H).map(sig);
      const hr = h.map((v, j) => v * rz[j]!);
      const n = affine(x, hr, get('cell.hbar.weight'), get('cell.hbar.bias'), H).map(Math.tanh);
      h = h.map((v, j) => (1 - rz[H + j]!) * v + rz[H + j]! * n[j]!);
    } else {
      const a = affine(x, h, get('cell.weight'), get('cell.bias'), 4 * H);
      c = c.map((v, j) => sig(a[H + j]!) * v + sig(a[j]!) * Math.tanh(a[2 * H + j]!));
      h = c.map((v, j) => sig(a[3 * H + j]!) * Math.tanh(v));
    }
    out.push(h);
  }
  return out;
}

describe.each(Object.keys(CELLS) as CellKind[])('%s cell', (kind) => {
  const T = 5, E = 3, H = 5, B = 4;

  it('passes the gradient checker (JS finite differences, wasm vs JS) with masked targets', async () => {
    // a third of the positions have no target, and every row's last one
    const ignore = (i: number) => i % 3 === 1 || i % T === T - 1;
    expect(await checkGradients(build(kind, T, E, H, B, ignore), { perTensor: 10 })).toBeGreaterThan(40);
  }, 120_000);

  it.each(['js', 'wasm'] as const)('forward equals the float64 equations of the cell (%s)', async (name) => {
    const { net, ws } = build(kind, T, E, H, B)(await createBackend(name));
    const get = (n: string) => net.backend.arena.f32(net.tensor(n).ptr, sizeOf(net.tensor(n).shape)).slice();
    net.forward(ws, B, false);
    const ids = net.backend.arena.i32(ws.ids, B * T);
    const logits = net.backend.arena.f32(ws.logits, B * T * V);
    const W = get('out.weight'), bias = get('out.bias');
    const want: number[] = [];
    for (let b = 0; b < B; b++) {
      for (const h of reference(kind, get, Array.from(ids.subarray(b * T, (b + 1) * T)), E, H)) {
        for (let v = 0; v < V; v++) want.push(h.reduce((s, x, j) => s + x * W[j * V + v]!, bias[v]!));
      }
    }
    expectClose(Float64Array.from(logits), want, 1e-5, `${kind} logits`);
  });

  it('ids at positions with no later target change neither the loss nor any gradient (causal, masked)', async () => {
    const backend = await createBackend('wasm');
    // row b has real targets up to position b (the rest −1)
    const { net, ws } = build(kind, T, E, H, B, (i) => i % T > Math.floor(i / T))(backend);
    const loss = net.lossAndGradients(ws);
    const grads = gradientsOf(net);
    const ids = backend.arena.i32(ws.ids, B * T);
    for (let i = 0; i < B * T; i++) if (i % T > Math.floor(i / T)) ids[i] = (ids[i]! + 3) % V;
    expect(net.lossAndGradients(ws)).toBe(loss);
    for (const [name, g] of gradientsOf(net)) expect(Array.from(g), name).toEqual(Array.from(grads.get(name)!));
  });

  it.each(['js', 'wasm'] as const)('the stepper (one position at a time, state carried) equals the full forward (%s)', async (name) => {
    const backend = await createBackend(name);
    const { net, ws } = build(kind, T, E, H, B)(backend);
    const cell = (net.root as Sequential).children[1]![1] as RecurrentCell;
    const emb = net.tensor('emb.weight');
    net.forward(ws, B, false);
    const ids = backend.arena.i32(ws.ids, B * T).slice();
    // the full forward's hidden states are the output of 'cell' in the Sequential's workspace: recompute them here
    const full: number[][][] = [];
    const get = (n: string) => backend.arena.f32(net.tensor(n).ptr, sizeOf(net.tensor(n).shape)).slice();
    for (let b = 0; b < B; b++) full.push(reference(kind, get, Array.from(ids.subarray(b * T, (b + 1) * T)), E, H));
    const alloc = { f32: (n: number, w: string) => backend.arena.allocF32(n, w), i32: (n: number, w: string) => backend.arena.allocI32(n, w) };
    const stepper = cell.stepper(alloc, B);
    const idBuf = backend.arena.allocI32(B, 'ids');
    stepper.reset(backend.raw, B);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) backend.arena.i32(idBuf, B)[b] = ids[b * T + t]!;
      backend.raw.embeddingGather(stepper.input, emb.ptr, idBuf, B, 1, E);
      const h = backend.arena.f32(stepper.step(backend.raw, B), B * H);
      expectClose(Float64Array.from(h), full.flatMap((rows) => rows[t]!), 1e-5, `${kind} step ${t}`);
    }
  });
});
