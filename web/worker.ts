/**
 * The demo's training worker: every number of the page is computed here, by the library bundle (`../makemore.js`,
 * wasm backend), so the page stays responsive. It reads and splits the words, fits or trains the chosen model with
 * the library's own `train()`, and streams progress, samples and the exact final losses back (see protocol.ts).
 *
 * The pipeline is the one a Node script would write — readWords → splitWords(seed) → Vocabulary of all words →
 * model(seed) → train(seed) → sample(seed) — so the same text and configuration give bit-identical numbers in Node.
 */
import {
  NGramModel, Rng, Vocabulary, createBackend, modelKind, readWords, splitWords, train, TrainingDivergedError,
  type AnyModel, type ModelSettings, type Trainable, type TrainOptions, type TrainProgress, type WordSplits,
} from '../src/index.ts';
import { checkDevLoss, divergenceMessage } from '../src/divergence.ts';
import { stepDecay } from '../src/lr-schedule.ts';
import { curveLoss } from '../src/models/curve-loss.ts';
import type { FromWorker, LossPoint, RunConfig, ToWorker } from './protocol.ts';
import { checkWordList } from './word-list.ts';

/** A problem with the word list: the page shows it in the Words panel. */
class WordListError extends Error {}

/** Progress messages at most this often: enough for a smooth curve, few enough not to flood the page. */
const POST_EVERY_MS = 100;
/** Samples shown after each dev evaluation and at the end. */
const SAMPLE_COUNT = 20;

interface Run {
  config: RunConfig;
  splits: WordSplits;
  model: AnyModel;
  /** Trained by steps (false: fit by counting). */
  trained: boolean;
  /** Steps done so far, over all train() calls of this run (a resume continues the count). */
  done: number;
  trainLoss: number;
  devLoss: number;
  /** The n-gram model's test NLL (NaN for trained models). */
  testLoss: number;
  /** Training seconds, for steps/s. */
  seconds: number;
  temperature: number;
  controller: AbortController | null;
  /** The minibatch stream: kept across stop/resume so a resumed run is identical to an uninterrupted one. */
  batches: Rng;
}

let run: Run | null = null;
/** Serializes the handling of messages that start work, so a 'sample' never runs inside a 'train' setup. */
let busy: Promise<void> = Promise.resolve();

const post = (message: FromWorker): void => (self as unknown as Worker).postMessage(message);

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.type === 'stop') {
    run?.controller?.abort();
    return;
  }
  busy = busy.then(() => handle(msg)).catch((e: unknown) => {
    post({ type: 'error', message: messageOf(e), about: e instanceof WordListError ? 'words' : 'run' });
  });
};

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'train':
      await start(msg.text, msg.config, msg.temperature);
      break;
    case 'resume':
      if (run && run.trained && run.done < run.config.steps) await fit(run);
      break;
    case 'sample':
      if (!run) throw new Error('There is no model to sample from yet: train one first.');
      run.temperature = msg.temperature;
      post({ type: 'samples', words: sampleOf(run, msg.seed), seed: msg.seed, temperature: msg.temperature });
      break;
    case 'stop':
      break;
  }
}

async function start(text: string, config: RunConfig, temperature: number): Promise<void> {
  run = null;
  // the page checked the list already; the worker checks again with the same function, so the messages are the same
  const check = checkWordList(text);
  if (!check.ok) throw new WordListError(check.message);
  const words = readWords(text);
  const splits = splitWords(words, { seed: config.seed });
  if (splits.train.length === 0 || splits.dev.length === 0) {
    throw new WordListError(`${words.length} words are too few: the 80/10/10 split leaves an empty ${splits.train.length ? 'dev' : 'train'} set.`);
  }
  // every character of every split, so dev and test words are never out of vocabulary
  const vocab = Vocabulary.fromWords(words);
  const bigrams = NGramModel.fit(splits.train, { n: 2, smoothing: 0, vocab }).counts();
  post({
    type: 'data', words: words.length, train: splits.train.length, dev: splits.dev.length, test: splits.test.length,
    vocab: [...vocab.chars], bigrams: Array.from(bigrams),
  });

  // the page's fields as registry settings: each model kind takes the ones it knows
  const entry = modelKind(config.kind, 'demo');
  const settings: ModelSettings = {
    n: config.order, smoothing: config.smoothing, regularization: config.regularization, blockSize: config.blockSize,
    embedDim: config.embedDim, hidden: config.hidden, batchNorm: config.batchNorm, flatten: config.flatten,
    init: config.init ?? 'lecture',
    layers: config.layers, heads: config.heads, embed: config.embed, embed2: config.embed,
  };
  const backend = entry.training ? await createBackend('wasm') : undefined;
  const model = await entry.create(vocab, settings, { seed: config.seed, backend, words: splits.train, allWords: words });
  const trained = entry.training !== undefined;
  run = {
    config, splits, model, trained, done: 0, trainLoss: Number.NaN, devLoss: Number.NaN, testLoss: Number.NaN, seconds: 0, temperature,
    controller: null, batches: new Rng(config.seed),
  };

  if (!trained) {
    run.trainLoss = model.nll(splits.train);
    run.devLoss = model.nll(splits.dev);
    run.testLoss = splits.test.length > 0 ? model.nll(splits.test) : Number.NaN;
    finish(run, false);
    return;
  }
  await fit(run);
}

/** Trains from run.done up to the configured steps (or until stopped), streaming progress. */
async function fit(r: Run): Promise<void> {
  const model = r.model as unknown as Trainable;
  const decays = modelKind(r.config.kind).training?.weightDecay.meaning === 'optimizer';
  const { config } = r;
  const offset = r.done;
  const controller = new AbortController();
  r.controller = controller;
  let batchLosses: LossPoint[] = [];
  let devLosses: LossPoint[] = [];
  let lastPost = performance.now();
  const t0 = performance.now();
  const flush = (step: number): void => {
    const seconds = r.seconds + (performance.now() - t0) / 1000;
    post({ type: 'progress', step, steps: config.steps, train: batchLosses, dev: devLosses, stepsPerSecond: seconds > 0 ? step / seconds : 0 });
    batchLosses = [];
    devLosses = [];
    lastPost = performance.now();
  };
  const onProgress = (p: TrainProgress): void => {
    const step = offset + p.step;
    // progressEvery is 1, so trainLoss is exactly this step's minibatch loss; the curve is labelled mean NLL, so the
    // neural bigram shows its NLL without the λ·mean(W²) penalty (lastNll, the data part of this step's loss)
    const nll = curveLoss(model, p);
    r.trainLoss = nll;
    batchLosses.push({ step, loss: nll });
    if (p.devLoss !== undefined) {
      r.devLoss = p.devLoss;
      devLosses.push({ step, loss: p.devLoss });
    }
    // a non-finite dev loss is divergence, as in the CLI: stop with its message (the progress so far is shown)
    if (p.devLoss !== undefined && !Number.isFinite(p.devLoss)) {
      r.done = step;
      flush(step);
      checkDevLoss(p.devLoss, step, p.lr, undefined, '');
    }
    r.done = step;
    if (p.devLoss !== undefined || performance.now() - lastPost >= POST_EVERY_MS) {
      flush(step);
      if (p.devLoss !== undefined && step < config.steps) {
        // samples as the model learns; sampling has its own PRNG and leaves training untouched
        post({ type: 'samples', words: sampleOf(r, config.seed), seed: config.seed, temperature: r.temperature });
      }
    }
  };
  try {
    const result = await train(model, {
      data: { train: r.splits.train, dev: r.splits.dev },
      steps: config.steps - offset,
      batchSize: config.batchSize,
      // the schedule sees train()'s own step index; a resumed run continues the count
      lr: (i: number) => stepDecay(config.lr, config.decayStep)(offset + i), // the CLI's rule (src/lr-schedule.ts)
      weightDecay: decays ? config.weightDecay : undefined,
      // the kind's optimizer (AdamW with makemore.py's betas for the recurrent models; SGD for the MLP)
      optimizer: r.done === 0 ? modelKind(r.config.kind).training?.optimizer : undefined,
      evalEvery: config.evalEvery,
      progressEvery: 1,
      seed: r.batches,
      signal: controller.signal,
      onProgress,
      ...diagnosticsOf(r, offset),
      yieldEveryMs: 30,
    });
    r.seconds += result.seconds;
    r.done = offset + result.steps;
    if (result.stopped && result.history.length > 0) {
      const last = result.history[result.history.length - 1]!;
      if (last.devLoss !== undefined) {
        r.devLoss = last.devLoss;
        devLosses.push({ step: r.done, loss: last.devLoss });
      }
    }
    flush(r.done);
    finish(r, result.stopped);
  } catch (e) {
    if (e instanceof TrainingDivergedError) {
      r.done = offset + e.result.steps;
      flush(r.done);
    }
    throw e;
  } finally {
    r.controller = null;
  }
}

/** train()'s diagnostics options for a run that asks for them: each step's statistics go to the page. */
function diagnosticsOf(r: Run, offset: number): Pick<TrainOptions, 'diagnosticsEvery' | 'onDiagnostics'> {
  const every = r.config.diagnosticsEvery ?? 0;
  if (!(every > 0) || !modelKind(r.config.kind).training?.diagnostics) return {};
  // train() counts from this call's first step; a resumed run continues the count, so map back onto the run's steps
  return { diagnosticsEvery: every, onDiagnostics: (d) => post({ type: 'diagnostics', step: offset + d.step, diagnostics: d.diagnostics }) };
}

function finish(r: Run, stopped: boolean): void {
  post({ type: 'samples', words: sampleOf(r, r.config.seed), seed: r.config.seed, temperature: r.temperature });
  post({
    type: 'finished', stopped, step: r.done, steps: r.trained ? r.config.steps : 0, trainLoss: r.trainLoss, devLoss: r.devLoss,
    testLoss: r.testLoss,
    stepsPerSecond: r.seconds > 0 ? r.done / r.seconds : 0,
  });
}

function sampleOf(r: Run, seed: number): string[] {
  return r.model.sample({ count: SAMPLE_COUNT, seed, temperature: r.temperature });
}

/** An error as the page shows it: a sentence; a diverged run in the words of the CLI (without its flag names). */
function messageOf(e: unknown): string {
  const text = e instanceof TrainingDivergedError
    ? divergenceMessage('the loss', e.loss, e.step, e.lr, undefined, '')
    : e instanceof Error ? e.message : String(e);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
}

post({ type: 'ready' });
