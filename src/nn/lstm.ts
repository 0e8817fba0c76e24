/**
 * The LSTM cell (Hochreiter & Schmidhuber 1997, in the form of Graves 2014 without peepholes):
 *   [i | f | g | o] = [x; h]·W + b,  c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g),  h_t = σ(o) ⊙ tanh(c_t),
 * with learned start states h_0 (`start`) and c_0 (`startCell`), both zeros at first. W [E+H, 4H] and b [4H] are
 * initialized as one nn.Linear(E + H, 4H) (U(±1/√(E+H))), like the RNN and GRU cells here.
 *
 * Forget-gate bias: the f block of b starts at 1, not near 0 (Gers et al. 2000; Jozefowicz et al. 2015). With
 * σ(0) = 0.5 the cell would halve its memory at every position at first, so the gradient reaching the early characters
 * of a word through c shrinks like 0.5^t; with σ(1) ≈ 0.73 it carries over the ~7 characters of a name from the start.
 */
import type { Kernels, Ptr } from '../backend/kernels.ts';
import type { Rng } from '../rng.ts';
import { zeros } from './init.ts';
import type { Allocator, Init, TensorSpec } from './layer.ts';
import { RecurrentCell, uniformInit, type CellSpace } from './recurrent-cell.ts';

interface LstmSpace extends CellSpace {
  /** [T, B, 4H]: pre-activations of i | f | g | o, then (in place) the gates. */
  gates: Ptr;
  /** Cell states [T+1, B, H] (slot 0 the start) and tanh(c_t) [T, B, H]. */
  c: Ptr;
  tc: Ptr;
  /** Training: gradients of the gate pre-activations [T, B, 4H], and dL/dc carried back one step [B, H]. */
  dgates: Ptr;
  dc: Ptr;
}

/** The forget-gate bias at initialization (see the module comment). */
export const LSTM_FORGET_BIAS = 1;

export class LSTMCell extends RecurrentCell<LstmSpace> {
  constructor(hidden: number) {
    super('LSTMCell', hidden);
  }

  describe(): string {
    return `LSTMCell(${this.E || '?'} → ${this.hidden})`;
  }

  protected params(E: number, H: number): TensorSpec[] {
    const uniform = uniformInit(1 / Math.sqrt(E + H));
    let i = 0;
    // called once per element in storage order: the f block (elements H..2H−1) is the constant, the rest uniform
    const biasInit: Init = (rng: Rng) => {
      const block = Math.floor((i++ % (4 * H)) / H);
      return block === 1 ? LSTM_FORGET_BIAS : uniform(rng);
    };
    return [
      ...this.linearSpecs('', E, H, 4 * H, biasInit),
      { name: 'start', shape: [H], init: zeros },
      { name: 'startCell', shape: [H], init: zeros },
    ];
  }

  protected space(alloc: Allocator, B: number, T: number, training: boolean): LstmSpace {
    const n = T * B * this.hidden;
    return {
      ...this.common(alloc, B, T, training),
      gates: alloc.f32(4 * n, 'lstm.gates'),
      c: alloc.f32(n + B * this.hidden, 'lstm.c'),
      tc: alloc.f32(n, 'lstm.tc'),
      dgates: training ? alloc.f32(4 * n, 'lstm.dgates') : 0,
      dc: training ? alloc.f32(B * this.hidden, 'lstm.dc') : 0,
    };
  }

  protected override start(k: Kernels, s: LstmSpace, B: number): void {
    super.start(k, s, B);
    k.zero(s.c, B * this.hidden);
    k.addBias(s.c, this.tensor('startCell').ptr, B, this.hidden);
  }

  protected override carried(s: LstmSpace): Ptr[] {
    return [s.h, s.c];
  }

  protected override carry(k: Kernels, s: LstmSpace, B: number): void {
    super.carry(k, s, B);
    k.copy(s.c, s.c + B * this.hidden * 4, B * this.hidden);
  }

  protected project(k: Kernels, s: LstmSpace, B: number, T: number): void {
    const H = this.hidden;
    k.matmul(s.gates, s.xT, this.halves('weight', 4 * H).wx, T * B, this.E, 4 * H, false);
    k.addBias(s.gates, this.tensor('bias').ptr, T * B, 4 * H);
  }

  protected stepForward(k: Kernels, s: LstmSpace, B: number, t: number): void {
    const H = this.hidden, step = B * H * 4;
    const gates = s.gates + 4 * t * step, h = s.h + t * step, c = s.c + t * step;
    k.matmul(gates, h, this.halves('weight', 4 * H).wh, B, H, 4 * H, true);
    k.lstmCellForward(c + step, s.tc + t * step, h + step, gates, c, B, H);
  }

  protected backwardSteps(k: Kernels, s: LstmSpace, B: number, T: number, needDx: boolean): void {
    const H = this.hidden, E = this.E, step = B * H * 4;
    const w = this.halves('weight', 4 * H);
    k.zero(s.dc, B * H); // nothing reaches c_T from later steps
    for (let t = T - 1; t >= 0; t--) {
      const dgates = s.dgates + 4 * t * step;
      k.lstmCellBackward(dgates, s.dc, s.dc, s.dh + (t + 1) * step, s.gates + 4 * t * step, s.tc + t * step, s.c + t * step, B, H);
      k.matmulNT(s.dh + t * step, dgates, w.wh, B, 4 * H, H, true);
    }
    k.biasBackward(this.grad('startCell'), s.dc, B, H, true); // s.dc now holds dL/dc_0
    k.matmulTN(w.dwh, s.h, s.dgates, H, T * B, 4 * H, true);
    k.matmulTN(w.dwx, s.xT, s.dgates, E, T * B, 4 * H, true);
    k.biasBackward(this.grad('bias'), s.dgates, T * B, 4 * H, true);
    if (needDx) k.matmulNT(s.dxT, s.dgates, w.wx, T * B, 4 * H, E, false);
  }
}
