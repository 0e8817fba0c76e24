import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultNames } from '../src/data/default-names.ts';
import { MLP } from '../src/models/mlp.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { train } from '../src/train.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('the package as a plain-Node user imports it', () => {
  it('resolves makemore-wasm and makemore-wasm/names through the exports map, no TypeScript loader, same numbers', async () => {
    expect(existsSync(`${ROOT}dist/makemore.js`), 'dist/ is built by `npm install` (prepare) or `npm run build`').toBe(true);
    // a self-reference by package name goes through "exports", exactly as it would from node_modules
    const script = `
      import { MLP, Vocabulary, train } from 'makemore-wasm';
      import { defaultNames } from 'makemore-wasm/names';
      const words = defaultNames().slice(0, 300);
      const model = await MLP.create({ vocab: Vocabulary.fromWords(words), hidden: [16], embedDim: 4, seed: 5 });
      const r = await train(model, { data: { train: words }, steps: 30, batchSize: 16, seed: 5, evalEvery: 30 });
      console.log(JSON.stringify({ loss: r.history.at(-1).trainLoss, samples: model.sample({ count: 3, seed: 2 }) }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    const got = JSON.parse(out.trim().split('\n').at(-1)!);

    const words = defaultNames().slice(0, 300);
    const model = await MLP.create({ vocab: Vocabulary.fromWords(words), hidden: [16], embedDim: 4, seed: 5 });
    const r = await train(model, { data: { train: words }, steps: 30, batchSize: 16, seed: 5, evalEvery: 30 });
    expect(got.loss).toBe(r.history.at(-1)!.trainLoss);
    expect(got.samples).toEqual(model.sample({ count: 3, seed: 2 }));
  }, 30_000);

  it('makemore-wasm/nowasm in Node without { wasm } says that the kernels must be passed as bytes', () => {
    const script = `
      import { MLP, Vocabulary } from 'makemore-wasm/nowasm';
      try { await MLP.create({ vocab: Vocabulary.fromWords(['ab']) }); console.log('created'); }
      catch (e) { console.log(e.message); }
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toMatch(/^makemore-wasm\/nowasm: this bundle does not carry the WebAssembly kernels .*; pass the wasm bytes: createBackend\('wasm', \{ wasm: readFileSync\(kernelsPath\) \}\)/);
    expect(out).not.toMatch(/fetch failed/);
  }, 30_000);

  it('in Node, makemore-wasm (and makemore-wasm/node) also exports saveModelFile / loadModelFile, files modelFromJSON reads', () => {
    const script = `
      import { NGramModel, modelFromJSON, saveModelFile, loadModelFile } from 'makemore-wasm';
      import * as viaSubpath from 'makemore-wasm/node';
      import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
      import { join } from 'node:path';
      import { tmpdir } from 'node:os';
      const dir = mkdtempSync(join(tmpdir(), 'makemore-pkg-'));
      const model = NGramModel.fit(['anna', 'bob', 'eve'], { n: 2, smoothing: 1 });
      saveModelFile(join(dir, 'm.json'), model, { steps: 0 });
      const fromFile = await modelFromJSON(loadModelFile(join(dir, 'm.json')));
      const fromText = await modelFromJSON(readFileSync(join(dir, 'm.json'), 'utf8'));
      console.log(JSON.stringify({
        same: viaSubpath.saveModelFile === saveModelFile,
        samples: [model.sample({ count: 4, seed: 1 }), fromFile.sample({ count: 4, seed: 1 }), fromText.sample({ count: 4, seed: 1 })],
      }));
      rmSync(dir, { recursive: true, force: true });
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    const got = JSON.parse(out.trim().split('\n').at(-1)!) as { same: boolean; samples: string[][] };
    expect(got.same).toBe(true);
    expect(got.samples[1]).toEqual(got.samples[0]);
    expect(got.samples[2]).toEqual(got.samples[0]);
  }, 30_000);
});
