/**
 * Numbers recorded from the code before the src/nn rewrite (scripts/record-fixture.ts, test/fixtures/*.json) must
 * come out bit for bit the same: per-step losses and every tensor of the part-3 MLP after 1,000 steps, the neural
 * bigram after 50 steps on both gradient paths, on both backends; and model files written by format 1 still load
 * with the same logits and probabilities.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModelFile, modelFromJSON, MLP, NeuralBigram } from '../src/index.ts';
import { fixtureRuns, type FixtureRun } from './helpers/fixture-runs.ts';

const recorded = JSON.parse(readFileSync(new URL('./fixtures/nn-refactor.json', import.meta.url), 'utf8')) as Record<string, FixtureRun>;
const v1 = JSON.parse(readFileSync(new URL('./fixtures/model-files-v1.json', import.meta.url), 'utf8')) as {
  mlpFile: string; mlpLogits: number[]; bigramFile: string; bigramProbs: number[];
};

describe('numbers recorded before the src/nn rewrite', () => {
  it('are reproduced bit for bit (MLP 1,000 steps, bigram 50 steps, both backends)', async () => {
    const now = await fixtureRuns();
    expect(Object.keys(now).sort()).toEqual(Object.keys(recorded).sort());
    for (const [name, run] of Object.entries(recorded)) {
      const got = now[name]!;
      expect(got.losses.length, name).toBe(run.losses.length);
      const firstDiff = run.losses.findIndex((l, i) => !Object.is(l, got.losses[i]));
      expect(firstDiff, `${name}: first differing step`).toBe(-1);
      expect(got.tensors, name).toEqual(run.tensors);
    }
  }, 120_000);

  it('format-1 model files still load with the same logits and probabilities', async () => {
    const mlp = await modelFromJSON(decodeModelFile(v1.mlpFile, 'v1-mlp').model, { backend: 'js' });
    expect(mlp).toBeInstanceOf(MLP);
    const ctx = Int32Array.from([0, 0, 0, 0, 0, 1, 5, 12, 9, 26, 26, 26]);
    expect(Array.from((mlp as MLP).logits(ctx))).toEqual(v1.mlpLogits);
    const bigram = await modelFromJSON(decodeModelFile(v1.bigramFile, 'v1-bigram').model, { backend: 'js' });
    expect(bigram).toBeInstanceOf(NeuralBigram);
    expect(Array.from((bigram as NeuralBigram).probabilities())).toEqual(v1.bigramProbs);
  });
});
