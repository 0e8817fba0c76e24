/**
 * The demo's live diagnostics panel: the activation histogram of every tanh layer (mean, std, saturation in the
 * legend) at the latest diagnostics step, and the update:data ratio of every weight matrix over the steps with the
 * lecture's guide line at −3. The figures are the ones `makemore plot --log` writes, drawn from the diagnostics the
 * worker computes (src/plot/diagnostics.ts), inlined as SVG.
 */
import type { Diagnostics } from '../src/nn/diagnostics.ts';
import { activationsSvg, updatesSvg } from '../src/plot/diagnostics.ts';

/** What the panel keeps of each diagnostics step: enough for the update:data chart. */
interface Point {
  step: number;
  diagnostics: Diagnostics;
}

/** Inline SVG wants the <svg> element, not the standalone document around it. */
const inline = (svg: string): string => svg.slice(svg.indexOf('<svg'));

export class DiagnosticsPanel {
  private history: Point[] = [];

  constructor(
    private readonly activations: HTMLElement,
    private readonly updates: HTMLElement,
    private readonly status: HTMLElement,
  ) {
    this.reset();
  }

  /** Empties the panel for a new run; `enabled` says whether this model kind has layers to diagnose. */
  reset(enabled = true): void {
    this.history = [];
    this.activations.replaceChildren();
    this.updates.replaceChildren();
    this.status.textContent = enabled
      ? 'Diagnostics appear while the model trains: the tanh layers’ outputs, and how big each update is next to its weights.'
      : 'Diagnostics are for the models built of layers (MLP, WaveNet).';
  }

  /** Shows one diagnostics step (the histograms are replaced, the update:data chart grows). */
  show(step: number, d: Diagnostics): void {
    this.history.push({ step, diagnostics: d });
    this.activations.innerHTML = inline(activationsSvg(d, `Activations at step ${step.toLocaleString('en-US')}`));
    this.updates.innerHTML = inline(updatesSvg(this.history, 'Update:data ratio (log10)'));
    const tanh = d.activations.filter((a) => a.saturation !== null);
    const worst = tanh.reduce((m, a) => Math.max(m, a.saturation!), 0);
    this.status.textContent = tanh.length === 0
      ? ''
      : `Step ${step.toLocaleString('en-US')}: up to ${(100 * worst).toFixed(1)}% of a tanh layer’s outputs are saturated (|t| > 0.97)` +
        (worst > 0.2 ? ' — those units barely learn: their gradient is multiplied by 1 − t² ≈ 0.' : '.');
  }

  /** The diagnostics shown so far, for tests. */
  get steps(): readonly Point[] {
    return this.history;
  }
}
