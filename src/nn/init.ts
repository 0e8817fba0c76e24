/**
 * Initializations as {@link Init} functions: one value per element, drawn in storage order from the model's Rng.
 */
import type { Rng } from '../rng.ts';
import type { Init } from './layer.ts';

/** N(0, std²). */
export function normalInit(std: number): Init {
  return (rng: Rng) => rng.normal() * std;
}

/** N(0, 1)·gain/√fanIn (Kaiming-style with the activation's gain; the lecture uses 5/3 before tanh). */
export function fanInInit(gain: number, fanIn: number): Init {
  const std = gain / Math.sqrt(fanIn);
  return (rng: Rng) => rng.normal() * std;
}

/** Every element `value` (no draw). */
export function constantInit(value: number): Init {
  return () => value;
}

export const zeros: Init = constantInit(0);
export const ones: Init = constantInit(1);

/** U(−a, a) with a = gain·√(6 / (fanIn + fanOut)): Glorot/Xavier uniform (torch.nn.init.xavier_uniform_). */
export function xavierUniformInit(gain: number, fanIn: number, fanOut: number): Init {
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return (rng: Rng) => (2 * rng.next() - 1) * a;
}

/** The nonlinearities {@link calculateGain} knows. */
export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu';

/**
 * torch.nn.init.calculate_gain: the factor that keeps a layer's output variance near its input's through the
 * nonlinearity that follows — tanh 5/3, relu √2, linear and sigmoid 1.
 */
export function calculateGain(nonlinearity: Nonlinearity): number {
  switch (nonlinearity) {
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'linear':
    case 'sigmoid': return 1;
    default: throw new Error(`calculateGain: unknown nonlinearity ${JSON.stringify(nonlinearity)} (expected linear, sigmoid, tanh or relu)`);
  }
}
