/**
 * FlattenConsecutive(n) of lecture part 5: [T, C] → [T/n, C·n], fusing n consecutive positions; when T/n is 1 the
 * result is [C·n]. Row-major memory does not change, so it is a view: no copy, no work.
 */
import { Layer, ShapeError, formatShape, positiveInt, type LayerSetup, type Pass, type Shape } from './layer.ts';

export class FlattenConsecutive extends Layer {
  readonly n: number;

  constructor(n: number) {
    super();
    this.n = positiveInt('FlattenConsecutive', 'n', n);
  }

  describe(): string {
    return `FlattenConsecutive(${this.n})`;
  }

  override get isView(): boolean {
    return true;
  }

  setup(input: Shape): LayerSetup {
    if (input.length !== 2 || input[0]! % this.n !== 0) {
      throw new ShapeError(`${this.describe()} needs [T, C] with T divisible by ${this.n}, got ${formatShape(input)}`);
    }
    const [T, C] = input as [number, number];
    const t = T / this.n;
    return { output: t === 1 ? [C * this.n] : [t, C * this.n] };
  }

  forward(_p: Pass): void {}

  backward(_p: Pass): void {}
}
