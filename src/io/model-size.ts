/**
 * How large a model file may be, and how large a model's file will be, so that a model too big to save is refused
 * before any training or counting rather than crashing at save time after minutes of work.
 */

/** The limit on a model file's tensor data: 256 MiB of base64 text (about 50 M float32 values). */
export const MAX_MODEL_FILE_BYTES = 256 * 1024 * 1024;

/** Readers accept a little more than writers produce: the loss history and the JSON around the tensors. */
export const MAX_MODEL_FILE_READ_BYTES = MAX_MODEL_FILE_BYTES + 64 * 1024 * 1024;

/** Bytes of the base64 text of `floats` float32 values (4 bytes each, 4 characters per 3 bytes). */
export function tensorFileBytes(floats: number): number {
  return Math.ceil((floats * 4) / 3) * 4;
}

/** The most float32 values whose base64 fits in {@link MAX_MODEL_FILE_BYTES}. */
export const MAX_MODEL_FLOATS = Math.floor((MAX_MODEL_FILE_BYTES / 4) * 3 / 4);

/**
 * Throws when `floats` values would not fit in a model file, with the size in the message.
 * @param what what the values are, e.g. "an ngram model with n = 4 over 89 characters (89^4 counts)"
 */
export function checkModelFloats(floats: number, what: string): void {
  if (floats > MAX_MODEL_FLOATS) {
    const mb = (tensorFileBytes(floats) / (1024 * 1024)).toFixed(0);
    throw new ModelTooLargeError(
      `${what} holds ${floats.toLocaleString('en-US')} values: its model file would take ${mb} MiB, more than the limit of ` +
        `${MAX_MODEL_FILE_BYTES / (1024 * 1024)} MiB (${MAX_MODEL_FLOATS.toLocaleString('en-US')} values)`,
    );
  }
}

/** A model too large to save (or to hold in memory). */
export class ModelTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelTooLargeError';
  }
}
