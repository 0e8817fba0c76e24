/**
 * Optimizers through the Net: AdamW against a float64 re-computation of torch.optim.AdamW's formulas (bias
 * correction, decoupled decay, eps outside the square root), SGD with momentum against torch.optim.SGD's, on both
 * backends — each new parameter within 1e-6 of the float64 value, relative to the larger of |p| before and after (the
 * update p − step cancels digits when both are close, and the moments live in float32); the optimizer's state in the NaN rollback; and a saved-and-resumed run equal to an uninterrupted one, bit
 * for bit, for SGD and AdamW.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, type BackendName } from '../src/backend/index.ts';
import {
  defaultNames, MLP, modelFromJSON, Rng, splitWords, train, Vocabulary, type OptimizerSpec,
} from '../src/index.ts';
import { BatchNorm1d, Embedding, FlattenConsecutive, Linear, Net, Sequential, Tanh } from '../src/nn/index.ts';
import { sizeOf } from '../src/nn/layer.ts';
import { fillBatch, gradientsOf } from './helpers/gradcheck.ts';

const V = 9;

function smallNet(backend: Awaited<ReturnType<typeof createBackend>>, optimizer: OptimizerSpec): Net {
  return new Net(backend, new Sequential([
    ['', new Embedding(V, 4, { name: 'embedding' })], ['', new FlattenConsecutive(2)], ['h', new Linear(12, { bias: false })],
    ['bn', new BatchNorm1d()], ['t', new Tanh()], ['output', new Linear(V)],
  ]), { input: [2], classes: V, seed: 5, optimizer });
}

/** Parameters of every tensor, in float64, by name. */
function paramsOf(net: Net): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const t of net.tensors) if (t.grad !== null) out.set(t.name, Float64Array.from(net.backend.arena.f32(t.ptr, sizeOf(t.shape))));
  return out;
}

describe.each(['js', 'wasm'] as BackendName[])('optimizers on the %s backend', (name) => {
  it('AdamW follows torch.optim.AdamW in float64 over 20 steps (within 1e-6 relative)', async () => {
    const spec = { kind: 'adamw', beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.1 } as const;
    const net = smallNet(await createBackend(name), spec);
    const ws = net.workspace(16, true);
    const m = new Map<string, Float64Array>(), v = new Map<string, Float64Array>();
    let worst = 0;
    for (let step = 1; step <= 20; step++) {
      fillBatch(net, ws, V, step);
      const lr = 0.01 * (1 + (step % 3));
      const loss = net.lossAndGradients(ws);
      const before = paramsOf(net);
      const grads = gradientsOf(net);
      net.update(loss, lr);
      const after = paramsOf(net);
      for (const [tensor, p] of before) {
        const g = grads.get(tensor)!;
        const mt = m.get(tensor) ?? new Float64Array(p.length), vt = v.get(tensor) ?? new Float64Array(p.length);
        m.set(tensor, mt); v.set(tensor, vt);
        const bc1 = 1 - spec.beta1 ** step, bc2 = 1 - spec.beta2 ** step;
        for (let i = 0; i < p.length; i++) {
          const decayed = p[i]! * (1 - lr * spec.weightDecay);
          mt[i] = spec.beta1 * mt[i]! + (1 - spec.beta1) * g[i]!;
          vt[i] = spec.beta2 * vt[i]! + (1 - spec.beta2) * g[i]! * g[i]!;
          const expected = decayed - (lr / bc1) * mt[i]! / (Math.sqrt(vt[i]!) / Math.sqrt(bc2) + spec.eps);
          const got = after.get(tensor)![i]!;
          // relative to the larger of the parameter before and after: p − step cancels when both are close
          worst = Math.max(worst, Math.abs(got - expected) / Math.max(Math.abs(expected), Math.abs(p[i]!), 1e-3));
        }
      }
    }
    expect(worst).toBeLessThan(1e-6);
    expect(net.optimizerStep).toBe(20);
  });

  it('SGD with momentum and weight decay follows torch.optim.SGD in float64', async () => {
    const spec = { kind: 'sgd', momentum: 0.9, weightDecay: 0.01 } as const;
    const net = smallNet(await createBackend(name), spec);
    const ws = net.workspace(16, true);
    const buf = new Map<string, Float64Array>();
    let worst = 0;
    for (let step = 1; step <= 15; step++) {
      fillBatch(net, ws, V, 100 + step);
      const loss = net.lossAndGradients(ws);
      const before = paramsOf(net), grads = gradientsOf(net);
      net.update(loss, 0.05);
      const after = paramsOf(net);
      for (const [tensor, p] of before) {
        const g = grads.get(tensor)!;
        const b = buf.get(tensor) ?? new Float64Array(p.length);
        buf.set(tensor, b);
        for (let i = 0; i < p.length; i++) {
          b[i] = 0.9 * b[i]! + g[i]! + 0.01 * p[i]!;
          const expected = p[i]! - 0.05 * b[i]!;
          worst = Math.max(worst, Math.abs(after.get(tensor)![i]! - expected) / Math.max(Math.abs(expected), Math.abs(p[i]!), 1e-3));
        }
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('a loss that is not finite puts parameters, running statistics and the optimizer state back', async () => {
    const net = smallNet(await createBackend(name), { kind: 'adamw' });
    const ws = net.workspace(8, true);
    fillBatch(net, ws, V, 1);
    net.trainStep(ws, 0.01);
    net.trainStep(ws, 0.01);
    // the state a finite step starts its update from (its forward already moved the running statistics)
    const loss = net.lossAndGradients(ws);
    const state = net.backend.arena.f32(net.state, net.stateFloats).slice();
    const opt = net.optimizerState();
    net.update(loss, 0.01);
    expect(net.backend.arena.f32(net.state, net.stateFloats)).not.toEqual(state);
    net.update(Number.NaN, 0.01);
    expect(net.backend.arena.f32(net.state, net.stateFloats)).toEqual(state);
    expect(net.optimizerState()).toEqual(opt);
  });

  it.each(['sgd', 'momentum', 'adamw'] as const)(
    '%s: an update that would make a value non-finite is refused (NaN returned, nothing changed, no copy kept)',
    async (opt) => {
      const spec = opt === 'momentum' ? { kind: 'sgd' as const, momentum: 0.9 } : { kind: opt };
      const net = smallNet(await createBackend(name), spec);
      const ws = net.workspace(8, true);
      fillBatch(net, ws, V, 1);
      net.trainStep(ws, 0.01);
      const read = () => [net.backend.arena.f32(net.state, net.stateFloats).slice(), net.optimizerState()] as const;
      for (const bad of [Number.NaN, Infinity]) {
        const loss = net.lossAndGradients(ws);
        expect(Number.isFinite(loss)).toBe(true);
        const [state, optState] = read();
        const step = net.optimizerStep;
        net.backend.arena.f32(net.grads, net.paramFloats)[3] = bad; // a gradient gone bad while the loss is finite
        expect(net.update(loss, 0.01)).toBeNaN();
        const [after, optAfter] = read();
        expect(after).toEqual(state);
        expect(optAfter).toEqual(optState);
        expect(net.optimizerStep).toBe(step);
        // and the Net goes on from there: the next finite step updates, a non-finite loss comes back to its parameters
        // and optimizer state (the running statistics to those of that step's forward pass, as always)
        expect(net.trainStep(ws, 0.01)).toBe(loss);
        expect(net.optimizerStep).toBe(step + 1);
        net.update(Number.NaN, 0.01);
        expect(read()[0].subarray(0, net.paramFloats)).toEqual(state.subarray(0, net.paramFloats));
        expect(read()[1]).toEqual(optState);
        expect(net.optimizerStep).toBe(step);
      }
      net.dispose();
    },
  );
});

describe('resuming a saved run', () => {
  const words = defaultNames().slice(0, 600);
  const { train: trainWords } = splitWords(words, { seed: 1 });
  const vocab = Vocabulary.fromWords(words);

  it.each<[string, OptimizerSpec]>([
    ['SGD with momentum', { kind: 'sgd', momentum: 0.9, weightDecay: 1e-4 }],
    ['AdamW', { kind: 'adamw', weightDecay: 0.01 }],
  ])('%s: 25 steps, save, load, 25 more equals 50 steps bit for bit', async (_, optimizer) => {
    const options = { vocab, blockSize: 3, embedDim: 5, hidden: [16], seed: 9, backend: 'wasm' as const };
    const lr = (i: number): number => (i < 30 ? 0.01 : 0.003);
    const whole = await MLP.create(options);
    await train(whole, { data: { train: trainWords }, steps: 50, batchSize: 8, lr, optimizer, seed: 4 });

    const first = await MLP.create(options);
    const batches = new Rng(4);
    await train(first, { data: { train: trainWords }, steps: 25, batchSize: 8, lr, optimizer, seed: batches });
    const saved = JSON.parse(JSON.stringify(first.toJSON()));
    const rngState = batches.state();
    const resumed = (await modelFromJSON(saved, { backend: 'wasm' })) as MLP;
    expect(resumed.net.optimizerStep).toBe(25);
    await train(resumed, { data: { train: trainWords }, steps: 25, startStep: 25, batchSize: 8, lr, seed: Rng.fromState(rngState) });
    expect(resumed.stateVector()).toEqual(whole.stateVector());
    expect(resumed.net.optimizerState()).toEqual(whole.net.optimizerState());
  });
});
