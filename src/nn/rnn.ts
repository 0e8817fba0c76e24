/**
 * The vanilla RNN cell of makemore.py (Mikolov et al. 2010): h_t = tanh([x_t; h_{t−1}]·W + b), with a learned start
 * state h_0 (`start`, zeros at first). W [E+H, H] and b [H] are one nn.Linear(E + H, H), initialized as PyTorch does
 * (U(±1/√(E+H))), so the parameter count is makemore.py's.
 */
import type { Kernels, Ptr } from '../backend/kernels.ts';
import { zeros } from './init.ts';
import type { Allocator, TensorSpec } from './layer.ts';
import { RecurrentCell, type CellSpace } from './recurrent-cell.ts';

interface RnnSpace extends CellSpace {
  /** Pre-activations [T, B, H]; their gradients in training. */
  pre: Ptr;
  dpre: Ptr;
}

export class RNNCell extends RecurrentCell<RnnSpace> {
  constructor(hidden: number) {
    super('RNNCell', hidden);
  }

  describe(): string {
    return `RNNCell(${this.E || '?'} → ${this.hidden})`;
  }

  protected params(E: number, H: number): TensorSpec[] {
    return [...this.linearSpecs('', E, H, H), { name: 'start', shape: [H], init: zeros }];
  }

  protected space(alloc: Allocator, B: number, T: number, training: boolean): RnnSpace {
    const n = T * B * this.hidden;
    return { ...this.common(alloc, B, T, training), pre: alloc.f32(n, 'rnn.pre'), dpre: training ? alloc.f32(n, 'rnn.dpre') : 0 };
  }

  protected project(k: Kernels, s: RnnSpace, B: number, T: number): void {
    const H = this.hidden;
    k.matmul(s.pre, s.xT, this.halves('weight', H).wx, T * B, this.E, H, false);
    k.addBias(s.pre, this.tensor('bias').ptr, T * B, H);
  }

  protected stepForward(k: Kernels, s: RnnSpace, B: number, t: number): void {
    const H = this.hidden, step = B * H * 4;
    const pre = s.pre + t * step;
    k.matmul(pre, s.h + t * step, this.halves('weight', H).wh, B, H, H, true);
    k.tanhForward(s.h + (t + 1) * step, pre, B * H);
  }

  protected backwardSteps(k: Kernels, s: RnnSpace, B: number, T: number, needDx: boolean): void {
    const H = this.hidden, E = this.E, step = B * H * 4;
    const w = this.halves('weight', H);
    for (let t = T - 1; t >= 0; t--) {
      const dpre = s.dpre + t * step;
      k.tanhBackward(dpre, s.dh + (t + 1) * step, s.h + (t + 1) * step, B * H, false);
      k.matmulNT(s.dh + t * step, dpre, w.wh, B, H, H, true);
    }
    // every step's contribution to the shared weights at once: rows of all T·B (h_{t−1}, x_t) against dpre_t
    k.matmulTN(w.dwh, s.h, s.dpre, H, T * B, H, true);
    k.matmulTN(w.dwx, s.xT, s.dpre, E, T * B, H, true);
    k.biasBackward(this.grad('bias'), s.dpre, T * B, H, true);
    if (needDx) k.matmulNT(s.dxT, s.dpre, w.wx, T * B, H, E, false);
  }
}
