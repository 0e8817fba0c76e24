/**
 * The error a model class's `fromJSON` gives when it is handed a whole model file instead of the state inside it:
 * it says what to call instead.
 */

/** Throws when `state` has the shape of a model file (a `format` field, or `model` + `version` without `kind`). */
export function rejectModelFile(state: unknown, who: string): void {
  if (state === null || typeof state !== 'object') return;
  const doc = state as Record<string, unknown>;
  const isFile = doc.format !== undefined || (doc.kind === undefined && typeof doc.model === 'object' && 'version' in doc);
  if (isFile) {
    throw new Error(
      `${who}: got a model file (format, version, checksum, model, training), not a model state: pass it to ` +
        'modelFromJSON(file), which checks the checksum and builds any kind of model, or pass its .model here',
    );
  }
}
