/**
 * Sequential: named layers applied in order, itself a {@link Layer}, so blocks compose. Its workspace holds the
 * activation between each pair of layers (and, for training, its gradient); view layers share their input's memory.
 * Tensor names are the child's name, a dot, and the child's own name (`hidden.0` + `weight`); an empty child name
 * adds nothing, so a child's tensors can sit at the parent's level.
 */
import {
  Layer, ShapeError, formatShape, sizeOf, type Allocator, type LayerSetup, type Pass, type Probe, type Shape, type Tensor, type TensorSpec,
} from './layer.ts';

/** A child of a Sequential: a name (the prefix of its tensors) and the layer. */
export type Named = readonly [name: string, layer: Layer];

/**
 * Activations of one child for a batch size: output and its gradient, the child's own workspace, and the Pass object
 * handed to it — reused call after call, so a step creates no garbage.
 */
interface ChildSpace {
  y: number;
  dy: number;
  ws: unknown;
  pass: Pass;
}

/** Joins tensor name parts, skipping empty ones. */
export function joinName(prefix: string, name: string): string {
  return prefix && name ? `${prefix}.${name}` : prefix || name;
}

/** Records a child's tensor under its full name; two tensors with one full name are an error. */
function own(owned: Map<string, string>, prefix: string, name: string): string {
  const full = joinName(prefix, name);
  if (owned.has(full)) throw new Error(`Sequential: two tensors are named ${JSON.stringify(full)}`);
  owned.set(full, name);
  return full;
}

export class Sequential extends Layer<ChildSpace[]> {
  readonly children: readonly Named[];
  private shapes: Shape[] = [];
  /** Per child: its tensors' full names (as the parent sees them) → the child's local names. */
  private owned: Map<string, string>[] = [];

  constructor(children: readonly (Named | Layer)[]) {
    super();
    if (!Array.isArray(children) || children.length === 0) throw new Error('Sequential: needs at least one layer');
    this.children = children.map((c, i) => (c instanceof Layer ? ([String(i), c] as const) : c));
    this.children.forEach(([name, layer], i) => {
      if (!(layer instanceof Layer)) throw new Error(`Sequential: child ${i} (${JSON.stringify(name)}) is not a Layer`);
    });
  }

  describe(): string {
    return `Sequential(${this.children.map(([, l]) => l.describe()).join(' → ')})`;
  }

  override get takesIds(): boolean {
    return this.children[0]![1].takesIds;
  }

  /** Chains the children's shapes; a child that does not fit names itself, the layer before it and both shapes. */
  setup(input: Shape): LayerSetup {
    const params: TensorSpec[] = [];
    const buffers: TensorSpec[] = [];
    this.shapes = [input];
    this.owned = [];
    let shape = input;
    this.children.forEach(([name, layer], i) => {
      let s: LayerSetup;
      try {
        s = layer.setup(shape);
      } catch (error) {
        if (!(error instanceof ShapeError)) throw error;
        const before = i === 0 ? 'the input' : `'${this.children[i - 1]![0]}' ${this.children[i - 1]![1].describe()}`;
        throw new ShapeError(
          `layer '${name}' ${layer.describe()} cannot follow ${before}, whose output is ${formatShape(shape)}: ${error.message}`,
        );
      }
      if (i > 0 && layer.takesIds) throw new ShapeError(`layer '${name}' ${layer.describe()} takes ids, so it must come first`);
      const owned = new Map<string, string>();
      for (const p of s.params ?? []) params.push({ ...p, name: own(owned, name, p.name) });
      for (const b of s.buffers ?? []) buffers.push({ ...b, name: own(owned, name, b.name) });
      this.owned.push(owned);
      shape = s.output;
      this.shapes.push(shape);
    });
    if (this.children[this.children.length - 1]![1].isView) {
      throw new ShapeError(`Sequential: the last layer cannot be a view (${this.children[this.children.length - 1]![1].describe()})`);
    }
    return { output: shape, params, buffers };
  }

  override bind(tensors: ReadonlyMap<string, Tensor>): void {
    this.children.forEach(([, layer], i) => {
      const local = new Map<string, Tensor>();
      for (const [full, name] of this.owned[i]!) local.set(name, tensors.get(full)!);
      layer.bind(local);
    });
  }

  override workspace(alloc: Allocator, B: number, training: boolean): ChildSpace[] {
    const last = this.children.length - 1;
    const spaces: ChildSpace[] = [];
    this.children.forEach(([name, layer], i) => {
      const n = B * sizeOf(this.shapes[i + 1]!);
      const prev = spaces[i - 1];
      let y = -1, dy = -1; // the last child writes into the caller's y/dy
      if (layer.isView) {
        y = prev ? prev.y : -1;
        dy = prev ? prev.dy : -1;
      } else if (i < last) {
        y = alloc.f32(n, `${name}.out`);
        if (training) dy = alloc.f32(n, `${name}.dout`);
      }
      const ws = layer.workspace(alloc, B, training);
      spaces.push({ y, dy, ws, pass: { k: null as never, B, training, x: -1, y: -1, dx: null, dy: -1, ws } });
    });
    return spaces;
  }

  forward(p: Pass<ChildSpace[]>): void {
    const { ws } = p;
    let x = p.x;
    for (let i = 0; i < this.children.length; i++) {
      const c = ws[i]!;
      const y = i === this.children.length - 1 ? p.y : c.y < 0 ? x : c.y;
      const pass = c.pass;
      pass.k = p.k; pass.B = p.B; pass.training = p.training; pass.x = x; pass.y = y; pass.dx = null; pass.dy = -1;
      this.children[i]![1].forward(pass);
      x = y;
    }
  }

  backward(p: Pass<ChildSpace[]>): void {
    const { ws } = p;
    const last = this.children.length - 1;
    for (let i = last; i >= 0; i--) {
      const layer = this.children[i]![1];
      if (layer.isView) continue;
      const c = ws[i]!;
      const x = i === 0 ? p.x : this.outputOf(ws, i - 1, p);
      const dx = i === 0 ? p.dx : this.gradOf(ws, i - 1, p);
      const y = i === last ? p.y : c.y;
      const dy = i === last ? p.dy : c.dy;
      const pass = c.pass;
      pass.k = p.k; pass.B = p.B; pass.training = true; pass.x = x; pass.y = y; pass.dx = dx; pass.dy = dy;
      layer.backward(pass);
    }
  }

  /**
   * Every child's output that this workspace holds (views and the last child excluded: a view's output is its input,
   * the last child's is the caller's), in order, each followed by its own children's when it is a container.
   * An unnamed child is called by its first tensor (`embedding`), or else by its description.
   */
  override probes(ws: ChildSpace[], B: number, prefix: string): Probe[] {
    const out: Probe[] = [];
    const last = this.children.length - 1;
    this.children.forEach(([name, layer], i) => {
      const path = joinName(prefix, name || ([...this.owned[i]!.keys()][0] ?? layer.describe()));
      const c = ws[i]!;
      if (!layer.isView && i < last) out.push({ name: path, layer, y: c.y, dy: c.dy, n: B * sizeOf(this.shapes[i + 1]!) });
      out.push(...layer.probes(c.ws, B, joinName(prefix, name)));
    });
    return out;
  }

  /** The activation after child i (a view's is its input's). */
  private outputOf(ws: ChildSpace[], i: number, p: Pass<ChildSpace[]>): number {
    const y = ws[i]!.y;
    return y < 0 ? p.x : y;
  }

  private gradOf(ws: ChildSpace[], i: number, p: Pass<ChildSpace[]>): number | null {
    const dy = ws[i]!.dy;
    return dy < 0 ? p.dx : dy;
  }
}
