/**
 * The GRU cell of makemore.py (Cho et al. 2014):
 *   r = σ([x; h]·W_r + b_r),  z = σ([x; h]·W_z + b_z),  h̄ = tanh([x; r ⊙ h]·W_h̄ + b_h̄),  h_t = (1 − z) ⊙ h + z ⊙ h̄,
 * with a learned start state h_0. W_r and W_z sit side by side in `rz.weight` [E+H, 2H] (`rz.bias` [2H]) so both gates
 * take one matmul per step; `hbar.weight` [E+H, H] and `hbar.bias` [H]. Each block is initialized as makemore.py's
 * nn.Linear(E + H, H) (U(±1/√(E+H))), and the parameter count is makemore.py's.
 */
import type { Kernels, Ptr } from '../backend/kernels.ts';
import { zeros } from './init.ts';
import type { Allocator, TensorSpec } from './layer.ts';
import { RecurrentCell, type CellSpace } from './recurrent-cell.ts';

interface GruSpace extends CellSpace {
  /** [T, B, 2H]: pre-activations of r | z, then (in place) the gates. */
  rz: Ptr;
  /** [T, B, H]: pre-activation of h̄, then h̄. */
  n: Ptr;
  /** [T, B, H]: r ⊙ h_{t−1}, the input of W_h̄'s recurrent half. */
  hr: Ptr;
  /** Training: gradients of the rz and n pre-activations, and the step's dL/d(r ⊙ h) [B, H]. */
  drz: Ptr;
  dn: Ptr;
  dhr: Ptr;
}

export class GRUCell extends RecurrentCell<GruSpace> {
  constructor(hidden: number) {
    super('GRUCell', hidden);
  }

  describe(): string {
    return `GRUCell(${this.E || '?'} → ${this.hidden})`;
  }

  protected params(E: number, H: number): TensorSpec[] {
    return [...this.linearSpecs('rz.', E, H, 2 * H), ...this.linearSpecs('hbar.', E, H, H), { name: 'start', shape: [H], init: zeros }];
  }

  protected space(alloc: Allocator, B: number, T: number, training: boolean): GruSpace {
    const n = T * B * this.hidden;
    const f = (count: number, what: string): Ptr => (training ? alloc.f32(count, what) : 0);
    return {
      ...this.common(alloc, B, T, training),
      rz: alloc.f32(2 * n, 'gru.rz'), n: alloc.f32(n, 'gru.n'), hr: alloc.f32(n, 'gru.hr'),
      drz: f(2 * n, 'gru.drz'), dn: f(n, 'gru.dn'), dhr: f(B * this.hidden, 'gru.dhr'),
    };
  }

  protected project(k: Kernels, s: GruSpace, B: number, T: number): void {
    const H = this.hidden, E = this.E;
    k.matmul(s.rz, s.xT, this.halves('rz.weight', 2 * H).wx, T * B, E, 2 * H, false);
    k.addBias(s.rz, this.tensor('rz.bias').ptr, T * B, 2 * H);
    k.matmul(s.n, s.xT, this.halves('hbar.weight', H).wx, T * B, E, H, false);
    k.addBias(s.n, this.tensor('hbar.bias').ptr, T * B, H);
  }

  protected stepForward(k: Kernels, s: GruSpace, B: number, t: number): void {
    const H = this.hidden, step = B * H * 4;
    const h = s.h + t * step, rz = s.rz + 2 * t * step, n = s.n + t * step, hr = s.hr + t * step;
    k.matmul(rz, h, this.halves('rz.weight', 2 * H).wh, B, H, 2 * H, true);
    k.gruGatesForward(rz, hr, h, B, H);
    k.matmul(n, hr, this.halves('hbar.weight', H).wh, B, H, H, true);
    k.gruOutputForward(h + step, n, rz, h, B, H);
  }

  protected backwardSteps(k: Kernels, s: GruSpace, B: number, T: number, needDx: boolean): void {
    const H = this.hidden, E = this.E, step = B * H * 4;
    const wrz = this.halves('rz.weight', 2 * H), wn = this.halves('hbar.weight', H);
    for (let t = T - 1; t >= 0; t--) {
      const h = s.h + t * step, dh = s.dh + t * step, rz = s.rz + 2 * t * step, drz = s.drz + 2 * t * step;
      const n = s.n + t * step, dn = s.dn + t * step;
      k.gruOutputBackward(dn, drz, dh, n, rz, h, dh + step, B, H);
      k.matmulNT(s.dhr, dn, wn.wh, B, H, H, false);
      k.gruGatesBackward(drz, dh, s.dhr, rz, h, B, H);
      k.matmulNT(dh, drz, wrz.wh, B, 2 * H, H, true);
    }
    k.matmulTN(wrz.dwh, s.h, s.drz, H, T * B, 2 * H, true);
    k.matmulTN(wn.dwh, s.hr, s.dn, H, T * B, H, true);
    k.matmulTN(wrz.dwx, s.xT, s.drz, E, T * B, 2 * H, true);
    k.matmulTN(wn.dwx, s.xT, s.dn, E, T * B, H, true);
    k.biasBackward(this.grad('rz.bias'), s.drz, T * B, 2 * H, true);
    k.biasBackward(this.grad('hbar.bias'), s.dn, T * B, H, true);
    if (needDx) {
      k.matmulNT(s.dxT, s.drz, wrz.wx, T * B, 2 * H, E, false);
      k.matmulNT(s.dxT, s.dn, wn.wx, T * B, H, E, true);
    }
  }
}
