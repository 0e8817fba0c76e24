/**
 * Initialization schemes of a Linear layer by name, as lecture 3 of makemore walks through them:
 * - `lecture` (the library's default): weights N(0, 1)·gain/√fanIn with tanh's gain 5/3 on hidden layers and ×0.1
 *   on the output layer (so the first loss is ≈ ln V); biases 0 (hidden layers before a BatchNorm have none);
 * - `kaiming`: N(0, 1)·gain/√fanIn with torch's calculate_gain of the nonlinearity that follows (tanh 5/3 for hidden
 *   layers, linear 1 for the output); biases 0;
 * - `xavier`: Glorot uniform ±gain·√(6/(fanIn + fanOut)) with the same gains; biases 0;
 * - `naive`: every weight and bias N(0, 1), the lecture's starting point (first loss far above ln V, tanh saturated).
 * A `scale` overrides the scheme for one layer, as the lecture's fixes do: output weights N(0, 1)·scale with bias 0
 * ("softmax confidently wrong"), hidden weights N(0, 1)·scale with biases N(0, 1)·0.01 ("tanh too saturated"; a
 * scale of 0 gives zero biases too).
 */
import { calculateGain, fanInInit, normalInit, xavierUniformInit, zeros, type Nonlinearity } from './init.ts';
import type { Init } from './layer.ts';
import type { LinearOptions } from './linear.ts';

/** The scheme names, as `--init` accepts them. */
export const INIT_SCHEMES = ['lecture', 'kaiming', 'xavier', 'naive'] as const;
export type InitScheme = (typeof INIT_SCHEMES)[number];

/** The lecture's output-layer factor on top of 1/√fanIn. */
const LECTURE_OUTPUT_GAIN = 0.1;
/** The lecture's hidden-bias factor when it rescales hidden layers by hand. */
const HIDDEN_BIAS_SCALE = 0.01;

/** Checks a scheme name; the message lists the schemes. */
export function checkInitScheme(v: unknown, who: string): InitScheme {
  if (!(INIT_SCHEMES as readonly unknown[]).includes(v)) {
    throw new Error(`${who}: init must be one of ${INIT_SCHEMES.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as InitScheme;
}

/**
 * The weight and bias initialization of a Linear under a scheme: `role` says whether a tanh follows (hidden) or
 * the logits come out (output); `scale`, when not null, is the lecture's hand-set factor for this layer.
 */
export function linearInit(scheme: InitScheme, role: 'hidden' | 'output', scale: number | null = null): Pick<LinearOptions, 'weightInit' | 'biasInit'> {
  const nonlinearity: Nonlinearity = role === 'hidden' ? 'tanh' : 'linear';
  const gain = calculateGain(nonlinearity);
  const constant = (init: Init) => () => init;
  if (scale !== null) {
    const bias = role === 'hidden' && scale > 0 ? normalInit(HIDDEN_BIAS_SCALE) : zeros;
    return { weightInit: constant(normalInit(scale)), biasInit: constant(bias) };
  }
  switch (scheme) {
    case 'lecture':
      return { weightInit: (fanIn) => fanInInit(role === 'hidden' ? gain : LECTURE_OUTPUT_GAIN, fanIn), biasInit: constant(zeros) };
    case 'kaiming':
      return { weightInit: (fanIn) => fanInInit(gain, fanIn), biasInit: constant(zeros) };
    case 'xavier':
      return { weightInit: (fanIn, fanOut) => xavierUniformInit(gain, fanIn, fanOut), biasInit: constant(zeros) };
    case 'naive':
      return { weightInit: constant(normalInit(1)), biasInit: constant(normalInit(1)) };
  }
}
