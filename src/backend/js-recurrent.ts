import type { Arena } from './arena.ts';
import type { Kernels, Ptr } from './kernels.ts';

/** The recurrent kernels (issue 14) of the kernel table in the plain TypeScript backend. */
export type RecurrentKernels = Pick<
  Kernels,
  | 'sigmoidForward' | 'sigmoidBackward' | 'transposeBT' | 'gruGatesForward' | 'gruOutputForward' | 'gruOutputBackward'
  | 'gruGatesBackward' | 'lstmCellForward' | 'lstmCellBackward'
>;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * The recurrent kernels of the plain TypeScript backend (see `js.ts` and `assembly/recurrent.ts`): each element in
 * float64 from the float32 memory, rounded to float32 on store. Gate rows are B rows of D units per gate block, the
 * blocks side by side (GRU r | z, LSTM i | f | g | o).
 */
export function createJsRecurrent(arena: Arena): RecurrentKernels {
  function sigmoidForward(y: Ptr, x: Ptr, n: number): void {
    const F = arena.F32;
    const Y = y >>> 2, X = x >>> 2;
    for (let i = 0; i < n; i++) F[Y + i] = sigmoid(F[X + i]!);
  }

  function sigmoidBackward(dx: Ptr, dy: Ptr, y: Ptr, n: number, accumulate: boolean): void {
    const F = arena.F32;
    const DX = dx >>> 2, DY = dy >>> 2, Y = y >>> 2;
    for (let i = 0; i < n; i++) {
      const s = F[Y + i]!;
      const g = F[DY + i]! * s * (1 - s);
      F[DX + i] = accumulate ? F[DX + i]! + g : g;
    }
  }

  function transposeBT(dst: Ptr, src: Ptr, B: number, T: number, D: number): void {
    const F = arena.F32;
    const Dst = dst >>> 2, Src = src >>> 2;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) F.copyWithin(Dst + (t * B + b) * D, Src + (b * T + t) * D, Src + (b * T + t + 1) * D);
    }
  }

  function gruGatesForward(rz: Ptr, hr: Ptr, hprev: Ptr, B: number, D: number): void {
    const F = arena.F32;
    const RZ = rz >>> 2, HR = hr >>> 2, HP = hprev >>> 2;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < D; j++) {
        const ri = RZ + 2 * b * D + j, zi = ri + D;
        F[ri] = sigmoid(F[ri]!);
        F[zi] = sigmoid(F[zi]!);
        F[HR + b * D + j] = F[ri]! * F[HP + b * D + j]!;
      }
    }
  }

  function gruOutputForward(h: Ptr, n: Ptr, rz: Ptr, hprev: Ptr, B: number, D: number): void {
    const F = arena.F32;
    const H = h >>> 2, N = n >>> 2, RZ = rz >>> 2, HP = hprev >>> 2;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < D; j++) {
        const i = b * D + j;
        const nv = (F[N + i] = Math.tanh(F[N + i]!));
        const z = F[RZ + 2 * b * D + D + j]!, hp = F[HP + i]!;
        F[H + i] = (1 - z) * hp + z * nv;
      }
    }
  }

  function gruOutputBackward(dn: Ptr, drz: Ptr, dhprev: Ptr, n: Ptr, rz: Ptr, hprev: Ptr, dh: Ptr, B: number, D: number): void {
    const F = arena.F32;
    const DN = dn >>> 2, DRZ = drz >>> 2, DHP = dhprev >>> 2, N = n >>> 2, RZ = rz >>> 2, HP = hprev >>> 2, DH = dh >>> 2;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < D; j++) {
        const i = b * D + j, zi = 2 * b * D + D + j;
        const g = F[DH + i]!, nv = F[N + i]!, z = F[RZ + zi]!, hp = F[HP + i]!;
        F[DN + i] = g * z * (1 - nv * nv);
        F[DRZ + zi] = g * (nv - hp) * z * (1 - z);
        F[DHP + i] += g * (1 - z);
      }
    }
  }

  function gruGatesBackward(drz: Ptr, dhprev: Ptr, dhr: Ptr, rz: Ptr, hprev: Ptr, B: number, D: number): void {
    const F = arena.F32;
    const DRZ = drz >>> 2, DHP = dhprev >>> 2, DHR = dhr >>> 2, RZ = rz >>> 2, HP = hprev >>> 2;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < D; j++) {
        const i = b * D + j, ri = 2 * b * D + j;
        const g = F[DHR + i]!, r = F[RZ + ri]!;
        F[DRZ + ri] = g * F[HP + i]! * r * (1 - r);
        F[DHP + i] += g * r;
      }
    }
  }

  function lstmCellForward(c: Ptr, tc: Ptr, h: Ptr, gates: Ptr, cprev: Ptr, B: number, D: number): void {
    const F = arena.F32;
    const C = c >>> 2, TC = tc >>> 2, H = h >>> 2, G = gates >>> 2, CP = cprev >>> 2;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < D; j++) {
        const k = G + 4 * b * D + j, i = b * D + j;
        const ig = (F[k] = sigmoid(F[k]!));
        const fg = (F[k + D] = sigmoid(F[k + D]!));
        const gg = (F[k + 2 * D] = Math.tanh(F[k + 2 * D]!));
        const og = (F[k + 3 * D] = sigmoid(F[k + 3 * D]!));
        const cv = (F[C + i] = fg * F[CP + i]! + ig * gg);
        const t = (F[TC + i] = Math.tanh(cv));
        F[H + i] = og * t;
      }
    }
  }

  function lstmCellBackward(dgates: Ptr, dcprev: Ptr, dc: Ptr, dh: Ptr, gates: Ptr, tc: Ptr, cprev: Ptr, B: number, D: number): void {
    const F = arena.F32;
    const DG = dgates >>> 2, DCP = dcprev >>> 2, DC = dc >>> 2, DH = dh >>> 2, G = gates >>> 2, TC = tc >>> 2, CP = cprev >>> 2;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < D; j++) {
        const k = 4 * b * D + j, i = b * D + j;
        const ig = F[G + k]!, fg = F[G + k + D]!, gg = F[G + k + 2 * D]!, og = F[G + k + 3 * D]!;
        const t = F[TC + i]!, gh = F[DH + i]!;
        const d = F[DC + i]! + gh * og * (1 - t * t);
        F[DG + k] = d * gg * ig * (1 - ig);
        F[DG + k + D] = d * F[CP + i]! * fg * (1 - fg);
        F[DG + k + 2 * D] = d * ig * (1 - gg * gg);
        F[DG + k + 3 * D] = gh * t * og * (1 - og);
        F[DCP + i] = d * fg;
      }
    }
  }

  return {
    sigmoidForward, sigmoidBackward, transposeBT, gruGatesForward, gruOutputForward, gruOutputBackward, gruGatesBackward,
    lstmCellForward, lstmCellBackward,
  };
}
