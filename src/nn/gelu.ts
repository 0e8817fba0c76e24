/** GELU, the tanh approximation makemore.py calls NewGELU: y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))); backward from x. */
import { Layer, sizeOf, type LayerSetup, type Pass, type Shape } from './layer.ts';

export class GELU extends Layer {
  private n = 0;

  describe(): string {
    return 'GELU';
  }

  setup(input: Shape): LayerSetup {
    this.n = sizeOf(input);
    return { output: input };
  }

  forward({ k, B, x, y }: Pass): void {
    k.geluForward(y, x, B * this.n);
  }

  backward({ k, B, x, dx, dy }: Pass): void {
    if (dx !== null) k.geluBackward(dx, dy, x, B * this.n);
  }
}
