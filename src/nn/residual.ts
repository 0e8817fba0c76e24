/**
 * Residual: y = x + f(x) for any layer f whose output has the input's shape (a Transformer block's two halves).
 * f writes into a buffer of its own, so f's last layer may read its output in backward (a tanh) — adding x in
 * place would change what it reads. Backward: f's backward gives dx, then the skip path adds dy to it.
 */
import { Layer, ShapeError, formatShape, sizeOf, type Allocator, type LayerSetup, type Pass, type Shape, type Tensor } from './layer.ts';

interface ResidualSpace {
  /** f(x) [B × shape] and its gradient (training). */
  fx: number;
  inner: unknown;
  /** The Pass handed to f, reused call after call (no garbage per step). */
  pass: Pass;
}

export class Residual extends Layer<ResidualSpace> {
  readonly inner: Layer;
  private n = 0;

  constructor(inner: Layer) {
    super();
    if (!(inner instanceof Layer)) throw new Error(`Residual: inner must be a Layer, got ${String(inner)}`);
    this.inner = inner;
  }

  describe(): string {
    return `Residual(${this.inner.describe()})`;
  }

  setup(input: Shape): LayerSetup {
    if (this.inner.takesIds) throw new ShapeError(`Residual: ${this.inner.describe()} takes ids; a residual needs activations`);
    const s = this.inner.setup(input);
    if (formatShape(s.output) !== formatShape(input)) {
      throw new ShapeError(`Residual: ${this.inner.describe()} maps ${formatShape(input)} to ${formatShape(s.output)}; x + f(x) needs the same shape`);
    }
    this.n = sizeOf(input);
    return s;
  }

  override bind(tensors: ReadonlyMap<string, Tensor>): void {
    this.inner.bind(tensors);
  }

  override workspace(alloc: Allocator, B: number, training: boolean): ResidualSpace {
    const fx = alloc.f32(B * this.n, 'residual.fx');
    const inner = this.inner.workspace(alloc, B, training);
    return { fx, inner, pass: { k: null as never, B, training, x: -1, y: -1, dx: null, dy: -1, ws: inner } };
  }

  forward(p: Pass<ResidualSpace>): void {
    const { k, B, x, y, ws } = p;
    const q = ws.pass;
    q.k = k; q.B = B; q.training = p.training; q.x = x; q.y = ws.fx; q.dx = null; q.dy = -1;
    this.inner.forward(q);
    k.copy(y, x, B * this.n);
    k.addInto(y, ws.fx, B * this.n);
  }

  backward(p: Pass<ResidualSpace>): void {
    const { k, B, x, dx, dy, ws } = p;
    const q = ws.pass;
    q.k = k; q.B = B; q.training = true; q.x = x; q.y = ws.fx; q.dx = dx; q.dy = dy;
    this.inner.backward(q);
    if (dx !== null) k.addInto(dx, dy, B * this.n);
  }
}
