/** Tanh: y = tanh(x) elementwise; backward dx = dy·(1 − y²) from the saved output. */
import { Layer, sizeOf, type LayerSetup, type Pass, type Shape } from './layer.ts';

export class Tanh extends Layer {
  private n = 0;

  describe(): string {
    return 'Tanh';
  }

  override get outputRange(): readonly [number, number] {
    return [-1, 1];
  }

  setup(input: Shape): LayerSetup {
    this.n = sizeOf(input);
    return { output: input };
  }

  forward({ k, B, x, y }: Pass): void {
    k.tanhForward(y, x, B * this.n);
  }

  backward({ k, B, y, dx, dy }: Pass): void {
    if (dx !== null) k.tanhBackward(dx, dy, y, B * this.n, false);
  }
}
