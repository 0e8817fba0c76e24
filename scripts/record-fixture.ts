/**
 * Records the numbers a refactor must keep bit-identical: per-step losses and per-tensor hashes of the part-3 MLP
 * (seed 42, batch 32, 1,000 steps) and of the neural bigram after 50 full-batch steps (both gradient paths), on both
 * backends, trained on the embedded default names. Run it on the commit *before* a refactor:
 *   npx tsx scripts/record-fixture.ts test/fixtures/nn-refactor.json
 * test/refactor-fixture.test.ts recomputes the same runs and compares bit for bit.
 */
import { writeFileSync } from 'node:fs';
import { fixtureRuns } from '../test/helpers/fixture-runs.ts';

const out = process.argv[2] ?? 'test/fixtures/nn-refactor.json';
const runs = await fixtureRuns();
writeFileSync(out, JSON.stringify(runs, null, 1) + '\n');
console.log(`wrote ${out}: ${Object.keys(runs).join(', ')}`);
