/**
 * src/nn: the generic gradient checker over the layers and the models built from them, a layer defined in this file
 * alone, shape errors at construction, optimizer errors, and workspaces owned by their Net.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/index.ts';
import { createJsBackend } from '../src/backend/index.ts';
import {
  BatchNorm1d, Embedding, FlattenConsecutive, Layer, Linear, Net, Sequential, ShapeError, Tanh, fanInInit, makeOptimizer,
  type LayerSetup, type Pass, type Shape, type Tensor,
} from '../src/nn/index.ts';
import { checkGradients, fillBatch } from './helpers/gradcheck.ts';

const V = 7;

/** The part-3 MLP's layer list at a small size (the MLP model composes exactly these). */
function mlpLayers(block: number, embed: number, hidden: number[], batchNorm: boolean): Sequential {
  return new Sequential([
    ['', new Embedding(V, embed, { name: 'embedding' })],
    ['', new FlattenConsecutive(block)],
    ...hidden.flatMap((h, l) => [
      [`hidden.${l}`, new Linear(h, { bias: !batchNorm, gain: 5 / 3 })] as const,
      ...(batchNorm ? [[`hidden.${l}.bn`, new BatchNorm1d(0.1)] as const] : []),
      [`hidden.${l}.tanh`, new Tanh()] as const,
    ]),
    ['output', new Linear(V, { gain: 0.5 })],
  ]);
}

function build(root: () => Layer, input: Shape, B: number, seed = 3, ignore?: (row: number) => boolean) {
  return (backend: Backend) => {
    const net = new Net(backend, root(), { input, classes: V, seed });
    const ws = net.workspace(B, true);
    fillBatch(net, ws, V, seed + 1, ignore);
    return { net, ws };
  };
}

/**
 * A layer written here and registered nowhere: y = tanh(x·W), its own weight, forward and backward on the kernel
 * contract. If the Net works with it, a layer is self-contained.
 */
class DenseTanh extends Layer<{ pre: number; dpre: number } | null> {
  private fanIn = 0;
  private rows = 1;
  private weight!: Tensor;
  constructor(private readonly width: number) {
    super();
  }
  describe(): string {
    return `DenseTanh(${this.width})`;
  }
  setup(input: Shape): LayerSetup {
    this.fanIn = input[input.length - 1]!;
    this.rows = input.slice(0, -1).reduce((a, b) => a * b, 1);
    return { output: [...input.slice(0, -1), this.width], params: [{ name: 'w', shape: [this.fanIn, this.width], init: fanInInit(1, this.fanIn) }] };
  }
  override bind(t: ReadonlyMap<string, Tensor>): void {
    this.weight = t.get('w')!;
  }
  override workspace(alloc: { f32(n: number, what: string): number }, B: number, training: boolean) {
    return training ? { pre: alloc.f32(B * this.rows * this.width, 'pre'), dpre: alloc.f32(B * this.rows * this.width, 'dpre') } : null;
  }
  forward({ k, B, x, y, ws, training }: Pass<{ pre: number; dpre: number } | null>): void {
    const M = B * this.rows;
    const pre = training ? ws!.pre : y;
    k.matmul(pre, x, this.weight.ptr, M, this.fanIn, this.width, false);
    k.tanhForward(y, pre, M * this.width);
  }
  backward({ k, B, x, y, dx, dy, ws }: Pass<{ pre: number; dpre: number } | null>): void {
    const M = B * this.rows;
    k.tanhBackward(ws!.dpre, dy, y, M * this.width, false);
    k.matmulTN(this.weight.grad!, x, ws!.dpre, this.fanIn, M, this.width, true);
    if (dx !== null) k.matmulNT(dx, ws!.dpre, this.weight.ptr, M, this.width, this.fanIn, false);
  }
}

describe('gradient checker', () => {
  it('passes for the MLP with BatchNorm (2 hidden layers)', async () => {
    expect(await checkGradients(build(() => mlpLayers(3, 4, [8, 6], true), [3], 16))).toBeGreaterThan(40);
  }, 60_000);

  it('passes for the MLP without BatchNorm (biases)', async () => {
    expect(await checkGradients(build(() => mlpLayers(2, 3, [9], false), [2], 10))).toBeGreaterThan(30);
  }, 60_000);

  it('passes for a WaveNet-style stack: BatchNorm over [B, T, C] rows, FlattenConsecutive(2) twice', async () => {
    const root = () => new Sequential([
      ['', new Embedding(V, 3, { name: 'embedding' })],
      ['f0', new FlattenConsecutive(2)], ['l0', new Linear(6, { bias: false })], ['bn0', new BatchNorm1d()], ['t0', new Tanh()],
      ['f1', new FlattenConsecutive(2)], ['l1', new Linear(5, { bias: false })], ['bn1', new BatchNorm1d()], ['t1', new Tanh()],
      ['output', new Linear(V)],
    ]);
    expect(await checkGradients(build(root, [4], 8))).toBeGreaterThan(40);
  }, 60_000);

  it('passes for the bigram (one Embedding as the whole model) and masks targets of −1', async () => {
    const ignored = (row: number) => row % 3 === 0;
    await checkGradients(build(() => new Embedding(V, V, { name: 'W' }), [1], 12, 5, ignored));
  }, 60_000);

  it('passes for a layer defined in this test file alone (registered nowhere)', async () => {
    const root = () => new Sequential([
      ['', new Embedding(V, 4, { name: 'embedding' })], ['', new FlattenConsecutive(2)],
      ['dense', new DenseTanh(6)], ['output', new Linear(V)],
    ]);
    expect(await checkGradients(build(root, [2], 9))).toBeGreaterThan(20);
  }, 60_000);
});

describe('Net construction', () => {
  it('trains a Net with the test-file layer: the loss falls', () => {
    const net = new Net(createJsBackend(), new Sequential([
      ['', new Embedding(V, 4)], ['', new FlattenConsecutive(2)], ['dense', new DenseTanh(16)], ['output', new Linear(V)],
    ]), { input: [2], classes: V });
    const ws = net.workspace(32, true);
    fillBatch(net, ws, V, 11);
    const first = net.trainStep(ws, 0.5);
    let last = first;
    for (let i = 0; i < 100; i++) last = net.trainStep(ws, 0.5);
    expect(last).toBeLessThan(first * 0.7);
  });

  it('layers whose shapes do not chain fail at construction, naming both layers and the shape', () => {
    const be = createJsBackend();
    const bad = () => new Net(be, new Sequential([
      ['', new Embedding(V, 4, { name: 'embedding' })], ['flat', new FlattenConsecutive(2)], ['h', new Linear(5)],
    ]), { input: [3], classes: 5 });
    expect(bad).toThrow(ShapeError);
    expect(bad).toThrow(/layer 'flat' FlattenConsecutive\(2\) cannot follow '' Embedding\(7 × 4\), whose output is \[3, 4\]/);
    const second = () => new Net(be, new Sequential([
      ['', new Embedding(V, 4)], ['f2', new FlattenConsecutive(2)], ['bn', new BatchNorm1d()], ['f3', new FlattenConsecutive(3)],
      ['out', new Linear(V)],
    ]), { input: [2], classes: V });
    expect(second).toThrow(/layer 'f3' FlattenConsecutive\(3\) cannot follow 'bn' BatchNorm1d\(8\), whose output is \[8\]/);
    const classes = () => new Net(be, new Sequential([['', new Embedding(V, 4)], ['', new FlattenConsecutive(2)], ['o', new Linear(9)]]), { input: [2], classes: V });
    expect(classes).toThrow(/output \[9\] must end in the 7 classes/);
    const ids = () => new Net(be, new Sequential([['o', new Linear(V)]]), { input: [2], classes: V });
    expect(ids).toThrow(/first layer must take ids/);
  });

  it('an unknown optimizer or option is named', () => {
    expect(() => makeOptimizer('adam' as never)).toThrow(/unknown optimizer "adam" \(expected 'sgd' or 'adamw'\)/);
    expect(() => makeOptimizer({ kind: 'adamw', beta3: 0.5 } as never)).toThrow(/adamw: unknown option "beta3"/);
    expect(() => makeOptimizer({ kind: 'adamw', beta1: 1 })).toThrow(/adamw: beta1 must be a number in \[0, 1\), got 1/);
    expect(() => makeOptimizer({ kind: 'sgd', momentum: -1 })).toThrow(/sgd: momentum must be a number in \[0, 1\], got -1/);
  });

  it('two Nets on one backend keep their memory apart, and a disposed Net cannot be used', () => {
    const be = createJsBackend();
    const make = () => new Net(be, mlpLayers(2, 3, [5], true), { input: [2], classes: V, seed: 1 });
    const a = make();
    const wa = a.workspace(8, true);
    fillBatch(a, wa, V, 2);
    const b = make();
    const wb = b.workspace(8, true);
    fillBatch(b, wb, V, 2);
    for (let i = 0; i < 5; i++) expect(a.trainStep(wa, 0.1)).toBe(b.trainStep(wb, 0.1));
    b.dispose();
    expect(() => b.workspace(4, true)).toThrow(/disposed/);
    expect(a.trainStep(wa, 0.1)).toBeGreaterThan(0);
  });
});
