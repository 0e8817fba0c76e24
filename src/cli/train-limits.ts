/**
 * Checks of a training run made before anything is printed or trained: the model must fit in a model file and in
 * WebAssembly memory, BatchNorm needs two examples per batch, and the learning rate must be a float32 number that
 * neither underflows to 0 nor overflows. Each problem is a {@link UsageError} naming the flag (exit 2).
 *
 * Sizes are computed from the settings, for the kinds whose layout is known here (ngram, bigram, mlp); a kind added to
 * the registry later is checked when its model is created instead.
 */
import { formatBytes } from '../io/input-file.ts';
import { checkModelFloats, ModelTooLargeError } from '../io/model-size.ts';
import type { ModelSettings } from '../models/registry.ts';
import { UsageError } from './args.ts';
import type { TrainingPlan } from './train-plan.ts';

/** WebAssembly (wasm32) memory ends at 4 GiB; keep some room for the module's own data and the stack. */
export const MAX_ARENA_BYTES = 4 * 1024 ** 3 - 64 * 1024 ** 2;

/** The shape of an MLP run. */
export interface MlpShape {
  vocabSize: number;
  blockSize: number;
  embedDim: number;
  hidden: readonly number[];
  batchNorm: boolean;
  batchSize: number;
  /** Floats of optimizer state per parameter (0 plain SGD, 1 SGD with momentum, 2 AdamW). */
  optimizerSlots: number;
}

/** Rows of the MLP's evaluation workspace (its evaluation chunk). */
const EVAL_ROWS = 512;

/** Saved floats of an MLP: parameters and BatchNorm running statistics. */
export function mlpStateFloats(p: MlpShape): number {
  let floats = p.vocabSize * p.embedDim;
  let fanIn = p.blockSize * p.embedDim;
  for (const h of p.hidden) {
    floats += fanIn * h + (p.batchNorm ? 4 * h : h);
    fanIn = h;
  }
  return floats + fanIn * p.vocabSize + p.vocabSize;
}

/** Arena floats of an MLP: state, gradients, optimizer state, the last-finite copy, eval and training workspaces. */
export function mlpArenaFloats(p: MlpShape): number {
  const state = mlpStateFloats(p);
  const workspace = (rows: number, training: boolean): number => {
    let floats = rows * p.blockSize * (training ? 3 : 2) * p.embedDim + rows + rows * p.vocabSize * (training ? 2 : 1);
    for (const h of p.hidden) {
      const perRow = 2 + (p.batchNorm ? 1 : 0) + (training ? 2 : 0) + (training && p.batchNorm ? 1 : 0);
      floats += rows * h * perRow + (training && p.batchNorm ? h : 0);
    }
    return floats;
  };
  return 3 * state + 2 * p.optimizerSlots * state + workspace(EVAL_ROWS, false) + workspace(p.batchSize, true);
}

function checkArena(floats: number, what: string, flag: string): void {
  const bytes = floats * 4;
  if (bytes > MAX_ARENA_BYTES) {
    throw new UsageError(
      `${flag}: ${what} needs about ${formatBytes(bytes)} of WebAssembly memory for its parameters, gradients and ` +
        `activations, more than the ${formatBytes(MAX_ARENA_BYTES)} it can have`,
      'train',
    );
  }
}

function checkFile(floats: number, what: string, flag: string): void {
  try {
    checkModelFloats(floats, what);
  } catch (error) {
    if (error instanceof ModelTooLargeError) throw new UsageError(`${flag}: ${error.message}`, 'train');
    throw error;
  }
}

/** An MLP that fits, with a batch BatchNorm can normalize. */
export function checkMlp(p: MlpShape): void {
  if (p.batchNorm && p.batchSize < 2) {
    throw new UsageError(
      `--batch-size: BatchNorm needs at least 2 examples per batch (the statistics of one row are meaningless), got ` +
        `${p.batchSize}; use a larger batch or --no-batchnorm`,
      'train',
    );
  }
  const what = `an mlp (block ${p.blockSize}, embed ${p.embedDim}, hidden ${p.hidden.join(',')}, ${p.vocabSize} characters)`;
  checkFile(mlpStateFloats(p), what, '--hidden/--embed');
  checkArena(mlpArenaFloats(p), `${what} with --batch-size ${p.batchSize}`, '--hidden/--embed/--batch-size');
}

/** A neural bigram over V characters: V² weights; weights, gradient, last-finite copy, scratch and optimizer state. */
export function checkBigram(vocabSize: number, optimizerSlots: number): void {
  const what = `a neural bigram over ${vocabSize} characters (${vocabSize}² weights)`;
  checkFile(vocabSize * vocabSize, what, '--data');
  checkArena((4 + 2 * optimizerSlots) * vocabSize * vocabSize, what, '--data');
}

/** An n-gram table of V^n counts. */
export function checkNgram(vocabSize: number, n: number): void {
  checkFile(vocabSize ** n, `an ngram model with n = ${n} over ${vocabSize} characters (${vocabSize}^${n} counts)`, '--n');
}

/**
 * The learning rate (and its tenth after --lr-decay-at, when that step is reached) must survive the conversion to
 * float32, where the kernels use it: 1e-50 becomes 0 and the model would silently never change.
 */
export function checkLearningRate(lr: number, decays: boolean, weightDecay: number): void {
  const f = Math.fround(lr);
  if (f === 0) {
    throw new UsageError(`--lr: ${lr} is 0 in float32 (the smallest positive float32 is 1.4e-45): the model would not change`, 'train');
  }
  if (!Number.isFinite(f)) throw new UsageError(`--lr: ${lr} is larger than float32 can hold (3.4e38)`, 'train');
  if (decays && Math.fround(lr / 10) === 0) {
    throw new UsageError(`--lr: ${lr}/10, the rate after --lr-decay-at, is 0 in float32: the model would stop changing there`, 'train');
  }
  if (!Number.isFinite(Math.fround(weightDecay))) {
    throw new UsageError(`--weight-decay: ${weightDecay} is larger than float32 can hold (3.4e38)`, 'train');
  }
}

/** Optimizer state floats per parameter of a plan's optimizer. */
function optimizerSlots(plan: TrainingPlan | null): number {
  if (!plan) return 0;
  if (plan.optimizer.kind === 'adamw') return 2;
  return (plan.optimizer as { momentum?: number }).momentum ? 1 : 0;
}

/**
 * Every limit of a run of `kind` with these settings over `vocabSize` characters; `plan` for trained kinds, with the
 * step the run starts at (a resumed run) and whether its weight decay is a loss term (the bigram) or the optimizer's.
 */
export function checkRunLimits(kind: string, settings: ModelSettings, vocabSize: number, plan: TrainingPlan | null, start = 0): void {
  if (plan) {
    const decays = plan.lrDecayAt !== null && plan.lrDecayAt < start + plan.steps;
    checkLearningRate(plan.lr, decays, plan.weightDecay);
  }
  const slots = optimizerSlots(plan);
  if (kind === 'ngram') checkNgram(vocabSize, settings.n as number);
  else if (kind === 'bigram') checkBigram(vocabSize, slots);
  else if (kind === 'mlp' && plan) {
    checkMlp({
      vocabSize, blockSize: settings.blockSize as number, embedDim: settings.embedDim as number,
      hidden: settings.hidden as number[], batchNorm: settings.batchNorm as boolean, batchSize: plan.batchSize, optimizerSlots: slots,
    });
  }
}
