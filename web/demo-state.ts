/**
 * The state the demo page exposes on `window.makemoreDemo`: the last run's exact results, so that tests (and the
 * curious) compare the worker's float64 values rather than the rounded figures on the page.
 */
import type { RunConfig } from './protocol.ts';

/** What the page exposes on `window.makemoreDemo`, with the exact float64 values the worker sent. */
export interface DemoState {
  /** idle → training → stopped | done | error. */
  status: 'idle' | 'training' | 'stopped' | 'done' | 'error';
  config: RunConfig | null;
  step: number;
  /** Every step's minibatch loss (the neural bigram: its full-batch NLL, without the λ·mean(W²) penalty), in order. */
  losses: number[];
  trainLoss: number;
  devLoss: number;
  /** The n-gram model's test NLL (trained models: NaN; their test split is not evaluated here). */
  testLoss: number;
  stepsPerSecond: number;
  samples: string[];
  sampleSeed: number;
  temperature: number;
  error: string;
}

declare global {
  interface Window {
    makemoreDemo: DemoState;
  }
}
