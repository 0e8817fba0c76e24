/**
 * The demo page: reads the controls, hands the words and the configuration to the training worker, and shows what
 * comes back (loss curve, figures, samples, bigram heatmap). All the numbers are computed in the worker, by the
 * library bundle; this thread only draws, so the page stays responsive while a model trains.
 *
 * For tests and the curious, `window.makemoreDemo` holds the last run's exact results (see {@link DemoState}, in
 * demo-state.ts).
 */
import { defaultNames } from '../src/data/default-names.ts';
import { LR_DECAY_RULE } from '../src/lr-schedule.ts';
import { LossChart } from './chart.ts';
import { DiagnosticsPanel } from './diagnostics-panel.ts';
import type { DemoState } from './demo-state.ts';
import type { FromWorker, Kind, RunConfig, ToWorker } from './protocol.ts';
import { readConfig, setKindDefaults } from './config-form.ts';
import { finishedText, showFigures, showHeatmap, showSamples } from './results-view.ts';
import { createWordsPanel } from './words-panel.ts';

export type { DemoState } from './demo-state.ts';

/** How many words each sampling shows. */
const SAMPLE_COUNT = 20;

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo: element #${id} is missing from the page`);
  return el as T;
};

const ui = {
  words: $<HTMLTextAreaElement>('words'),
  file: $<HTMLInputElement>('file'),
  dataStatus: $('data-status'),
  kind: $<HTMLSelectElement>('kind'),
  train: $<HTMLButtonElement>('train'),
  stop: $<HTMLButtonElement>('stop'),
  resume: $<HTMLButtonElement>('resume'),
  trainStatus: $('train-status'),
  temperature: $<HTMLInputElement>('temperature'),
  temperatureValue: $<HTMLOutputElement>('temperature-value'),
  sample: $<HTMLButtonElement>('sample'),
  samples: $<HTMLOListElement>('samples'),
  heatmap: $('heatmap'),
  figStep: $('fig-step'),
  figTrain: $('fig-train'),
  figDev: $('fig-dev'),
  figSpeed: $('fig-speed'),
  nllTrain: $('nll-train'),
  nllDev: $('nll-dev'),
  nllTest: $('nll-test'),
};
const sources = Array.from(document.querySelectorAll<HTMLInputElement>('input[name=source]'));

const state: DemoState = {
  status: 'idle',
  config: null,
  step: 0,
  losses: [],
  trainLoss: Number.NaN,
  devLoss: Number.NaN,
  testLoss: Number.NaN,
  stepsPerSecond: 0,
  samples: [],
  sampleSeed: 0,
  temperature: 1,
  error: '',
};
window.makemoreDemo = state;

const chart = new LossChart($('loss-chart'));
const diagnostics = new DiagnosticsPanel($('diag-activations'), $('diag-updates'), $('diag-status'));
const words = createWordsPanel({
  words: ui.words, file: ui.file, status: ui.dataStatus, sources, defaultText: defaultNames().join('\n'), setStatus,
});
let worker = startWorker();

function startWorker(): Worker {
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  w.onmessage = (event: MessageEvent<FromWorker>) => onMessage(event.data);
  w.onerror = (event) => fail(`The training worker failed: ${event.message || 'unknown error'}`);
  return w;
}

function post(message: ToWorker): void {
  worker.postMessage(message);
}

/** Shows a message in a status line, replacing the one before (tone: plain, error or ok). */
function setStatus(el: HTMLElement, message: string, tone: 'info' | 'error' | 'ok' = 'info'): void {
  el.textContent = message;
  el.className = `status${tone === 'info' ? '' : ` ${tone}`}`;
}

function setRunStatus(status: DemoState['status']): void {
  state.status = status;
  document.body.dataset.status = status;
  const trained = state.config?.kind !== 'ngram';
  ui.train.disabled = status === 'training';
  ui.stop.disabled = status !== 'training';
  ui.resume.disabled = status !== 'stopped' || !trained;
  ui.sample.disabled = !(status === 'stopped' || status === 'done');
  ui.kind.disabled = status === 'training';
}

/** A failed run; a problem with the word list is shown in the Words panel, anything else under Train. */
function fail(message: string, about: 'words' | 'run' = 'run'): void {
  state.error = message;
  setRunStatus('error');
  if (about === 'words') {
    setStatus(ui.dataStatus, message, 'error');
    setStatus(ui.trainStatus, '');
  } else {
    setStatus(ui.trainStatus, message, 'error');
  }
}

function onMessage(msg: FromWorker): void {
  switch (msg.type) {
    case 'ready':
      document.body.dataset.worker = 'ready';
      break;
    case 'data': {
      const chars = msg.vocab;
      setStatus(
        ui.dataStatus,
        `${msg.words.toLocaleString('en-US')} words, ${chars.length} characters (with '.'): ` +
          `${msg.train.toLocaleString('en-US')} train / ${msg.dev.toLocaleString('en-US')} dev / ` +
          `${msg.test.toLocaleString('en-US')} test.`,
        'ok',
      );
      showHeatmap(ui.heatmap, chars, msg.bigrams);
      break;
    }
    case 'progress':
      state.step = msg.step;
      state.stepsPerSecond = msg.stepsPerSecond;
      for (const p of msg.train) state.losses.push(p.loss);
      if (msg.train.length) state.trainLoss = msg.train[msg.train.length - 1]!.loss;
      if (msg.dev.length) state.devLoss = msg.dev[msg.dev.length - 1]!.loss;
      chart.add(msg.train, msg.dev);
      showFigures(ui, state);
      setStatus(ui.trainStatus, `Training… step ${msg.step.toLocaleString('en-US')} of ${msg.steps.toLocaleString('en-US')}.`);
      break;
    case 'samples':
      state.samples = msg.words;
      state.sampleSeed = msg.seed;
      state.temperature = msg.temperature;
      showSamples(ui.samples, msg.words);
      break;
    case 'finished':
      state.step = msg.step;
      state.trainLoss = msg.trainLoss;
      state.devLoss = msg.devLoss;
      state.testLoss = msg.testLoss;
      state.stepsPerSecond = msg.stepsPerSecond;
      showFigures(ui, state);
      setRunStatus(msg.stopped ? 'stopped' : 'done');
      setStatus(ui.trainStatus, finishedText(msg, state.config?.kind), 'ok');
      break;
    case 'diagnostics':
      diagnostics.show(msg.step, msg.diagnostics);
      break;
    case 'error':
      fail(msg.message, msg.about);
      break;
  }
}

function onTrain(): void {
  let config: RunConfig;
  // a new attempt: no message of an earlier one may stay next to the new outcome
  setStatus(ui.trainStatus, '');
  const text = words.check();
  if (text === null) return;
  try {
    config = readConfig(ui.kind.value as Kind);
  } catch (e) {
    setStatus(ui.trainStatus, (e as Error).message, 'error');
    return;
  }
  if (state.status === 'error') {
    // a worker that threw may be in any state: start from a fresh one
    worker.terminate();
    worker = startWorker();
  }
  Object.assign(state, {
    config, step: 0, losses: [], trainLoss: Number.NaN, devLoss: Number.NaN, testLoss: Number.NaN, stepsPerSecond: 0, samples: [], error: '',
  });
  document.body.dataset.runKind = config.kind;
  state.sampleSeed = config.seed;
  requestedSeed = config.seed;
  ui.samples.replaceChildren();
  showFigures(ui, state);
  chart.reset(config.kind === 'ngram' ? 1 : config.steps);
  diagnostics.reset(config.kind === 'mlp' || config.kind === 'wavenet');
  setRunStatus('training');
  setStatus(ui.trainStatus, config.kind === 'ngram' ? 'Counting…' : 'Starting…');
  post({ type: 'train', text, config, temperature: Number(ui.temperature.value) });
}

/** The seed of the last sample request: state.sampleSeed changes only when the words arrive, so it always matches them. */
let requestedSeed = 0;

function onSample(): void {
  requestedSeed = Math.max(requestedSeed, state.sampleSeed) + 1;
  post({ type: 'sample', count: SAMPLE_COUNT, seed: requestedSeed, temperature: Number(ui.temperature.value) });
}

ui.kind.addEventListener('change', () => {
  const kind = ui.kind.value as Kind;
  document.body.dataset.kind = kind;
  setKindDefaults(kind);
});
ui.train.addEventListener('click', onTrain);
ui.stop.addEventListener('click', () => post({ type: 'stop' }));
ui.resume.addEventListener('click', () => {
  setRunStatus('training');
  post({ type: 'resume' });
});
ui.sample.addEventListener('click', onSample);
ui.temperature.addEventListener('input', () => (ui.temperatureValue.value = Number(ui.temperature.value).toFixed(2)));
ui.temperature.addEventListener('change', () => {
  if (!ui.sample.disabled) post({ type: 'sample', count: SAMPLE_COUNT, seed: state.sampleSeed, temperature: Number(ui.temperature.value) });
});
$('lr-rule').textContent = `Learning rate: ${LR_DECAY_RULE}.`;

document.body.dataset.kind = ui.kind.value;
words.useSource('default');
setRunStatus('idle');
