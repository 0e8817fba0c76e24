/**
 * Optimizers: how a Net turns gradients into an update of its parameter block. Each optimizer's state (momentum
 * buffer, Adam's moments) lives in the arena next to the parameters, is part of the NaN rollback and is saved in model
 * files, so a resumed run continues exactly. Both act on the whole contiguous parameter block in one kernel call,
 * out of place (`step`: the Net keeps the values before the update in its other copy and adopts the new ones only
 * when they are all finite).
 *
 * - `sgd({ momentum = 0, weightDecay = 0 })` as torch.optim.SGD: g' = g + wd·p; v = μ·v + g'; p −= lr·v (with μ = 0
 *   simply p −= lr·(g + wd·p), the lecture's update).
 * - `adamw({ beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01 })` as torch.optim.AdamW: decoupled decay
 *   p *= 1 − lr·wd, moments m, v with bias correction, p −= lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + eps).
 */
import type { Kernels, Ptr } from '../backend/kernels.ts';

/** SGD's options. */
export interface SgdOptions {
  momentum?: number;
  weightDecay?: number;
}

/** AdamW's options. */
export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** An optimizer as data: what `train({ optimizer })` accepts and what model files store. */
export type OptimizerSpec =
  | ({ kind: 'sgd' } & SgdOptions)
  | ({ kind: 'adamw' } & AdamWOptions);

/** The names accepted where an optimizer is asked for. */
export const OPTIMIZER_KINDS = ['sgd', 'adamw'] as const;
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];

/** A ready optimizer: its settings, how many state floats per parameter float it keeps, and its update. */
export interface Optimizer {
  readonly spec: Readonly<Required<OptimizerSpec>>;
  /** Floats of state per parameter float (0, 1 or 2). */
  readonly stateSlots: number;
  /** One update of the n parameter floats at `params` from `grads`; `state` holds stateSlots × n floats. */
  update(k: Kernels, params: Ptr, grads: Ptr, state: Ptr, n: number, lr: number, step: number): void;
  /**
   * The same update out of place: reads `params` and `state`, writes the new values to `outParams` and `outState`
   * (each may alias its input) and returns false when any new value is not finite. A Net uses it to keep the values
   * before the update without copying them; without it the Net copies, then calls {@link Optimizer.update}.
   */
  step?(k: Kernels, outParams: Ptr, params: Ptr, grads: Ptr, outState: Ptr, state: Ptr, n: number, lr: number, step: number): boolean;
}

/** torch.optim.SGD (see the module comment). */
export function sgd(options: SgdOptions = {}): Optimizer {
  const who = 'sgd';
  checkKeys(who, options, ['momentum', 'weightDecay']);
  const momentum = unitNumber(who, 'momentum', options.momentum ?? 0, true);
  const weightDecay = nonNegative(who, 'weightDecay', options.weightDecay ?? 0);
  const spec = Object.freeze({ kind: 'sgd' as const, momentum, weightDecay });
  return {
    spec,
    stateSlots: momentum > 0 ? 1 : 0,
    update(k, params, grads, state, n, lr) {
      if (momentum > 0) k.sgdMomentumUpdate(params, grads, state, n, lr, momentum, weightDecay);
      else k.sgdUpdate(params, grads, n, lr, weightDecay);
    },
    step(k, outParams, params, grads, outState, state, n, lr) {
      if (momentum > 0) return k.sgdMomentumStep(outParams, params, grads, outState, state, n, lr, momentum, weightDecay) === 1;
      return k.sgdStep(outParams, params, grads, n, lr, weightDecay) === 1;
    },
  };
}

/** torch.optim.AdamW (see the module comment). */
export function adamw(options: AdamWOptions = {}): Optimizer {
  const who = 'adamw';
  checkKeys(who, options, ['beta1', 'beta2', 'eps', 'weightDecay']);
  const beta1 = unitNumber(who, 'beta1', options.beta1 ?? 0.9, false);
  const beta2 = unitNumber(who, 'beta2', options.beta2 ?? 0.999, false);
  const eps = options.eps ?? 1e-8;
  if (typeof eps !== 'number' || !(eps > 0) || !Number.isFinite(eps)) throw new Error(`${who}: eps must be a finite number > 0, got ${String(eps)}`);
  const weightDecay = nonNegative(who, 'weightDecay', options.weightDecay ?? 0.01);
  const spec = Object.freeze({ kind: 'adamw' as const, beta1, beta2, eps, weightDecay });
  return {
    spec,
    stateSlots: 2,
    update(k, params, grads, state, n, lr, step) {
      k.adamwUpdate(params, grads, state, state + n * 4, n, lr, beta1, beta2, eps, weightDecay, step);
    },
    step(k, outParams, params, grads, outState, state, n, lr, step) {
      const v = n * 4; // the second moments follow the first
      return k.adamwStep(outParams, params, grads, outState, state, outState + v, state + v, n, lr, beta1, beta2, eps, weightDecay, step) === 1;
    },
  };
}

/** An optimizer from a name or a spec; errors name the unknown kind or option. */
export function makeOptimizer(spec: OptimizerKind | OptimizerSpec | Optimizer | undefined, who = 'optimizer'): Optimizer {
  if (spec === undefined) return sgd();
  if (typeof spec === 'object' && spec !== null && 'update' in spec && 'stateSlots' in spec) return spec;
  const { kind, ...options } = typeof spec === 'string' ? { kind: spec } : ((spec ?? {}) as OptimizerSpec);
  if (kind === 'sgd') return sgd(options as SgdOptions);
  if (kind === 'adamw') return adamw(options as AdamWOptions);
  throw new Error(`${who}: unknown optimizer ${JSON.stringify(kind)} (expected ${OPTIMIZER_KINDS.map((k) => `'${k}'`).join(' or ')})`);
}

function checkKeys(who: string, options: object, allowed: readonly string[]): void {
  if (typeof options !== 'object' || options === null) throw new Error(`${who}: options must be an object, got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new Error(`${who}: unknown option ${JSON.stringify(key)} (expected ${allowed.join(', ')})`);
  }
}

function unitNumber(who: string, name: string, v: unknown, closed: boolean): number {
  const ok = typeof v === 'number' && v >= 0 && (closed ? v <= 1 : v < 1);
  if (!ok) throw new Error(`${who}: ${name} must be a number in [0, 1${closed ? ']' : ')'}, got ${String(v)}`);
  return v as number;
}

function nonNegative(who: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new Error(`${who}: ${name} must be a finite number >= 0, got ${String(v)}`);
  return v;
}
