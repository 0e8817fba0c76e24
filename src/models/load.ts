/**
 * Restoring any saved model from its {@link ModelState}, whatever its kind: the registry dispatches on `state.kind`.
 */
export { modelFromJSON, type AnyModel } from './registry.ts';
