/**
 * The checks a {@link NetModel} makes before ids reach the arena: a batch's arrays, shape and ids, the training batch
 * size and a step's learning rate. The kernels trust every id they read, so a bad one must stop here, with a message
 * that says which model and which call.
 */
import { checkIds } from './ids.ts';

/** What a batch is checked against: the model's example shape, vocabulary and smallest training batch. */
export interface BatchShape {
  /** The model's name, for the messages of the batch-size check. */
  readonly model: string;
  /** Ids per example. */
  readonly width: number;
  readonly targetsPerExample: number;
  readonly vocabSize: number;
  /** Targets of −1 (no target) are allowed. */
  readonly allowsIgnore: boolean;
  /** Asked at each check: a subclass's answer may rest on fields it sets after the base constructor ran. */
  minBatch(): number;
}

/** Throws when `rows` is below the smallest training batch the model accepts. */
export function checkBatchSize(shape: BatchShape, rows: number): void {
  const min = shape.minBatch();
  if (rows < min) {
    throw new Error(`${shape.model}: batch size must be at least ${min} with BatchNorm (batch statistics of one row are meaningless), got ${rows}`);
  }
}

/** Throws unless a training step may run: training mode, a finite lr >= 0 and, when given, a finite weightDecay >= 0. */
export function checkStep(model: string, training: boolean, lr: number, weightDecay: number | undefined): void {
  if (!training) throw new Error(`${model}.trainStep: the model is in eval mode; call model.train() first`);
  if (!Number.isFinite(lr)) throw new Error(`${model}.trainStep: lr must be a finite number, got ${lr}`);
  if (lr < 0) throw new Error(`${model}.trainStep: lr must be >= 0 (a negative rate climbs the loss), got ${lr}`);
  if (weightDecay !== undefined && (!(weightDecay >= 0) || !Number.isFinite(weightDecay))) {
    throw new Error(`${model}.trainStep: weightDecay must be a finite number >= 0, got ${weightDecay}`);
  }
}

/**
 * Validates a batch (X: B×width ids, Y: B×targetsPerExample targets) and returns B. A training batch must also be
 * large enough for the model; `who` names the call in messages.
 */
export function checkBatch(shape: BatchShape, X: Int32Array, Y: Int32Array, who: string, isTraining: boolean): number {
  const T = shape.width;
  const P = shape.targetsPerExample;
  if (!(X instanceof Int32Array) || !(Y instanceof Int32Array)) {
    throw new Error(`${who}: X and Y must be Int32Arrays (see buildContexts), got ${X?.constructor?.name} and ${Y?.constructor?.name}`);
  }
  if (Y.length % P !== 0) throw new Error(`${who}: Y must hold ${P} targets per example, got ${Y.length}`);
  const B = Y.length / P;
  if (B === 0) throw new Error(`${who}: the batch is empty (Y has length 0)`);
  if (X.length !== B * T) {
    throw new Error(`${who}: X must hold ${B}×${T} = ${B * T} ids for ${B} targets with blockSize ${T}, got ${X.length}`);
  }
  if (isTraining) checkBatchSize(shape, B);
  checkBatchIds(shape, X, Y, who);
  return B;
}

/** Throws unless every id of X is a character id and every target of Y one too (or −1 where the model allows it). */
export function checkBatchIds(shape: BatchShape, X: Int32Array, Y: Int32Array, who: string): void {
  const V = shape.vocabSize;
  checkIds(X, V, 'X', who);
  checkIds(Y, V, 'Y', who, shape.allowsIgnore);
}

/** Validates the ids of examples to run forward without targets and returns their number of rows. */
export function checkExamples(shape: BatchShape, X: Int32Array, who: string): number {
  const T = shape.width;
  if (!(X instanceof Int32Array) || X.length === 0 || X.length % T !== 0) {
    throw new Error(`${who}: X must be a non-empty Int32Array of B×${T} ids, got length ${X?.length}`);
  }
  checkIds(X, shape.vocabSize, 'X', who);
  return X.length / T;
}
