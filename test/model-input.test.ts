/**
 * One model file for library and CLI: modelFromJSON takes a file the CLI wrote (parsed, as text, or decoded) as well as
 * a bare toJSON() state; the CLI takes a toJSON() state with a note; an error that meets the other shape says what to
 * call; saveModelFile / loadModelFile from the Node entry.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultNames } from '../src/data/default-names.ts';
import { decodeModelFile, encodeModelFile, ModelFileError } from '../src/io/model-file.ts';
import * as nodeEntry from '../src/node.ts';
import { MLP, modelFromJSON, NeuralBigram, NGramModel, Vocabulary } from '../src/index.ts';

const BIN = fileURLToPath(new URL('../bin/makemore.js', import.meta.url));
const words = defaultNames().filter((_, i) => i % 20 === 0);
let dir: string;

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'makemore-input-'));
  writeFileSync(join(dir, 'words.txt'), `${words.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('modelFromJSON takes a CLI model file as well as a bare state', { timeout: 60_000 }, () => {
  it('a file written by makemore train: parsed, as text, decoded, and its .model all give the same model', async () => {
    const r = await run(['train', '--data', 'words.txt', '--model', 'bigram', '--steps', '10', '--samples', '0', '--out', 'b.json', '--backend', 'js']);
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'b.json'), 'utf8');
    const fromText = await modelFromJSON(text, { backend: 'js' });
    const fromDoc = await modelFromJSON(JSON.parse(text), { backend: 'js' });
    const fromDecoded = await modelFromJSON(nodeEntry.loadModelFile(join(dir, 'b.json')), { backend: 'js' });
    const fromState = await modelFromJSON(decodeModelFile(text, 'b.json').model, { backend: 'js' });
    expect(fromText).toBeInstanceOf(NeuralBigram);
    for (const m of [fromDoc, fromDecoded, fromState]) expect(m.toJSON()).toEqual(fromText.toJSON());
    // and it is the model the CLI sampled from
    const cli = await run(['sample', '--model', 'b.json', '--count', '6', '--seed', '3', '--backend', 'js']);
    expect(cli.stdout).toBe(fromText.sample({ count: 6, seed: 3 }).map((w) => `${w}\n`).join(''));
  });

  it('checks the checksum of a file it is given', async () => {
    const model = NGramModel.fit(words, { n: 2, smoothing: 1 });
    const doc = JSON.parse(encodeModelFile(model.toJSON(), {})) as { model: { config: { smoothing: number } } };
    doc.model.config.smoothing = 2;
    await expect(modelFromJSON(doc as never)).rejects.toThrow(ModelFileError);
    await expect(modelFromJSON(doc as never)).rejects.toThrow(/modelFromJSON input.*checksum mismatch/);
  });

  it('a model class given a whole file, and decodeModelFile given a bare state, say what to call', async () => {
    const mlp = await MLP.create({ vocab: Vocabulary.fromWords(words), hidden: [8], embedDim: 2, seed: 1, backend: 'js' });
    const file = JSON.parse(encodeModelFile(mlp.toJSON(), {}));
    await expect(MLP.fromJSON(file)).rejects.toThrow(/^MLP\.fromJSON: got a model file .* pass it to modelFromJSON\(file\)/);
    expect(() => NGramModel.fromJSON(file)).toThrow(/NGramModel\.fromJSON: got a model file/);
    await expect(NeuralBigram.fromJSON(file)).rejects.toThrow(/NeuralBigram\.fromJSON: got a model file/);
    expect(() => decodeModelFile(JSON.stringify(mlp.toJSON()), 'state.json')).toThrow(
      /^model file 'state\.json': is a bare model state \(the output of toJSON\(\).*load it with modelFromJSON\(state\), or write a complete model file with saveModelFile\(path, model\)/,
    );
  });
});

describe('the CLI takes a bare toJSON() state, with a note', { timeout: 60_000 }, () => {
  it('sample and eval run on it; the note says it carries no checksum', async () => {
    const model = NGramModel.fit(words, { n: 2, smoothing: 1 });
    writeFileSync(join(dir, 'state.json'), JSON.stringify(model.toJSON()));
    const [sample, evaluated] = await Promise.all([
      run(['sample', '--model', 'state.json', '--count', '7', '--seed', '9']),
      run(['eval', '--model', 'state.json', '--data', 'words.txt', '--json']),
    ]);
    const note = /^makemore (sample|eval): note: 'state\.json' is a bare model state \(toJSON\(\) output\), not a model file: it carries no checksum, so damage to it cannot be detected\n$/;
    expect(sample.stderr).toMatch(note);
    expect(sample.code).toBe(0);
    expect(sample.stdout).toBe(model.sample({ count: 7, seed: 9 }).map((w) => `${w}\n`).join(''));
    expect(evaluated.stderr).toMatch(note);
    expect(JSON.parse(evaluated.stdout).nll).toBe(model.nll(words));
    // a damaged bare state is still refused by its structure
    writeFileSync(join(dir, 'bad-state.json'), JSON.stringify({ ...model.toJSON(), kind: 'cnn' }));
    const bad = await run(['sample', '--model', 'bad-state.json']);
    expect(bad.stderr).toMatch(/--model: model file 'bad-state\.json': \(a bare model state\) has an unknown model kind "cnn"/);
    expect(bad.code).toBe(2);
  });
});

describe('saveModelFile / loadModelFile from the Node entry', () => {
  it('saves a model (or its state) atomically with a checksum and loads it back', async () => {
    const model = NGramModel.fit(words, { n: 3, smoothing: 0.5 });
    const path = join(dir, 'saved.json');
    nodeEntry.saveModelFile(path, model, { steps: 0 });
    const file = nodeEntry.loadModelFile(path);
    expect(file.model).toEqual(model.toJSON());
    expect(file.training).toEqual({ steps: 0 });
    expect(JSON.parse(readFileSync(path, 'utf8')).checksum).toMatch(/^crc32:[0-9a-f]{8}$/);
    nodeEntry.saveModelFile(path, model.toJSON());
    expect(nodeEntry.loadModelFile(path).model).toEqual(model.toJSON());
    const again = await nodeEntry.modelFromJSON(file);
    expect(again.sample({ count: 5, seed: 1 })).toEqual(model.sample({ count: 5, seed: 1 }));
  });
});
