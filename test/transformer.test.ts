/**
 * makemore.py's Transformer and BoW as models (issue 15): parameter counts against makemore.py's layer formulas,
 * the causal structure through the whole model, bad input, training, saving and loading, wasm against JS, and the
 * CLI (train → sample → eval → plot, --resume).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHere } from './helpers/cli-run.ts';
import { defaultNames } from '../src/data/default-names.ts';
import { buildSequences } from '../src/data/sequences.ts';
import { Vocabulary } from '../src/data/vocabulary.ts';
import { loadModelFile } from '../src/io/model-file-node.ts';
import { BoW } from '../src/models/bow.ts';
import { modelFromJSON } from '../src/io/load-model.ts';
import { Transformer } from '../src/models/transformer.ts';

const letters = Vocabulary.fromWords(['abcdefghijklmnopqrstuvwxyz']);
const words = defaultNames().filter((_, i) => i % 40 === 0);
const vocab = Vocabulary.fromWords(words);

/** makemore.py's count: wte, wpe, per block ln_1 + c_attn + c_proj + ln_2 + c_fc + c_proj, ln_f, lm_head (no bias). */
function makemoreTransformerCount(V: number, T: number, C: number, L: number): number {
  const linear = (i: number, o: number, bias = true) => i * o + (bias ? o : 0);
  const block = 2 * C + linear(C, 3 * C) + linear(C, C) + 2 * C + linear(C, 4 * C) + linear(4 * C, C);
  return V * C + T * C + L * block + 2 * C + linear(C, V, false);
}

describe('Transformer and BoW models', () => {
  it("have makemore.py's parameter counts (204,544 for the Transformer on names.txt's V = 27, T = 16)", async () => {
    const t = await Transformer.create({ vocab: letters, blockSize: 16 });
    expect(makemoreTransformerCount(27, 16, 64, 4)).toBe(204544);
    expect(t.parameterCount).toBe(makemoreTransformerCount(27, 16, 64, 4));
    const small = await Transformer.create({ vocab: letters, blockSize: 9, layers: 2, heads: 2, embed: 12, backend: 'js' });
    expect(small.parameterCount).toBe(makemoreTransformerCount(27, 9, 12, 2));
    const bow = await BoW.create({ vocab: letters, blockSize: 16 });
    // wte, wpe, c_fc (C → embed2), c_proj (embed2 → C), lm_head with bias
    expect(bow.parameterCount).toBe(27 * 64 + 16 * 64 + (64 * 64 + 64) * 2 + (64 * 27 + 27));
    expect(t.net.optimizerSpec).toEqual({ kind: 'adamw', beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01 });
  });

  it.each(['transformer', 'bow'] as const)('%s: the logits at a position do not depend on later characters (bit-identical)', async (kind) => {
    const m = kind === 'transformer'
      ? await Transformer.create({ vocab: letters, blockSize: 8, layers: 2, heads: 2, embed: 16 })
      : await BoW.create({ vocab: letters, blockSize: 8, embed: 16, embed2: 16 });
    const V = 27;
    const a = Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7);
    const base = m.logits(a);
    for (const t of [2, 5, 7]) {
      const b = a.slice();
      b[t] = 20;
      const changed = m.logits(b);
      expect(Array.from(changed.subarray(0, t * V))).toEqual(Array.from(base.subarray(0, t * V)));
      expect(Array.from(changed.subarray(t * V, (t + 1) * V))).not.toEqual(Array.from(base.subarray(t * V, (t + 1) * V)));
    }
  });

  it.each(['wasm', 'js'] as const)('%s: sampling with the key/value cache gives the words of the full forward (O(T²)) sampling', async (backend) => {
    const T = Math.max(...words.map((w) => w.length)) + 1;
    const m = await Transformer.create({ vocab, blockSize: T, layers: 2, heads: 2, embed: 16, seed: 11, backend });
    const s = buildSequences(words, vocab, T);
    for (let step = 0; step < 30; step++) {
      const o = ((step * 8) % (s.count - 8)) * T;
      m.trainStep(s.X.subarray(o, o + 8 * T), s.Y.subarray(o, o + 8 * T), 1e-2);
    }
    const full = Object.getPrototypeOf(Transformer.prototype) as { sample: Transformer['sample'] };
    for (const options of [{ count: 40, seed: 1 }, { count: 12, seed: 2, prefix: 'ma', temperature: 0.7 }, { count: 1, seed: 3, prefix: 'a' }, { count: 12, seed: 4, topK: 3 }]) {
      const cached = m.sample(options);
      expect(cached).toEqual(full.sample.call(m, options));
      expect(new Set(cached.map((w) => w.length)).size).toBeGreaterThan(options.count > 10 ? 2 : 0); // words finish at different steps
    }
  });

  it('bad input: heads not dividing embed, a word longer than the model at eval, a prefix longer than T − 1 at sampling', async () => {
    await expect(Transformer.create({ vocab: letters, blockSize: 8, heads: 3, embed: 64 })).rejects.toThrow(/n_embd.*64.*not divisible.*n_head.*3/);
    await expect(Transformer.create({ vocab: letters, blockSize: 1 })).rejects.toThrow(/blockSize.*>= 2, got 1/);
    await expect(Transformer.create({ vocab: letters, blockSize: 8, layers: 0 })).rejects.toThrow(/layers must be a positive integer, got 0/);
    const m = await Transformer.create({ vocab: letters, blockSize: 6, layers: 1, heads: 2, embed: 8 });
    expect(() => m.nll(['abcdef'])).toThrow(/"abcdef" has 6 characters; rows of length 6 hold at most 5/);
    expect(() => m.sample({ prefix: 'abcdef' })).toThrow(/prefix of 6 characters is longer than the model's 5/);
    expect(m.sample({ prefix: 'abcde', count: 2 })).toEqual(['abcde', 'abcde']); // 5 fit; nothing more can follow
  });

  it('trains (the loss falls), saves and loads (same NLL, same samples, same next step), wasm agrees with JS', async () => {
    const T = Math.max(...words.map((w) => w.length)) + 1;
    const s = buildSequences(words, vocab, T);
    const make = (backend: 'wasm' | 'js') => Transformer.create({ vocab, blockSize: T, layers: 2, heads: 2, embed: 16, seed: 3, backend });
    const [w, j] = [await make('wasm'), await make('js')];
    const B = 16;
    let first = 0, last = 0;
    for (let step = 0; step < 60; step++) {
      const o = ((step * B) % (s.count - B)) * T;
      const X = s.X.subarray(o, o + B * T), Y = s.Y.subarray(o, o + B * T);
      const lw = w.trainStep(X, Y, 3e-3);
      if (step < 5) expect(Math.abs(lw - j.trainStep(X, Y, 3e-3))).toBeLessThan(1e-4);
      if (step === 0) first = lw;
      last = lw;
    }
    expect(last).toBeLessThan(first - 0.5);
    const loaded = await modelFromJSON(JSON.parse(JSON.stringify(w.toJSON())), { backend: 'wasm' }) as Transformer;
    expect(loaded.nll(words)).toBe(w.nll(words));
    expect(loaded.sample({ count: 5, seed: 9 })).toEqual(w.sample({ count: 5, seed: 9 }));
    const X = s.X.subarray(0, B * T), Y = s.Y.subarray(0, B * T);
    expect(loaded.train().trainStep(X, Y, 3e-3)).toBe(w.trainStep(X, Y, 3e-3));
    expect(loaded.stateVector()).toEqual(w.stateVector());
  }, 60_000);

  it('BoW round-trips through its model file and samples words of the vocabulary', async () => {
    const T = Math.max(...words.map((w) => w.length)) + 1;
    const m = await BoW.create({ vocab, blockSize: T, embed: 8, embed2: 12 });
    const loaded = await modelFromJSON(JSON.parse(JSON.stringify(m.toJSON()))) as BoW;
    expect(loaded.config).toEqual(m.config);
    expect(loaded.nll(words)).toBe(m.nll(words));
    for (const word of loaded.sample({ count: 10 })) expect(word.length).toBeLessThan(T);
  });
});

describe('makemore CLI with --model transformer and bow', { timeout: 60_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'makemore-transformer-'));
    writeFileSync(join(dir, 'words.txt'), words.join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = runHere;

  it('train → sample → eval → plot, and --resume continues bit for bit', async () => {
    const data = join(dir, 'words.txt'), a = join(dir, 'a.json'), b = join(dir, 'b.json'), c = join(dir, 'c.json');
    const flags = ['--model', 'transformer', '--data', data, '--layers', '1', '--heads', '2', '--embed', '8', '--samples', '0', '--eval-every', '5'];
    const r = await cli(['train', ...flags, '--steps', '10', '--out', a]);
    expect(r.code, r.stderr).toBe(0);
    const file = loadModelFile(a);
    expect(file.model.kind).toBe('transformer');
    expect(file.model.config).toMatchObject({ layers: 1, heads: 2, embed: 8, blockSize: Math.max(...words.map((w) => w.length)) + 1 });
    expect(file.model.optimizer!.spec).toMatchObject({ kind: 'adamw', beta2: 0.99 });
    const s = await cli(['sample', '--model', a, '--count', '4', '--seed', '3']);
    expect(s.code, s.stderr).toBe(0);
    const model = await modelFromJSON(file.model);
    expect(s.stdout).toBe(model.sample({ count: 4, seed: 3 }).map((w) => `${w}\n`).join(''));
    const e = await cli(['eval', '--model', a, '--data', data]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toContain(model.nll(words).toFixed(4));
    const p = await cli(['plot', '--model', a, '--out', join(dir, 'plots')]);
    expect(p.code, p.stderr).toBe(0);
    expect(readFileSync(join(dir, 'plots', 'embedding.svg'), 'utf8')).toContain('<svg');
    expect((await cli(['train', '--resume', a, '--steps', '10', '--out', b])).code).toBe(0);
    expect((await cli(['train', ...flags, '--steps', '20', '--out', c])).code).toBe(0);
    expect(loadModelFile(b).model.tensors).toEqual(loadModelFile(c).model.tensors);
  });

  it('bow trains from the CLI; --heads 3 with --embed 8 is refused naming both', async () => {
    const data = join(dir, 'words.txt');
    const r = await cli(['train', '--model', 'bow', '--data', data, '--embed', '8', '--embed2', '8', '--steps', '5', '--samples', '2', '--out', join(dir, 'bow.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(loadModelFile(join(dir, 'bow.json')).model.kind).toBe('bow');
    const bad = await cli(['train', '--model', 'transformer', '--data', data, '--heads', '3', '--embed', '8', '--steps', '5']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/8.*not divisible.*3/);
  });
});
