/**
 * Model files under damage: every kind of truncation, random bit flips, damaged header fields, a writer killed
 * mid-write, and the speed of a 50 MB model's encode and decode.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Vocabulary } from '../../src/data/vocabulary.ts';
import { writeFileAtomic } from '../../src/io/atomic-write.ts';
import { canonicalJson, decodeModelFile, encodeModelFile, ModelFileError, MODEL_FILE_VERSION } from '../../src/io/model-file.ts';
import { MLP } from '../../src/models/mlp.ts';
import type { ModelState } from '../../src/models/model.ts';
import { encodeTensor, decodeTensor } from '../../src/models/tensor-codec.ts';
import { Rng } from '../../src/rng.ts';
import { train } from '../../src/train.ts';
import { Tally } from './common.ts';

/** Handled: refused with a ModelFileError, or (harmless damage, e.g. whitespace) decoded to exactly the same model. */
function decodesSafely(text: string | null, original: ModelState): { ok: boolean; changedLoaded: boolean; detail: string } {
  if (text === null) return { ok: true, changedLoaded: false, detail: '' };
  try {
    const file = decodeModelFile(text, 'damaged.json');
    const same = canonicalJson(file.model) === canonicalJson(original);
    return { ok: same, changedLoaded: !same, detail: same ? '' : 'a changed model loaded' };
  } catch (error) {
    return { ok: error instanceof ModelFileError, changedLoaded: false, detail: (error as Error).message.slice(0, 120) };
  }
}

async function smallModelText(words: string[]): Promise<{ text: string; state: ModelState }> {
  const mlp = await MLP.create({ vocab: Vocabulary.fromWords(words), embedDim: 4, hidden: [16], seed: 1, backend: 'js' });
  await train(mlp, { data: { train: words }, steps: 30, batchSize: 16 });
  const state = mlp.toJSON();
  return { text: encodeModelFile(state, { steps: 30, history: [{ step: 30, train: 3.1 }] }), state };
}

/** Truncations at every length (or 1,000 evenly spaced ones), and 1,200 single-bit flips. */
export async function damageCases(words: string[]): Promise<Tally[]> {
  const { text, state } = await smallModelText(words);
  const bytes = new TextEncoder().encode(text);
  const truncations = new Tally('model file: truncations (refused or unchanged)');
  const step = Math.max(1, Math.floor(bytes.length / 1000));
  let changedLoaded = 0;
  for (let n = 0; n < bytes.length; n += step) {
    const r = decodesSafely(new TextDecoder().decode(bytes.subarray(0, n)), state);
    if (r.changedLoaded) changedLoaded++;
    truncations.check(`truncated to ${n} bytes`, r.ok, r.detail);
  }
  const flips = new Tally('model file: single-bit flips (refused or unchanged)');
  const rng = new Rng(11);
  for (let k = 0; k < 1200; k++) {
    const at = rng.int(bytes.length);
    const bit = rng.int(8);
    const damaged = bytes.slice();
    damaged[at] ^= 1 << bit;
    let decoded: string | null;
    try {
      decoded = new TextDecoder('utf-8', { fatal: true }).decode(damaged);
    } catch {
      decoded = null; // not UTF-8 any more: loadModelFile refuses it before parsing
    }
    const r = decodesSafely(decoded, state);
    if (r.changedLoaded) changedLoaded++;
    flips.check(`bit ${bit} of byte ${at}`, r.ok, r.detail);
  }
  const header = new Tally('model file: damaged header fields reported as damage');
  const edits: [string, string, string][] = [
    [`version ${MODEL_FILE_VERSION + 1}`, `"version": ${MODEL_FILE_VERSION}`, `"version": ${MODEL_FILE_VERSION + 1}`],
    ['version 9', `"version": ${MODEL_FILE_VERSION}`, '"version": 9'],
    ['version 0', `"version": ${MODEL_FILE_VERSION}`, '"version": 0'],
    ['version 1', `"version": ${MODEL_FILE_VERSION}`, '"version": 1'],
    ['kind figram', '"kind": "mlp"', '"kind": "figram"'],
    ['kind bigram', '"kind": "mlp"', '"kind": "bigram"'],
    ['kind ngram', '"kind": "mlp"', '"kind": "ngram"'],
    ['format', '"makemore-wasm"', '"makemore-wasn"'],
    ['shape', '"shape": [', '"shape": [1, '],
  ];
  for (const [label, from, to] of edits) {
    if (!text.includes(from)) {
      header.check(label, false, `the file has no ${from} to damage`); // never count an unchanged file as handled
      continue;
    }
    try {
      decodeModelFile(text.replace(from, to), 'h.json');
      header.check(label, false, 'loaded');
    } catch (error) {
      header.check(label, /checksum|damaged/.test((error as Error).message), (error as Error).message.slice(0, 120));
    }
  }
  truncations.failures.push(...(changedLoaded > 0 ? [`${changedLoaded} changed files loaded in all`] : []));
  return [truncations, flips, header];
}

/** A writer SIGKILLed mid-write leaves the target intact, and the next write removes its temp file. */
export async function killedWriterCases(dir: string): Promise<Tally> {
  const tally = new Tally('atomic writes: writers killed mid-write');
  const atomic = fileURLToPath(new URL('../../src/io/atomic-write.ts', import.meta.url));
  for (let k = 0; k < 3; k++) {
    const path = join(dir, `killed-${k}.json`);
    writeFileSync(path, 'previous');
    const script = `
      import { writeSync } from 'node:fs';
      import { writeFileAtomic } from ${JSON.stringify(atomic)};
      let n = 0;
      writeFileAtomic(${JSON.stringify(path)}, 'x'.repeat(100000), { chunkSize: 1000, write: (fd, b, o, l) => {
        if (n++ === ${k + 1}) { process.stdout.write('partial\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); }
        return writeSync(fd, b, o, l);
      } });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    for await (const chunk of child.stdout!) if (String(chunk).includes('partial')) break;
    child.kill('SIGKILL');
    await exited;
    const intact = readFileSync(path, 'utf8') === 'previous';
    writeFileAtomic(path, 'next');
    const leftovers = readdirSync(dir).filter((f) => f.startsWith(`.killed-${k}.json.`));
    tally.check(`killed after ${k + 1} chunks`, intact && leftovers.length === 0 && readFileSync(path, 'utf8') === 'next', `intact ${intact}, leftovers ${leftovers.length}`);
  }
  return tally;
}

/** Encode and decode of a model with 50 MB of float32 tensors; each direction must take under a second. */
export function speedCases(): { tally: Tally; figures: string } {
  const tally = new Tally('model file: 50 MB model encode and decode < 1 s each');
  const n = 12_500_000;
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = Math.sin(i);
  let t = performance.now();
  const state: ModelState = { kind: 'ngram', config: { n: 1, smoothing: 1 }, vocab: [], tensors: { counts: encodeTensor(values, [n]) } };
  const text = encodeModelFile(state);
  const encode = (performance.now() - t) / 1000;
  t = performance.now();
  const back = decodeTensor(decodeModelFile(text, 'big.json').model.tensors.counts, 'counts', [n]);
  const decode = (performance.now() - t) / 1000;
  tally.check('encode', encode < 1, `${encode.toFixed(2)} s`);
  tally.check('decode', decode < 1 && back[n - 1] === values[n - 1], `${decode.toFixed(2)} s`);
  const mbps = (s: number): string => (50 / s).toFixed(0);
  return { tally, figures: `50 MB model: encode ${encode.toFixed(2)} s (${mbps(encode)} MB/s), decode ${decode.toFixed(2)} s (${mbps(decode)} MB/s); file ${(text.length / 1e6).toFixed(1)} MB` };
}
