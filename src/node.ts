/**
 * The Node entry of makemore-wasm (`import … from 'makemore-wasm'` in Node, or `'makemore-wasm/node'`): everything
 * of the browser entry plus the model-file helpers that need the file system — an atomic, checksummed
 * {@link saveModelFile} and {@link loadModelFile}, and {@link loadModelInput}, which also takes a bare `toJSON()` state.
 */
export * from './index.ts';
export { saveModelFile, loadModelFile, loadModelInput } from './io/model-file-node.ts';
export { writeFileAtomic, type AtomicWriteOptions } from './io/atomic-write.ts';
