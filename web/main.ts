/**
 * The demo page: reads the controls, hands the words and the configuration to the training worker, and shows what
 * comes back (loss curve, figures, samples, bigram heatmap). All the numbers are computed in the worker, by the
 * library bundle; this thread only draws, so the page stays responsive while a model trains.
 *
 * For tests and the curious, `window.makemoreDemo` holds the last run's exact results (see {@link DemoState}).
 */
import { defaultNames } from '../src/data/default-names.ts';
import { bigramHeatmapSvg } from '../src/plot/bigram-heatmap.ts';
import { LossChart } from './chart.ts';
import type { FromWorker, Kind, RunConfig, ToWorker } from './protocol.ts';

/** Larger files are refused before reading: the demo trains in a browser tab, not on a corpus. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Pasted or uploaded lists with more words than this are refused (names.txt has 32,033). */
export const MAX_WORDS = 250_000;
/** The heatmap is readable up to this many characters (26 letters + `.` is the usual case). */
const MAX_HEATMAP_CHARS = 60;
/** How many words each sampling shows. */
const SAMPLE_COUNT = 20;
/** Training settings that suit each model: the neural bigram takes big full-batch steps, the MLP small minibatch ones. */
const KIND_DEFAULTS: Record<Kind, { steps: number; lr: number; decayStep: number; evalEvery: number }> = {
  ngram: { steps: 1, lr: 0.1, decayStep: 0, evalEvery: 1 },
  bigram: { steps: 300, lr: 50, decayStep: 0, evalEvery: 10 },
  mlp: { steps: 30_000, lr: 0.1, decayStep: 20_000, evalEvery: 1_000 },
  // recurrent (issue 14): makemore.py's AdamW settings (the worker takes the optimizer from the registry)
  rnn: { steps: 20_000, lr: 5e-4, decayStep: 0, evalEvery: 1_000 },
  gru: { steps: 20_000, lr: 5e-4, decayStep: 0, evalEvery: 1_000 },
  lstm: { steps: 20_000, lr: 5e-4, decayStep: 0, evalEvery: 1_000 },
};
const RECURRENT: readonly Kind[] = ['rnn', 'gru', 'lstm'];

/** What the page exposes on `window.makemoreDemo`, with the exact float64 values the worker sent. */
export interface DemoState {
  /** idle → training → stopped | done | error. */
  status: 'idle' | 'training' | 'stopped' | 'done' | 'error';
  config: RunConfig | null;
  step: number;
  /** Every step's minibatch loss (full-batch loss for the neural bigram), in order. */
  losses: number[];
  trainLoss: number;
  devLoss: number;
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
};
const sources = Array.from(document.querySelectorAll<HTMLInputElement>('input[name=source]'));

const state: DemoState = {
  status: 'idle',
  config: null,
  step: 0,
  losses: [],
  trainLoss: Number.NaN,
  devLoss: Number.NaN,
  stepsPerSecond: 0,
  samples: [],
  sampleSeed: 0,
  temperature: 1,
  error: '',
};
window.makemoreDemo = state;

const chart = new LossChart($('loss-chart'));
const defaultText = defaultNames().join('\n');
let customText = '';
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

function fail(message: string): void {
  state.error = message;
  setRunStatus('error');
  setStatus(ui.trainStatus, message, 'error');
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : '–');

function showFigures(): void {
  ui.figStep.textContent = state.step.toLocaleString('en-US');
  ui.figTrain.textContent = fmt(state.trainLoss);
  ui.figDev.textContent = fmt(state.devLoss);
  ui.figSpeed.textContent = state.stepsPerSecond > 0 ? Math.round(state.stepsPerSecond).toLocaleString('en-US') : '–';
  // the exact values, for anyone (or any test) that wants to compare digits
  ui.figTrain.dataset.exact = String(state.trainLoss);
  ui.figDev.dataset.exact = String(state.devLoss);
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
      showHeatmap(chars, msg.bigrams);
      break;
    }
    case 'progress':
      state.step = msg.step;
      state.stepsPerSecond = msg.stepsPerSecond;
      for (const p of msg.train) state.losses.push(p.loss);
      if (msg.train.length) state.trainLoss = msg.train[msg.train.length - 1]!.loss;
      if (msg.dev.length) state.devLoss = msg.dev[msg.dev.length - 1]!.loss;
      chart.add(msg.train, msg.dev);
      showFigures();
      setStatus(ui.trainStatus, `Training… step ${msg.step.toLocaleString('en-US')} of ${msg.steps.toLocaleString('en-US')}.`);
      break;
    case 'samples':
      state.samples = msg.words;
      state.sampleSeed = msg.seed;
      state.temperature = msg.temperature;
      ui.samples.replaceChildren(
        ...msg.words.map((w) => {
          const li = document.createElement('li');
          li.textContent = w;
          return li;
        }),
      );
      break;
    case 'finished':
      state.step = msg.step;
      state.trainLoss = msg.trainLoss;
      state.devLoss = msg.devLoss;
      state.stepsPerSecond = msg.stepsPerSecond;
      showFigures();
      setRunStatus(msg.stopped ? 'stopped' : 'done');
      setStatus(
        ui.trainStatus,
        msg.stopped
          ? `Stopped at step ${msg.step.toLocaleString('en-US')} of ${msg.steps.toLocaleString('en-US')}. Resume continues the run.`
          : `Done: ${msg.step.toLocaleString('en-US')} steps, dev loss ${fmt(msg.devLoss)}.`,
        'ok',
      );
      break;
    case 'error':
      fail(msg.message);
      break;
  }
}

function showHeatmap(chars: string[], counts: number[]): void {
  if (chars.length > MAX_HEATMAP_CHARS) {
    ui.heatmap.textContent = `The list uses ${chars.length} different characters; the heatmap shows up to ${MAX_HEATMAP_CHARS}.`;
    return;
  }
  // the plot module writes a standalone document; inline SVG wants just the <svg> element
  const svg = bigramHeatmapSvg({ chars, values: counts, mode: 'count', title: ' ' });
  ui.heatmap.innerHTML = svg.slice(svg.indexOf('<svg'));
}

function num(id: string, integer: boolean, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const input = $<HTMLInputElement>(id);
  const label = input.closest('label')?.firstChild?.textContent?.trim() ?? id;
  const v = Number(input.value);
  if (input.value.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    const what = integer ? 'an integer' : 'a number';
    throw new Error(`${label} must be ${what} from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, got '${input.value}'.`);
  }
  return v;
}

/** The configuration in the form, checked; throws a readable message naming the field. */
function readConfig(): RunConfig {
  const kind = ui.kind.value as Kind;
  return {
    kind,
    seed: num('seed', true, 0, 2 ** 31 - 1),
    order: num('order', true, 1, 5),
    smoothing: num('smoothing', false, 0),
    regularization: num('regularization', false, 0),
    blockSize: num('blockSize', true, 1, 16),
    embedDim: RECURRENT.includes(kind) ? num('rnnEmbed', true, 1, 256) : num('embedDim', true, 1, 128),
    hidden: RECURRENT.includes(kind) ? [num('rnnHidden', true, 1, 512)] : readHidden(),
    batchNorm: $<HTMLInputElement>('batchNorm').checked,
    steps: num('steps', true, 1, 10_000_000),
    batchSize: num('batchSize', true, 1, 4096),
    lr: num('lr', false, 0),
    decayStep: num('decayStep', true, 0),
    weightDecay: num('weightDecay', false, 0),
    evalEvery: num('evalEvery', true, 1),
  };
}

/** Hidden layer widths: comma-separated integers ('' is no hidden layer: a linear model of the embeddings). */
function readHidden(): number[] {
  const raw = $<HTMLInputElement>('hidden').value.trim();
  if (raw === '') return [];
  const widths = raw.split(/[\s,]+/).map(Number);
  if (widths.length > 4 || widths.some((w) => !Number.isInteger(w) || w < 1 || w > 1024)) {
    throw new Error(`Hidden layers must be up to 4 comma-separated widths from 1 to 1024, got '${raw}'.`);
  }
  return widths;
}

/** The word list in the text area, checked for the problems a person can fix. */
function readText(): string {
  const text = ui.words.value;
  const lines = text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '');
  if (lines.length === 0) {
    throw new Error('The word list is empty: paste one word per line, upload a text file, or pick the default names.');
  }
  if (lines.length > MAX_WORDS) {
    throw new Error(`The list has ${lines.length.toLocaleString('en-US')} words; the demo takes up to ${MAX_WORDS.toLocaleString('en-US')}.`);
  }
  if (lines.length < 10) {
    throw new Error(`The list has only ${lines.length} word${lines.length === 1 ? '' : 's'}: give at least 10, so that train and dev sets are not empty.`);
  }
  return text;
}

function onTrain(): void {
  let config: RunConfig;
  let text: string;
  try {
    text = readText();
  } catch (e) {
    setStatus(ui.dataStatus, (e as Error).message, 'error');
    return;
  }
  try {
    config = readConfig();
  } catch (e) {
    setStatus(ui.trainStatus, (e as Error).message, 'error');
    return;
  }
  if (state.status === 'error') {
    // a worker that threw may be in any state: start from a fresh one
    worker.terminate();
    worker = startWorker();
  }
  Object.assign(state, { config, step: 0, losses: [], trainLoss: Number.NaN, devLoss: Number.NaN, stepsPerSecond: 0, samples: [], error: '' });
  state.sampleSeed = config.seed;
  ui.samples.replaceChildren();
  showFigures();
  chart.reset(config.kind === 'ngram' ? 1 : config.steps);
  setRunStatus('training');
  setStatus(ui.trainStatus, config.kind === 'ngram' ? 'Counting…' : 'Starting…');
  post({ type: 'train', text, config, temperature: Number(ui.temperature.value) });
}

function onSample(): void {
  state.sampleSeed += 1;
  post({ type: 'sample', count: SAMPLE_COUNT, seed: state.sampleSeed, temperature: Number(ui.temperature.value) });
}

function useSource(source: 'default' | 'custom'): void {
  for (const r of sources) r.checked = r.value === source;
  if (source === 'default') {
    if (ui.words.value !== defaultText) customText = ui.words.value;
    ui.words.value = defaultText;
    setStatus(ui.dataStatus, `${defaultText.split('\n').length.toLocaleString('en-US')} English first names (built in).`);
  } else {
    ui.words.value = customText;
    setStatus(ui.dataStatus, customText ? '' : 'Paste one word per line, or upload a text file.');
  }
}

async function onFile(): Promise<void> {
  const file = ui.file.files?.[0];
  if (!file) return;
  if (file.size > MAX_FILE_BYTES) {
    const mb = (file.size / 1024 / 1024).toFixed(1);
    setStatus(ui.dataStatus, `'${file.name}' is ${mb} MB; the demo accepts files up to ${MAX_FILE_BYTES / 1024 / 1024} MB.`, 'error');
    ui.file.value = '';
    return;
  }
  const text = await file.text();
  customText = text;
  useSource('custom');
  const n = text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '').length;
  setStatus(ui.dataStatus, n === 0 ? `'${file.name}' has no words.` : `Loaded '${file.name}': ${n.toLocaleString('en-US')} words.`, n === 0 ? 'error' : 'ok');
}

ui.kind.addEventListener('change', () => {
  const kind = ui.kind.value as Kind;
  document.body.dataset.kind = kind;
  const d = KIND_DEFAULTS[kind];
  $<HTMLInputElement>('steps').value = String(d.steps);
  $<HTMLInputElement>('lr').value = String(d.lr);
  $<HTMLInputElement>('decayStep').value = String(d.decayStep);
  $<HTMLInputElement>('evalEvery').value = String(d.evalEvery);
  if (RECURRENT.includes(kind) || kind === 'mlp') $<HTMLInputElement>('weightDecay').value = RECURRENT.includes(kind) ? '0.01' : '0';
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
ui.words.addEventListener('input', () => {
  if (sources.find((r) => r.checked)?.value === 'default' && ui.words.value !== defaultText) {
    customText = ui.words.value;
    for (const r of sources) r.checked = r.value === 'custom';
  }
});
for (const r of sources) r.addEventListener('change', () => useSource(r.value as 'default' | 'custom'));
ui.file.addEventListener('change', () => void onFile());

document.body.dataset.kind = ui.kind.value;
useSource('default');
setRunStatus('idle');
