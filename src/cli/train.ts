/**
 * `makemore train`: fit a model on a word list, show progress and samples, evaluate on train/dev/test, save it; or,
 * with `--resume FILE`, continue a saved run exactly where it stopped. Model kinds, their flags and defaults come
 * from the registry (src/models/registry.ts). Nothing is lost: every check comes before any output, the model is
 * written before the final samples, and an interrupted run writes the best model so far; a diverged run writes
 * nothing (an existing --out file stays as it was) and says so.
 */
import { createBackend, type BackendName } from '../backend/index.ts';
import { Vocabulary } from '../data/vocabulary.ts';
import { splitWords } from '../data/words.ts';
import type { TrainingInfo } from '../io/model-file.ts';
import { saveModelFile } from '../io/model-file-node.ts';
import type { LanguageModel } from '../models/model.ts';
import { modelKind, type AnyModel, type ModelKindEntry, type RegisteredKind } from '../models/registry.ts';
import type { Trainable } from '../models/training.ts';
import { Rng } from '../rng.ts';
import { UsageError, type ParsedFlags } from './args.ts';
import { EXIT, flag, type CliContext, type Command } from './command.ts';
import { DEFAULT_SOURCE, loadWords, tooFewWordsMessage } from './data.ts';
import { checkFinalLosses } from '../divergence.ts';
import { stepDecay } from '../lr-schedule.ts';
import { divergedRunMessage } from './divergence.ts';
import { checkOutputFile } from './out-path.ts';
import { createReporter, formatDuration, formatLoss, jsonNumber, type Reporter } from './progress.ts';
import { readResume, type ResumedRun, type TrainSettings } from './resume.ts';
import { snapshotJSON, type NetModel } from './snapshot.ts';
import { diagnosticsTable, RunLog } from './train-diagnostics.ts';
import { ONLY_FOR, trainFlags } from './train-flags.ts';
import { checkRunLimits } from './train-limits.ts';
import { divisorAtMost, trainLoop, type LoopOutcome } from './train-loop.ts';
import { modelSettingsOf, planFromFlags, planFromResume, type TrainingPlan } from './train-plan.ts';
import { compactHistory, printSamples, progressInterval } from './train-report.ts';

export { compactHistory, markSamples, progressInterval } from './train-report.ts';

const TRAIN_SAMPLES = 10;

/** Most steps between progress callbacks, so a run with a huge --steps still reports every few seconds. */
const MAX_PROGRESS_EVERY = { minibatch: 100, fullBatch: 1 } as const;

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
  if (out !== undefined) checkOutputFile(out, dataPath === undefined ? [] : [{ flag: resumed ? '--resume: its data' : '--data', path: dataPath }], 'train');

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
  // sizes, BatchNorm's batch and a float32 learning rate, before anything is printed
  checkRunLimits(kind, options, vocab.size, plan, resumed?.step ?? 0);
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

  if (!plan) {
    const started = performance.now();
    model = await entry.create(vocab, options, { seed, words: splits.train, allWords: words });
    const seconds = (performance.now() - started) / 1000;
    reporter.line(`model: ${entry.describe(model)}; counted ${splits.train.length} words in ${formatDuration(seconds)}`);
    training = { steps: 0, seconds, settings: { ...settings } };
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
    const run = await runSteps(model, entry, plan, resumed, {
      seed, splits, vocabSize: vocab.size, reporter, context,
      diagnosticsEvery: flag<number>(parsed, 'diagnostics-every', 0), logPath: flag<string>(parsed, 'log'), topK: topKOf(parsed),
    });
    training = {
      steps: run.step,
      seconds: (resumed?.file.training.seconds ?? 0) + run.seconds,
      history: compactHistory([...(resumed?.file.training.history ?? []), ...run.history]),
      interrupted: run.status === 'interrupted' || undefined,
      resume: run.resume,
      settings: { ...settings },
    };
    if (run.status === 'interrupted') return finishInterrupted(out, model, run, training, reporter);
    if (run.status === 'diverged') return finishDiverged(out, entry, plan, run, vocab.size, context);
  }

  // from here on a signal stops nothing half-way: the model is evaluated and saved, then the command ends
  let lateSignal = false;
  const removeLate = context.onInterrupt(() => (lateSignal = true));
  try {
    const lossOf = (list: string[]): number | null => (list.length > 0 ? model.nll(list) : null);
    const losses = { train: lossOf(splits.train), dev: lossOf(splits.dev), test: lossOf(splits.test) };
    // before anything is printed or written: a non-finite loss is a failure (exit 1, --out untouched)
    checkFinalLosses(losses, kind, plan ? lastLr(plan, training.steps ?? plan.steps) : Number.NaN, out);
    training.losses = { train: jsonNumber(losses.train), dev: jsonNumber(losses.dev), test: jsonNumber(losses.test) };
    reporter.line(`loss (mean NLL): train ${formatLoss(losses.train)}  dev ${formatLoss(losses.dev)}  test ${formatLoss(losses.test)}`);
    // written before the final samples: nothing after training can lose the model
    if (out !== undefined) {
      saveModelFile(out, model.toJSON(), training);
      reporter.line(`wrote ${out}`);
    }
    const finalSamples = flag<number>(parsed, 'samples', TRAIN_SAMPLES);
    if (finalSamples > 0 && !lateSignal) printSamples(reporter, null, model.sample({ count: finalSamples, seed, topK: topKOf(parsed) }), splits);
    reporter.event({
      event: 'summary', model: kind, train_loss: jsonNumber(losses.train), dev_loss: jsonNumber(losses.dev),
      test_loss: jsonNumber(losses.test), steps: training.steps ?? 0, seconds: training.seconds ?? 0, out: out ?? null,
    });
    return lateSignal ? EXIT.interrupted : EXIT.ok;
  } finally {
    removeLate();
  }
}

/** Ctrl-C, SIGTERM, SIGHUP: the best model so far (by dev loss), or the current one if dev was never evaluated. */
function finishInterrupted(out: string | undefined, model: AnyModel, run: LoopOutcome, training: TrainingInfo, reporter: Reporter): number {
  const best = run.best;
  if (out !== undefined) {
    // the best model is a snapshot of the state in memory, serialized only now
    const state = best?.snapshot ? snapshotJSON(model as unknown as NetModel, best.snapshot) : model.toJSON();
    saveModelFile(out, state, best ? { ...training, resume: best.resume } : training);
    reporter.line(
      best
        ? `wrote the best model so far (dev loss ${formatLoss(best.dev)} at step ${best.step}) to ${out}`
        : `wrote the model at the interruption to ${out}`,
    );
  }
  reporter.event({
    event: 'summary', interrupted: true, train_loss: null, dev_loss: jsonNumber(best?.dev), test_loss: null,
    steps: training.steps ?? 0, seconds: training.seconds ?? 0, out: out ?? null,
  });
  return EXIT.interrupted;
}

/**
 * A diverged run — a training or dev loss that is not finite, or a training loss above 10 × ln V: exit 1 with what
 * diverged and why. Decided (with issue 10): nothing is written, so an existing --out file stays as it was; the
 * message says so, and names the best dev loss the run had reached.
 */
function finishDiverged(out: string | undefined, entry: ModelKindEntry, plan: TrainingPlan, run: LoopOutcome, vocabSize: number, context: CliContext): number {
  const regularization = entry.training?.weightDecay.meaning === 'regularization';
  const defaults = { defaultLr: entry.training?.lr ?? plan.lr, defaultWeightDecay: entry.training?.weightDecay.default ?? 0 };
  const message = divergedRunMessage(run.divergedAt!, { regularization, weightDecay: plan.weightDecay, vocabSize, ...defaults }, out);
  const best = run.best ? ` (the best dev loss was ${formatLoss(run.best.dev)}, at step ${run.best.step})` : '';
  context.stderr.write(`makemore train: ${message}${best}\n`);
  return EXIT.failure;
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

/** Trains for the plan's steps with progress, in-train samples, signals and divergence handling (train-loop.ts). */
async function runSteps(
  model: AnyModel,
  entry: ModelKindEntry,
  plan: TrainingPlan,
  resumed: ResumedRun | null,
  io: {
    seed: number; splits: ReturnType<typeof splitWords>; vocabSize: number; reporter: Reporter; context: CliContext;
    diagnosticsEvery: number; logPath: string | undefined; topK?: number;
  },
): Promise<LoopOutcome> {
  const { reporter, splits, seed } = io;
  const start = resumed?.step ?? 0;
  const { lr, lrDecayAt } = plan;
  const historyEvery = progressInterval(plan.steps, plan.evalEvery);
  const cap = entry.training?.minibatch ? MAX_PROGRESS_EVERY.minibatch : MAX_PROGRESS_EVERY.fullBatch;
  const log = io.logPath === undefined ? null : new RunLog(io.logPath, plan.evalEvery, start + plan.steps);
  let run: LoopOutcome;
  try {
    run = await trainLoop(model as unknown as LanguageModel & Trainable, {
      options: {
        data: { train: splits.train, dev: splits.dev.length > 0 ? splits.dev : undefined },
        steps: plan.steps,
        batchSize: plan.batchSize,
        lr: lrDecayAt === null ? lr : stepDecay(lr, lrDecayAt), // the rule the demo states too (src/lr-schedule.ts)
        optimizer: plan.optimizer,
        evalEvery: plan.evalEvery,
        diagnosticsEvery: io.diagnosticsEvery,
        onDiagnostics: (r) => {
          log?.diagnostics(r);
          reporter.event({ event: 'diagnostics', step: r.step, lr: r.lr, loss: r.loss, diagnostics: r.diagnostics });
          reporter.line(`diagnostics at step ${r.step} (lr ${r.lr}, batch loss ${formatLoss(r.loss)}):`);
          for (const l of diagnosticsTable(r.diagnostics)) reporter.line(`  ${l}`);
        },
      },
      start,
      rng: resumed ? Rng.fromState(resumed.batchRng) : new Rng(seed),
      historyEvery,
      progressEvery: divisorAtMost(historyEvery, cap),
      vocabSize: io.vocabSize,
      onSamples: (step) => printSamples(reporter, step, (model as LanguageModel).sample({ count: TRAIN_SAMPLES, seed: (seed + step) % 2 ** 32, topK: io.topK }), splits),
      onReport: (p) => log?.progress(p),
    }, reporter, io.context);
  } finally {
    log?.close();
  }
  const verb = run.status === 'done' ? 'trained' : 'stopped after';
  reporter.line(`${verb} ${run.step} steps in ${formatDuration(run.seconds)} (${(run.steps / Math.max(1e-9, run.seconds)).toFixed(0)} steps/s)`);
  return run;
}

/** The `train` command. */
export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model on a word list (default: an MLP on the embedded names) and save it',
  description:
    'Trains a character-level model, showing progress (a live bar on a terminal, periodic lines otherwise) and a few\n' +
    "samples marked as in the training set, in dev/test, or new; then reports the mean NLL on train/dev/test,\n" +
    'writes the model with --out, then prints samples. Ctrl-C (or SIGTERM, SIGHUP) stops training and writes the best\n' +
    'model so far (by dev loss). A run whose loss stops being finite, or exceeds 10 × ln V, fails with exit 1 and\n' +
    'writes nothing.\n' +
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
