/**
 * Drawing a run's results on the page: the figures, the line under Train when a run ends, the samples and the bigram
 * heatmap. The page's state stays in main.ts; these only write what they are given into the elements they are given.
 */
import { bigramHeatmapSvg } from '../src/plot/bigram-heatmap.ts';
import type { DemoState } from './demo-state.ts';
import type { FromWorker, Kind } from './protocol.ts';

/** The heatmap is readable up to this many characters (26 letters + `.` is the usual case). */
const MAX_HEATMAP_CHARS = 60;

const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : '–');

/** The elements of the figures: the training run's, and the NLL of each split the n-gram model shows. */
export interface FigureElements {
  figStep: HTMLElement;
  figTrain: HTMLElement;
  figDev: HTMLElement;
  figSpeed: HTMLElement;
  nllTrain: HTMLElement;
  nllDev: HTMLElement;
  nllTest: HTMLElement;
}

/** Shows the state's step, losses and speed in the figures. */
export function showFigures(ui: FigureElements, state: DemoState): void {
  ui.figStep.textContent = state.step.toLocaleString('en-US');
  ui.figTrain.textContent = fmt(state.trainLoss);
  ui.figDev.textContent = fmt(state.devLoss);
  ui.figSpeed.textContent = state.stepsPerSecond > 0 ? Math.round(state.stepsPerSecond).toLocaleString('en-US') : '–';
  // the exact values, for anyone (or any test) that wants to compare digits
  ui.figTrain.dataset.exact = String(state.trainLoss);
  ui.figDev.dataset.exact = String(state.devLoss);
  // the n-gram model is counted, not trained: its result is the NLL of each split
  ui.nllTrain.textContent = fmt(state.trainLoss);
  ui.nllDev.textContent = fmt(state.devLoss);
  ui.nllTest.textContent = fmt(state.testLoss);
}

/** The line under Train when a run of `kind` ends: steps for a trained model, the NLL of each split for counts. */
export function finishedText(msg: Extract<FromWorker, { type: 'finished' }>, kind: Kind | undefined): string {
  if (kind === 'ngram') {
    return `Counted the training words: mean NLL train ${fmt(msg.trainLoss)}, dev ${fmt(msg.devLoss)}, test ${fmt(msg.testLoss)}.`;
  }
  return msg.stopped
    ? `Stopped at step ${msg.step.toLocaleString('en-US')} of ${msg.steps.toLocaleString('en-US')}. Resume continues the run.`
    : `Done: ${msg.step.toLocaleString('en-US')} steps, dev loss ${fmt(msg.devLoss)}.`;
}

/** Lists the sampled words in `list`, replacing the ones before. */
export function showSamples(list: HTMLOListElement, words: string[]): void {
  list.replaceChildren(
    ...words.map((w) => {
      const li = document.createElement('li');
      li.textContent = w;
      li.title = w; // a long word wraps inside its column; the tooltip shows it whole
      return li;
    }),
  );
}

/** Draws the bigram counts of `chars` in `el`, or says why not when there are too many characters to read. */
export function showHeatmap(el: HTMLElement, chars: string[], counts: number[]): void {
  if (chars.length > MAX_HEATMAP_CHARS) {
    el.textContent = `The list uses ${chars.length} different characters; the heatmap shows up to ${MAX_HEATMAP_CHARS}.`;
    return;
  }
  // the plot module writes a standalone document; inline SVG wants just the <svg> element
  const svg = bigramHeatmapSvg({ chars, values: counts, mode: 'count', title: ' ' });
  el.innerHTML = svg.slice(svg.indexOf('<svg'));
}
