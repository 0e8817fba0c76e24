/**
 * The model file format, as text: encoding and checked decoding, without file system access so the browser can use it
 * too (`model-file-node.ts` adds atomic save and load for Node).
 *
 * A model file is one JSON document:
 * ```json
 * { "format": "makemore-wasm", "version": 1, "checksum": "crc32:1a2b3c4d",
 *   "model": { "kind": "mlp", "config": {...}, "vocab": ["a", ...], "tensors": { "C": { "shape": [27, 10], "data": "<base64 LE f32>" } } },
 *   "training": { "steps": 200, "seconds": 1.2, "history": [{ "step": 0, "train": 3.3, "dev": 3.29 }], ... } }
 * ```
 * The checksum is the CRC-32 of the canonical JSON (keys sorted, no whitespace) of `{ version, model, training }`, so any
 * change to parameters, vocabulary, hyper-parameters or history is caught, while re-indenting the file is not an error.
 */
import type { ModelKind, ModelState } from '../models/model.ts';
import { isModelKind, MODEL_KINDS } from '../models/registry.ts';
import { canonicalJsonCrc32, spliceBig, stringifyExtracting } from './json-big.ts';

/** The value of the `format` field. */
export const MODEL_FILE_FORMAT = 'makemore-wasm';
/**
 * The format version this code writes, and the newest it reads. Version 2 added the optimizer's state to neural
 * models (`model.optimizer`) and the position of a run (`training.resume`); version 1 files still load.
 */
export const MODEL_FILE_VERSION = 2;

/** One point of the loss curve. `dev` is absent at steps where the dev set was not evaluated. */
export interface LossPoint {
  step: number;
  /** Training loss: mean NLL (the MLP's minibatch loss; the neural bigram's NLL without its λ·mean(W²) term). */
  train: number;
  /** Dev loss, when evaluated at this step. */
  dev?: number;
}

/** How a model was trained: what the loss-curve plot and `makemore sample` show. Every field is optional. */
export interface TrainingInfo {
  /** Optimisation steps run. */
  steps?: number;
  /** Wall time of training in seconds. */
  seconds?: number;
  /** The loss curve. */
  history?: LossPoint[];
  /** Final mean NLL on each split (null where the split was empty or the loss was not finite). */
  losses?: { train?: number | null; dev?: number | null; test?: number | null };
  /** Settings the model was trained with (data source, learning rate, ...), for the record. */
  settings?: Record<string, unknown>;
  /** True when training was interrupted (Ctrl-C) and this is the best model so far. */
  interrupted?: boolean;
  /**
   * Where the run stands, so `makemore train --resume` continues it exactly: steps done in all, and the state of
   * the minibatch stream (the Rng) after the last of them.
   */
  resume?: { step: number; batchRng: number[] };
}

/** A decoded model file. */
export interface ModelFile {
  version: number;
  model: ModelState;
  training: TrainingInfo;
}

/** A model file that cannot be used; the message names the file and the problem. */
export class ModelFileError extends Error {
  /** The file (or other source name) that was being read. */
  readonly source: string;
  constructor(source: string, problem: string) {
    super(`model file '${source}': ${problem}`);
    this.name = 'ModelFileError';
    this.source = source;
  }
}

/**
 * JSON with object keys sorted at every level and no whitespace: the same value always gives the same text.
 * Non-finite numbers become null, as in JSON.stringify.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

function checksumOf(version: unknown, model: unknown, training: unknown): string {
  return `crc32:${canonicalJsonCrc32({ version, model, training }).toString(16).padStart(8, '0')}`;
}

/** A deep copy through JSON (undefined dropped, etc.) that shares, rather than copies, the large tensor strings. */
function jsonClone<T>(value: T): T {
  const extracted = stringifyExtracting(value, false);
  return JSON.parse(extracted.text, (_key, v: unknown) => {
    const m = typeof v === 'string' ? extracted.placeholder.exec(`"${v}"`) : null;
    return m ? extracted.big[Number(m[1])] : v;
  }) as T;
}

/**
 * Serializes a model state and its training record as a model file (pretty enough to read, compact tensors). Runs at
 * memory speed: the base64 tensors are never pushed through JSON.stringify, JSON.parse or the checksum as one text.
 */
export function encodeModelFile(model: ModelState, training: TrainingInfo = {}): string {
  // a JSON round trip first so the checksum covers exactly what a reader will parse (undefined dropped, etc.)
  const m = jsonClone(model);
  const t = JSON.parse(JSON.stringify(training)) as TrainingInfo;
  const doc = {
    format: MODEL_FILE_FORMAT,
    version: MODEL_FILE_VERSION,
    checksum: checksumOf(MODEL_FILE_VERSION, m, t),
    model: m,
    training: t,
  };
  const extracted = stringifyExtracting(doc, false, 1);
  return `${spliceBig(extracted.text, extracted)}\n`;
}

/** Options for {@link decodeModelFile}. */
export interface DecodeOptions {
  /** Fail unless the model is of this kind. */
  kind?: ModelKind;
}

/**
 * Parses and checks a model file: valid JSON, a matching checksum (checked before any other field is interpreted),
 * the right format, a version this code can read, a known model kind, and well-formed tensors whose data length
 * matches their shape.
 * @param source the file name, used in error messages
 * @throws ModelFileError naming `source` and what is wrong; a bare `toJSON()` state is refused with a pointer to
 *   `modelFromJSON`, which takes it
 */
export function decodeModelFile(text: string, source: string, options: DecodeOptions = {}): ModelFile {
  return checkModelFile(parseModelJson(text, source), source, options);
}

/** JSON.parse with the errors of a model file: empty, truncated, not JSON. */
export function parseModelJson(text: string, source: string): unknown {
  if (text.trim() === '') throw new ModelFileError(source, 'is empty');
  try {
    return JSON.parse(text);
  } catch (error) {
    const trimmed = text.trimEnd();
    const reason = error instanceof Error ? error.message : String(error);
    if (trimmed.startsWith('{') && !trimmed.endsWith('}')) {
      throw new ModelFileError(source, `is truncated (not a complete JSON document: ${reason})`);
    }
    throw new ModelFileError(source, `is not valid JSON (${reason})`);
  }
}

/** True for an object with the fields of a bare {@link ModelState} (what `toJSON()` returns) and no `format`. */
export function isBareModelState(doc: unknown): boolean {
  return isObject(doc) && doc.format === undefined && 'kind' in doc && 'tensors' in doc;
}

/**
 * {@link decodeModelFile} on an already parsed document (e.g. `JSON.parse` of a file, or a file object built in
 * memory): every check, the checksum included.
 */
export function checkModelFile(doc: unknown, source: string, options: DecodeOptions = {}): ModelFile {
  const fail = (problem: string): never => {
    throw new ModelFileError(source, problem);
  };
  if (!isObject(doc)) return fail('is not a JSON object');
  if (isBareModelState(doc)) {
    fail(
      'is a bare model state (the output of toJSON(): kind, config, vocab, tensors) with no format, version or ' +
        'checksum: load it with modelFromJSON(state), or write a complete model file with saveModelFile(path, model)',
    );
  }
  const training = doc.training === undefined ? {} : doc.training;
  const version = doc.version;
  // the checksum first: a damaged version, kind or shape is reported as damage, not as what the damage happens to say
  const expected = checksumOf(version, doc.model, training);
  const intact = doc.checksum === expected;
  if (doc.format !== MODEL_FILE_FORMAT) {
    if (intact) {
      fail(
        `is not a makemore-wasm model file (format is ${JSON.stringify(doc.format)}, expected "${MODEL_FILE_FORMAT}"), ` +
          'though its checksum matches: its "format" field is probably damaged',
      );
    }
    fail(`is not a makemore-wasm model file (format is ${JSON.stringify(doc.format)}, expected "${MODEL_FILE_FORMAT}")`);
  }
  if (!intact) {
    const mismatch = `checksum mismatch (file says ${JSON.stringify(doc.checksum)}, content gives "${expected}")`;
    if (typeof version === 'number' && Number.isInteger(version) && version > MODEL_FILE_VERSION) {
      fail(
        `is damaged or was written by a newer makemore-wasm (format version ${version}; this version reads format ` +
          `${MODEL_FILE_VERSION} and older): ${mismatch}`,
      );
    }
    fail(`is corrupt: ${mismatch}; it was changed or damaged after it was written`);
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    fail(`has an invalid format version ${JSON.stringify(version)}`);
  }
  if ((version as number) > MODEL_FILE_VERSION) {
    fail(
      `was written by a newer makemore-wasm (format version ${version}); this version reads format ` +
        `${MODEL_FILE_VERSION} and older: upgrade makemore-wasm`,
    );
  }
  const model = doc.model;
  if (!isObject(model)) return fail('has no "model" object');
  if (!isObject(training)) return fail('has a "training" field that is not an object');
  checkModelState(model, fail);
  if (options.kind !== undefined && model.kind !== options.kind) {
    fail(`holds a ${String(model.kind)} model, expected a ${options.kind} model`);
  }
  return { version: version as number, model: model as unknown as ModelState, training: training as TrainingInfo };
}

/**
 * The structure every model state must have — a known kind, a config object, a vocabulary of strings, well-formed
 * tensors — checked without a checksum (a bare state has none). Calls `fail` with the first problem.
 */
export function checkModelState(model: Record<string, unknown>, fail: (problem: string) => never): void {
  if (!isModelKind(model.kind)) {
    fail(`has an unknown model kind ${JSON.stringify(model.kind)} (expected one of ${MODEL_KINDS.join(', ')})`);
  }
  if (!isObject(model.config)) fail('has no model "config" object');
  if (!Array.isArray(model.vocab) || !model.vocab.every((c) => typeof c === 'string')) {
    fail('has no model "vocab" list of strings');
  }
  if (!isObject(model.tensors)) fail('has no model "tensors" object');
  for (const [name, tensor] of Object.entries(model.tensors as Record<string, unknown>)) checkTensor(name, tensor, fail);
}

/** A plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}


/**
 * A tensor must have a shape of non-negative integers and exactly 4·∏shape bytes of base64 data. Large data (a
 * checksummed file's tensors, up to hundreds of MB) is not scanned character by character here: decodeTensor does that
 * as it decodes, naming the tensor, so a 50 MB model is read once instead of twice.
 */
function checkTensor(name: string, tensor: unknown, fail: (problem: string) => never): void {
  if (!isObject(tensor)) fail(`tensor '${name}' is not an object`);
  const { shape, data } = tensor as Record<string, unknown>;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
  }
  if (typeof data !== 'string' || data.length % 4 !== 0 || (data.length <= 1 << 16 && !/^[A-Za-z0-9+/]*={0,2}$/.test(data))) {
    fail(`tensor '${name}' has data that is not base64`);
  }
  const s = data as string;
  const padding = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const bytes = (s.length / 4) * 3 - padding;
  const elements = (shape as number[]).reduce((a, b) => a * b, 1);
  if (bytes !== elements * 4) {
    fail(`tensor '${name}' has ${bytes} bytes of data, shape [${(shape as number[]).join(', ')}] needs ${elements * 4}`);
  }
}
