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
