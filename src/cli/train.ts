/**
 * `makemore train`: fit a model on a word list, show progress and samples, evaluate on train/dev/test, save it; or,
 * with `--resume FILE`, continue a saved run exactly where it stopped. Model kinds, their flags and defaults come
 * from the registry (src/models/registry.ts).
 */
import { createBackend, type BackendName } from '../backend/index.ts';
import { Vocabulary } from '../data/vocabulary.ts';
import { splitWords } from '../data/words.ts';
import type { LossPoint, TrainingInfo } from '../io/model-file.ts';
import { saveModelFile } from '../io/model-file-node.ts';
import type { LanguageModel, ModelState } from '../models/model.ts';
import { modelKind, type AnyModel, type RegisteredKind } from '../models/registry.ts';
import type { Trainable } from '../models/training.ts';
import { Rng } from '../rng.ts';
import { train, TrainingDivergedError, type TrainProgress } from '../train.ts';
import { UsageError, type ParsedFlags } from './args.ts';
import { EXIT, flag, type CliContext, type Command } from './command.ts';
import { DEFAULT_SOURCE, loadWords, tooFewWordsMessage } from './data.ts';
import { checkDevLoss, checkFinalLosses } from '../divergence.ts';
import { stepDecay } from '../lr-schedule.ts';
import { curveLoss } from '../models/curve-loss.ts';
import { createReporter, formatDuration, formatLoss, jsonNumber } from './progress.ts';
import { readResume, type ResumedRun, type TrainSettings } from './resume.ts';
import { diagnosticsTable, RunLog } from './train-diagnostics.ts';
import { ONLY_FOR, trainFlags } from './train-flags.ts';
import { modelSettingsOf, planFromFlags, planFromResume, type TrainingPlan } from './train-plan.ts';
import { checkOutPath, compactHistory, printSamples, progressInterval } from './train-report.ts';

export { compactHistory, markSamples, progressInterval } from './train-report.ts';

const TRAIN_SAMPLES = 10;

/** Checks model-specific flags and the split. */
function validate(parsed: ParsedFlags, kind: RegisteredKind): [number, number, number] {
  for (const [name, kinds] of Object.entries(ONLY_FOR)) {
    if (parsed.has(name) && !kinds.includes(kind)) {
      const list = kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}` : kinds[0];
      throw new UsageError(`--${name}: applies to --model ${list}, not to --model ${kind}`, 'train');
    }
  }
  const split = flag<number[]>(parsed, 'split', [0.8, 0.1, 0.1]);
  if (split.some((f) => f < 0) || Math.abs(split[0]! + split[1]! + split[2]! - 1) > 1e-9) {
    throw new UsageError(`--split: expected 3 fractions >= 0 that sum to 1, got '${split.join(',')}'`, 'train');
  }
  if (!(split[0]! > 0)) throw new UsageError(`--split: the train fraction must be > 0, got '${split.join(',')}'`, 'train');
  return split as [number, number, number];
}

/** The backend by name, as a usage error naming --backend when it cannot start. */
async function backendOf(name: BackendName): Promise<Awaited<ReturnType<typeof createBackend>>> {
  try {
    return await createBackend(name);
  } catch (error) {
    throw new UsageError(`--backend: cannot start the ${name} backend (${(error as Error).message})`, 'train');
  }
}

async function runTrain(parsed: ParsedFlags, context: CliContext): Promise<number> {
  const resumed = parsed.has('resume') ? readResume(parsed) : null;
  const saved = resumed?.settings;
  const kind = (saved?.kind ?? flag<string>(parsed, 'model', 'mlp')) as RegisteredKind;
  const entry = modelKind(kind, 'train');
  const split = validate(parsed, kind);
  const seed = saved?.seed ?? flag<number>(parsed, 'seed', 42);
  const json = flag<boolean>(parsed, 'json', false);
  const out = flag<string>(parsed, 'out');
  const reporter = createReporter(context.stdout, json);
  const dataPath = saved ? (saved.data === DEFAULT_SOURCE ? undefined : saved.data) : flag<string>(parsed, 'data');
  const { words, source } = loadWords(dataPath, 'train', resumed ? '--resume: its data' : '--data');
  if (out !== undefined) checkOutPath(out);

  let vocab: Vocabulary;
  try {
    // the vocabulary of all words, so dev and test words never hold an unknown character
    vocab = Vocabulary.fromWords(words);
  } catch (error) {
    throw new UsageError(`--data: ${(error as Error).message.replace(/^Vocabulary\.fromWords: /, '')}`, 'train');
  }
  if (resumed && (words.length !== saved!.words || !Vocabulary.fromChars(resumed.file.model.vocab).equals(vocab))) {
    throw new UsageError(`--resume: the data '${source}' changed since '${resumed.path}' was saved (${saved!.words} words then, ${words.length} now)`, 'train');
  }
  const splits = splitWords(words, { seed, fractions: saved?.split ?? split });
  if (splits.train.length === 0) {
    throw new UsageError(tooFewWordsMessage(source, words.length, saved?.split ?? split), 'train');
  }
  const plan = entry.training ? (resumed ? planFromResume(parsed, resumed) : planFromFlags(parsed, kind, entry)) : null;
  if (plan && entry.training?.minibatch) {
    // checked before anything is printed: a usage error leaves stdout empty
    const examples = splits.train.reduce((s, w) => s + [...w].length + 1, 0);
    if (plan.batchSize > examples) {
      throw new UsageError(`--batch-size: ${plan.batchSize} is more than the ${examples} training examples`, 'train');
    }
  }
  const options = saved?.options ?? modelSettingsOf(parsed, entry);
  const settings: TrainSettings = { kind, data: source, words: words.length, split: saved?.split ?? split, seed, options };
  reporter.event({
    event: 'start', model: kind, data: source, words: words.length, train_words: splits.train.length,
    dev_words: splits.dev.length, test_words: splits.test.length, vocab_size: vocab.size, resumed_from: resumed?.path,
  });
  reporter.line(
    `data: ${source}, ${words.length} words, ${vocab.size} characters (with '.'); ` +
      `split ${splits.train.length} train / ${splits.dev.length} dev / ${splits.test.length} test`,
  );

  let model: AnyModel;
  let training: TrainingInfo = {};
  let interrupted = false;
  let best: { state: ModelState; dev: number; resume: TrainingInfo['resume'] } | undefined;

  if (!plan) {
    const started = performance.now();
    model = await entry.create(vocab, options, { seed, words: splits.train, allWords: words });
    const seconds = (performance.now() - started) / 1000;
    reporter.line(`model: ${entry.describe(model)}; counted ${splits.train.length} words in ${formatDuration(seconds)}`);
    training = { steps: 0, seconds };
  } else {
    const backendName = flag<BackendName>(parsed, 'backend', 'wasm');
    const backend = await backendOf(backendName);
    if (entry.training!.weightDecay.meaning === 'regularization') options.regularization = plan.weightDecay;
    model = resumed
      ? await entry.fromJSON(resumed.file.model, { backend })
      : await entry.create(vocab, options, { seed, backend, words: splits.train, allWords: words });
    reporter.line(`model: ${entry.describe(model)}; backend ${backendName}; optimizer ${describeOptimizer(plan)}`);
    if (resumed) reporter.line(`resuming '${resumed.path}' at step ${resumed.step}`);
    Object.assign(settings, {
      steps: plan.steps, batchSize: plan.batchSize, lr: plan.lr, lrDecayAt: plan.lrDecayAt, weightDecay: plan.weightDecay,
      optimizer: plan.optimizer, evalEvery: plan.evalEvery, backend: backendName,
    });
    const run = await runSteps(model, plan, resumed, {
      seed, splits, reporter, context, out,
      diagnosticsEvery: flag<number>(parsed, 'diagnostics-every', 0), logPath: flag<string>(parsed, 'log'), topK: topKOf(parsed),
    });
    interrupted = run.stopped;
    best = run.best;
    training = {
      steps: run.step,
      seconds: (resumed?.file.training.seconds ?? 0) + run.seconds,
      history: compactHistory([...(resumed?.file.training.history ?? []), ...run.history]),
      interrupted: interrupted || undefined,
      resume: run.resume,
    };
    reporter.line(
      `${interrupted ? 'stopped after' : 'trained'} ${run.step} steps in ${formatDuration(run.seconds)} ` +
        `(${(run.steps / Math.max(1e-9, run.seconds)).toFixed(0)} steps/s)`,
    );
  }
  training.settings = { ...settings };

  if (interrupted) {
    // Ctrl-C: keep the best model seen so far (by dev loss), or the current one if dev was never evaluated
    const state = best?.state ?? model.toJSON();
    if (out !== undefined) {
      saveModelFile(out, state, best ? { ...training, resume: best.resume } : training);
      reporter.line(best ? `wrote the best model so far (dev loss ${formatLoss(best.dev)}) to ${out}` : `wrote the model at the interruption to ${out}`);
    }
    reporter.event({
      event: 'summary', interrupted: true, train_loss: null, dev_loss: jsonNumber(best?.dev), test_loss: null,
      steps: training.steps ?? 0, seconds: training.seconds ?? 0, out: out ?? null,
    });
    return EXIT.interrupted;
  }

  const lossOf = (list: string[]): number | null => (list.length > 0 ? model.nll(list) : null);
  const losses = { train: lossOf(splits.train), dev: lossOf(splits.dev), test: lossOf(splits.test) };
  // before anything is printed or written: a non-finite loss is a failure (exit 1, --out untouched)
  checkFinalLosses(losses, kind, plan ? lastLr(plan, training.steps ?? plan.steps) : Number.NaN, out);
  training.losses = { train: jsonNumber(losses.train), dev: jsonNumber(losses.dev), test: jsonNumber(losses.test) };
  reporter.line(`loss (mean NLL): train ${formatLoss(losses.train)}  dev ${formatLoss(losses.dev)}  test ${formatLoss(losses.test)}`);
  const finalSamples = flag<number>(parsed, 'samples', TRAIN_SAMPLES);
  if (finalSamples > 0) printSamples(reporter, null, model.sample({ count: finalSamples, seed, topK: topKOf(parsed) }), splits);
  if (out !== undefined) {
    saveModelFile(out, model.toJSON(), training);
    reporter.line(`wrote ${out}`);
  }
  reporter.event({
    event: 'summary', model: kind, train_loss: jsonNumber(losses.train), dev_loss: jsonNumber(losses.dev),
    test_loss: jsonNumber(losses.test), steps: training.steps ?? 0, seconds: training.seconds ?? 0, out: out ?? null,
  });
  return EXIT.ok;
}

/** The learning rate of the last step (`steps` done in all, a resumed run counted from its start). */
function lastLr(plan: TrainingPlan, steps: number): number {
  return stepDecay(plan.lr, plan.lrDecayAt)(steps - 1);
}

function describeOptimizer(plan: TrainingPlan): string {
  const { kind, ...rest } = plan.optimizer;
  return `${kind} (${Object.entries(rest).map(([k, v]) => `${k} ${v}`).join(', ')}), lr ${plan.lr}` +
    (plan.lrDecayAt === null ? '' : ` → ${plan.lr / 10} at step ${plan.lrDecayAt}`);
}

/** What running the steps of a plan gives. */
interface StepsRun {
  history: LossPoint[];
  /** Steps done by this call, and in all (a resumed run counts from its start). */
  steps: number;
  step: number;
  seconds: number;
  stopped: boolean;
  resume: TrainingInfo['resume'];
  best?: { state: ModelState; dev: number; resume: TrainingInfo['resume'] };
}

/** Trains for the plan's steps with progress, in-train samples and Ctrl-C handling. */
async function runSteps(
  model: AnyModel,
  plan: TrainingPlan,
  resumed: ResumedRun | null,
  io: {
    seed: number; splits: ReturnType<typeof splitWords>; reporter: ReturnType<typeof createReporter>; context: CliContext; out?: string;
    diagnosticsEvery: number; logPath: string | undefined; topK?: number;
  },
): Promise<StepsRun> {
  const { reporter, splits, seed } = io;
  const start = resumed?.step ?? 0;
  const total = start + plan.steps;
  const rng = resumed ? Rng.fromState(resumed.batchRng) : new Rng(seed);
  const controller = new AbortController();
  const removeInterrupt = io.context.onInterrupt(() => {
    if (controller.signal.aborted) return;
    reporter.line('interrupted: stopping after this step...');
    controller.abort();
  });
  // samples at a quarter, half and three quarters of the run, as makemore.py prints them while it trains
  const sampleAt = [1, 2, 3].map((q) => start + Math.floor((q * plan.steps) / 4)).filter((s) => s > start && s < total);
  const history: LossPoint[] = [];
  let best: StepsRun['best'];
  const trainStart = performance.now();
  const { lr, lrDecayAt } = plan;
  const log = io.logPath === undefined ? null : new RunLog(io.logPath, plan.evalEvery, total);
  let result;
  try {
    result = await train(model as unknown as Trainable, {
      data: { train: splits.train, dev: splits.dev.length > 0 ? splits.dev : undefined },
      steps: plan.steps,
      startStep: start,
      batchSize: plan.batchSize,
      lr: lrDecayAt === null ? lr : stepDecay(lr, lrDecayAt), // the rule the demo states too (src/lr-schedule.ts)
      optimizer: plan.optimizer,
      evalEvery: plan.evalEvery,
      progressEvery: progressInterval(plan.steps, plan.evalEvery),
      seed: rng,
      signal: controller.signal,
      diagnosticsEvery: io.diagnosticsEvery,
      onDiagnostics: (r) => {
        log?.diagnostics(r);
        reporter.event({ event: 'diagnostics', step: r.step, lr: r.lr, loss: r.loss, diagnostics: r.diagnostics });
        reporter.line(`diagnostics at step ${r.step} (lr ${r.lr}, batch loss ${formatLoss(r.loss)}):`);
        for (const l of diagnosticsTable(r.diagnostics)) reporter.line(`  ${l}`);
      },
      onProgress: (p: TrainProgress) => {
        log?.progress(p);
        const trainNll = curveLoss(model, p); // the neural bigram's NLL, without its λ·mean(W²) term
        history.push(p.devLoss === undefined ? { step: p.step, train: trainNll } : { step: p.step, train: trainNll, dev: p.devLoss });
        // wall-clock speed, dev evaluations and samples included, so the ETA is honest
        const elapsed = (performance.now() - trainStart) / 1000;
        const stepsPerSecond = elapsed > 0 ? (p.step - start) / elapsed : p.stepsPerSecond;
        reporter.progress({ step: p.step, steps: total, loss: trainNll, devLoss: p.devLoss, stepsPerSecond });
        checkDevLoss(p.devLoss, p.step, p.lr, io.out); // a non-finite dev loss is divergence too: stop, exit 1
        if (p.devLoss !== undefined && Number.isFinite(p.devLoss) && (best === undefined || p.devLoss < best.dev)) {
          best = { state: model.toJSON(), dev: p.devLoss, resume: { step: p.step, batchRng: rng.state() } };
        }
        if (sampleAt.length > 0 && p.step >= sampleAt[0]!) {
          while (sampleAt.length > 0 && p.step >= sampleAt[0]!) sampleAt.shift();
          printSamples(reporter, p.step, (model as LanguageModel).sample({ count: TRAIN_SAMPLES, seed: seed + p.step, topK: io.topK }), splits);
        }
      },
    });
  } catch (error) {
    if (error instanceof TrainingDivergedError) {
      const notWritten = io.out === undefined ? '' : `; '${io.out}' was not written`;
      throw new Error(`${error.message.replace(/^train: /, '')} (see --lr)${notWritten}`);
    }
    throw error;
  } finally {
    removeInterrupt();
    log?.close();
    reporter.finish();
  }
  return {
    history, steps: result.steps, step: start + result.steps, seconds: result.seconds, stopped: result.stopped,
    resume: { step: start + result.steps, batchRng: rng.state() }, best,
  };
}

/** The `train` command. */
export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model on a word list (default: an MLP on the embedded names) and save it',
  description:
    'Trains a character-level model, showing progress (a live bar on a terminal, periodic lines otherwise) and a few\n' +
    "samples marked as in the training set, in dev/test, or new; then reports the mean NLL on train/dev/test, prints\n" +
    'samples and writes the model with --out. Ctrl-C stops training and writes the best model so far (by dev loss).\n' +
    '--resume FILE continues a run saved with --out for --steps more steps, exactly as if it had never stopped.',
  flags: trainFlags,
  examples:
    'Examples:\n' +
    '  makemore train --steps 20000 --out model.json\n' +
    '  makemore train --resume model.json --steps 20000 --out model.json\n' +
    '  makemore train --data names.txt --model ngram --n 3 --split 1,0,0\n' +
    '  makemore train --model bigram --steps 100 --lr 50 --out bigram.json\n' +
    '  makemore train --optimizer adamw --lr 0.001 --steps 20000\n' +
    '  makemore train --init naive --no-batchnorm --steps 2000 --diagnostics-every 500 --log run.jsonl',
  run: runTrain,
};

/** --top-k for the samples a run prints (undefined: every character). */
function topKOf(parsed: ParsedFlags): number | undefined {
  return parsed.has('top-k') ? flag<number>(parsed, 'top-k', 0) : undefined;
}
