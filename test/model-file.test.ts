import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/io/atomic-write.ts';
import { crc32, crc32Hex } from '../src/io/crc32.ts';
import { canonicalJson, decodeModelFile, encodeModelFile, ModelFileError, MODEL_FILE_VERSION } from '../src/io/model-file.ts';
import { loadModelFile, saveModelFile } from '../src/io/model-file-node.ts';
import type { BackendName } from '../src/backend/index.ts';
import { defaultNames } from '../src/data/default-names.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { NeuralBigram } from '../src/models/bigram.ts';
import { modelFromJSON } from '../src/io/load-model.ts';
import type { AnyModel } from '../src/models/registry.ts';
import { MLP } from '../src/models/mlp.ts';
import type { ModelState } from '../src/models/model.ts';
import { NGramModel } from '../src/models/ngram.ts';
import { train } from '../src/train.ts';

function f32Base64(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString('base64');
}

/** A hand-made state: the file format does not care which model produced it. */
function sampleState(): ModelState {
  return {
    kind: 'mlp',
    config: { blockSize: 3, embedDim: 2, hidden: [4], batchNorm: true },
    vocab: ['a', 'b'],
    tensors: {
      C: { shape: [3, 2], data: f32Base64([0.5, -1.25, 3, 1e-7, -0, 42]) },
      empty: { shape: [0], data: '' },
    },
  };
}

const training = { steps: 10, seconds: 0.5, history: [{ step: 0, train: 3.3, dev: 3.31 }, { step: 9, train: 2.9 }] };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'makemore-file-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('crc32', () => {
  it('gives the standard check value for "123456789"', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32Hex('')).toBe('00000000');
  });
});

describe('model file encode/decode', () => {
  it('round-trips the state and training record exactly', () => {
    const text = encodeModelFile(sampleState(), training);
    const file = decodeModelFile(text, 'x.json');
    expect(file.version).toBe(MODEL_FILE_VERSION);
    expect(file.model).toEqual(sampleState());
    expect(file.training).toEqual(training);
    const doc = JSON.parse(text);
    expect(doc.format).toBe('makemore-wasm');
    expect(doc.checksum).toMatch(/^crc32:[0-9a-f]{8}$/);
  });

  it('accepts a re-indented file (the checksum is over canonical JSON)', () => {
    const text = JSON.stringify(JSON.parse(encodeModelFile(sampleState(), training)));
    expect(decodeModelFile(text, 'x.json').model).toEqual(sampleState());
  });

  /** Edits the document and writes the checksum the reference way: CRC-32 of the canonical JSON. */
  const resign = (text: string, edit: (doc: any) => void): string => {
    const doc = JSON.parse(text);
    edit(doc);
    doc.checksum = `crc32:${crc32Hex(canonicalJson({ version: doc.version, model: doc.model, training: doc.training }))}`;
    return JSON.stringify(doc, null, 1);
  };

  const cases: [string, (text: string) => string, RegExp][] = [
    ['empty', () => '', /'bad\.json': is empty/],
    ['truncated', (t) => t.slice(0, Math.floor(t.length / 2)), /'bad\.json': is truncated/],
    ['not JSON', () => 'hello', /'bad\.json': is not valid JSON/],
    ['another format', () => JSON.stringify({ format: 'other', version: 1, checksum: 'x', model: {} }), /not a makemore-wasm model file/],
    // damage to a header field is reported as damage (issue 11): the checksum is verified before any field is read
    ['newer version (damaged)', (t) => t.replace(`"version": ${MODEL_FILE_VERSION}`, '"version": 99'), /damaged or was written by a newer makemore-wasm \(format version 99/],
    ['unknown kind (damaged)', (t) => t.replace('"kind": "mlp"', '"kind": "figram"'), /corrupt: checksum mismatch/],
    ['damaged format field', (t) => t.replace('"makemore-wasm"', '"makemore-wasn"'), /format is "makemore-wasn".*checksum matches: its "format" field is probably damaged/],
    // the same changes with a checksum that matches (written so): reported as what they are
    ['newer version', (t) => resign(t, (d) => (d.version = 99)), /was written by a newer makemore-wasm \(format version 99\)/],
    ['unknown kind', (t) => resign(t, (d) => (d.model.kind = 'nosuchmodel')), /unknown model kind "nosuchmodel"/],
    [
      'short tensor data',
      (t) => resign(t, (d) => (d.model.tensors.C.data = f32Base64([1, 2]))),
      /tensor 'C' has 8 bytes/,
    ],
    [
      'a flipped parameter',
      (t) => t.replace(f32Base64([0.5, -1.25, 3, 1e-7, -0, 42]), f32Base64([0.5, -1.25, 3, 1e-7, -0, 43])),
      /corrupt: checksum mismatch/,
    ],
    ['edited history', (t) => t.replace('3.31', '3.32'), /corrupt: checksum mismatch/],
    ['edited kind', (t) => t.replace('"kind": "mlp"', '"kind": "bigram"'), /corrupt: checksum mismatch/],
    ['short tensor data (damaged)', (t) => t.replace(f32Base64([0.5, -1.25, 3, 1e-7, -0, 42]), f32Base64([1, 2])), /corrupt: checksum mismatch/],
  ];
  for (const [name, damage, message] of cases) {
    it(`rejects a file that is ${name}`, () => {
      const text = damage(encodeModelFile(sampleState(), training));
      expect(text).not.toBe(encodeModelFile(sampleState(), training)); // the damage really changed something
      expect(() => decodeModelFile(text, 'bad.json')).toThrow(ModelFileError);
      expect(() => decodeModelFile(text, 'bad.json')).toThrow(message);
    });
  }

  it('rejects a model of another kind than the one asked for', () => {
    const text = encodeModelFile(sampleState(), training);
    expect(() => decodeModelFile(text, 'm.json', { kind: 'bigram' })).toThrow(/'m\.json': holds a mlp model, expected a bigram/);
    expect(decodeModelFile(text, 'm.json', { kind: 'mlp' }).model.kind).toBe('mlp');
  });
});

describe('saveModelFile / loadModelFile', () => {
  it('saves and loads', () => {
    const path = join(dir, 'model.json');
    saveModelFile(path, sampleState(), training);
    expect(loadModelFile(path).model).toEqual(sampleState());
    expect(readdirSync(dir)).toEqual(['model.json']);
  });

  it('names a missing file', () => {
    expect(() => loadModelFile(join(dir, 'nope.json'))).toThrow(/nope\.json': does not exist/);
  });

  it('a write that fails part-way leaves the previous file intact and no temp file', () => {
    const path = join(dir, 'model.json');
    saveModelFile(path, sampleState(), training);
    const before = readFileSync(path, 'utf8');
    const other = { ...sampleState(), config: { blockSize: 5 } };
    let calls = 0;
    const failing = (fd: number, buffer: Uint8Array, offset: number, length: number): number => {
      calls++;
      if (calls === 1) return writeSync(fd, buffer, offset, Math.min(length, 50));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    expect(() => saveModelFile(path, other, training, { write: failing, chunkSize: 64 })).toThrow(/ENOSPC/);
    expect(calls).toBe(2);
    // the message names the file the user asked for, not only the hidden temp file
    calls = 0;
    expect(() => saveModelFile(path, other, training, { write: failing, chunkSize: 64 })).toThrow(
      `cannot write '${path}': no space left on device (ENOSPC)`,
    );
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['model.json']);
  });

  it('a process killed in the middle of a write leaves the previous file intact', async () => {
    const path = join(dir, 'model.json');
    writeFileSync(path, 'previous content');
    // the child writes one chunk of the temp file, says so, then hangs until we kill it with SIGKILL
    const script = `
      import { writeSync } from 'node:fs';
      import { writeFileAtomic } from ${JSON.stringify(fileURLToPath(new URL('../src/io/atomic-write.ts', import.meta.url)))};
      let n = 0;
      writeFileAtomic(${JSON.stringify(path)}, 'x'.repeat(100000), { chunkSize: 1000, write: (fd, b, o, l) => {
        if (n++ === 1) { process.stdout.write('partial\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); }
        return writeSync(fd, b, o, l);
      } });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    let out = '';
    for await (const chunk of child.stdout) {
      out += String(chunk);
      if (out.includes('partial')) break;
    }
    child.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    expect(readFileSync(path, 'utf8')).toBe('previous content');
    // the killed writer leaves its hidden temp file behind, never anything at the target path
    const temps = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    expect(temps.length).toBe(1);
    expect(readFileSync(join(dir, temps[0]), 'utf8')).toBe('x'.repeat(1000));
    // issue 11: the next write to the same target removes the dead writer's temp file
    writeFileAtomic(path, 'next content');
    expect(readFileSync(path, 'utf8')).toBe('next content');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 30000);

  it('writeFileAtomic replaces the content', () => {
    const path = join(dir, 'f.txt');
    writeFileAtomic(path, 'one');
    writeFileAtomic(path, new TextEncoder().encode('two'));
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(existsSync(path)).toBe(true);
  });
});

describe('save → load round trip of real models', () => {
  const words = defaultNames().filter((_, i) => i % 25 === 0);
  const backends: BackendName[] = existsSync(fileURLToPath(new URL('../build/kernels.wasm', import.meta.url))) ? ['js', 'wasm'] : ['js'];

  async function roundTrip(model: AnyModel, backend: BackendName): Promise<AnyModel> {
    const path = join(dir, `${model.kind}.json`);
    saveModelFile(path, model.toJSON(), { steps: 1 });
    return modelFromJSON(loadModelFile(path, { kind: model.kind }).model, { backend });
  }

  function expectSame(a: AnyModel, b: AnyModel): void {
    expect(b.kind).toBe(a.kind);
    expect(b.nll(words)).toBe(a.nll(words));
    for (const seed of [1, 2]) {
      expect(b.sample({ count: 12, seed })).toEqual(a.sample({ count: 12, seed }));
      expect(b.sample({ count: 5, seed, temperature: 0.5, prefix: 'a' })).toEqual(a.sample({ count: 5, seed, temperature: 0.5, prefix: 'a' }));
    }
    expect(b.toJSON()).toEqual(a.toJSON());
  }

  for (const backend of backends) {
    it(`MLP with BatchNorm, trained a few steps (${backend})`, async () => {
      const vocab = Vocabulary.fromWords(words);
      const mlp = await MLP.create({ vocab, blockSize: 3, embedDim: 4, hidden: [12, 8], seed: 3, backend });
      await train(mlp, { data: { train: words }, steps: 30, batchSize: 16, lr: 0.1 });
      const loaded = await roundTrip(mlp, backend);
      expectSame(mlp, loaded);
      // the BatchNorm running statistics came back too: eval-mode logits are identical
      const X = Int32Array.from([0, 0, 0, 0, 0, 1, 0, 1, 2]);
      expect((loaded as MLP).logits(X)).toEqual(mlp.logits(X));
    });

    it(`neural bigram (${backend})`, async () => {
      const bigram = await NeuralBigram.create({ vocab: Vocabulary.fromWords(words), seed: 5, backend });
      await train(bigram, { data: { train: words }, steps: 5, lr: 10 });
      expectSame(bigram, await roundTrip(bigram, backend));
    });
  }

  it('n-gram counts (no backend)', async () => {
    const ngram = NGramModel.fit(words, { n: 3, smoothing: 0.5 });
    expectSame(ngram, await roundTrip(ngram, 'js'));
  });
});

describe('model files of large models (issue 11)', () => {
  it('checksum and text agree with the reference path (canonical JSON, CRC-32) for a multi-megabyte tensor', () => {
    const n = 300_000; // 1.2 MB of float32: above the out-of-line string threshold
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = Math.sin(i) * 1e3;
    const state: ModelState = {
      kind: 'ngram',
      config: { n: 1, smoothing: 1 },
      vocab: [],
      tensors: { counts: { shape: [n], data: Buffer.from(values.buffer).toString('base64') } },
    };
    const text = encodeModelFile(state, training);
    const doc = JSON.parse(text);
    // the reference: the plain JSON.stringify path of format 1
    expect(doc.checksum).toBe(`crc32:${crc32Hex(canonicalJson({ version: MODEL_FILE_VERSION, model: state, training }))}`);
    expect(text).toBe(`${JSON.stringify({ format: 'makemore-wasm', version: MODEL_FILE_VERSION, checksum: doc.checksum, model: state, training }, null, 1)}\n`);
    expect(decodeModelFile(text, 'big.json').model).toEqual(state);
    // one flipped digit deep inside the large tensor is caught
    const at = text.indexOf(state.tensors.counts.data) + 777_777;
    const flipped = text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    expect(() => decodeModelFile(flipped, 'big.json')).toThrow(/checksum mismatch/);
  });
});
