/**
 * The adversarial run of issue 11: tries to lose a trained model, crash after the work is done, hang, or get a
 * silently wrong result, and prints how many cases of each category were handled.
 *
 *   npx tsx scripts/adversarial.ts            # everything (a few minutes on 2 cores)
 *   npx tsx scripts/adversarial.ts --only files,cli
 *
 * Groups: files (model-file damage, killed writers, 50 MB speed), cli (--out, inputs, sizes, divergence, signals,
 * consistency), library (validation of the library API, dispose). Works in a temporary directory, which it removes.
 * Prints a Markdown table, then every case that was not handled; exit code 1 if any was not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultNames } from '../src/data/default-names.ts';
import { consistencyCases, divergenceCases, inputCases, outCases, signalCases, sizeCases, writeInputs } from './adversarial/cli.ts';
import type { Tally } from './adversarial/common.ts';
import { damageCases, killedWriterCases, speedCases } from './adversarial/files.ts';
import { libraryCases } from './adversarial/library.ts';

const { values } = parseArgs({ options: { only: { type: 'string', default: 'files,cli,library' } } });
const only = new Set(values.only!.split(','));
const words = defaultNames().filter((_, i) => i % 20 === 0);
const dir = mkdtempSync(join(tmpdir(), 'makemore-adversarial-'));
const tallies: Tally[] = [];
const notes: string[] = [];
const log = (text: string): void => void process.stderr.write(`${text}\n`);

try {
  if (only.has('files')) {
    log('files: truncations, bit flips, header damage...');
    tallies.push(...(await damageCases(words)));
    log('files: killed writers...');
    tallies.push(await killedWriterCases(dir));
    log('files: 50 MB encode/decode...');
    const speed = speedCases();
    tallies.push(speed.tally);
    notes.push(speed.figures);
  }
  if (only.has('cli')) {
    writeInputs(dir, words);
    for (const [name, group] of [
      ['--out', outCases], ['inputs', inputCases], ['sizes', sizeCases], ['divergence', divergenceCases],
      ['signals', signalCases], ['consistency', consistencyCases],
    ] as const) {
      log(`cli: ${name}...`);
      tallies.push(await group(dir));
    }
  }
  if (only.has('library')) {
    log('library: validation and dispose...');
    tallies.push(...(await libraryCases(words)));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const rows = tallies.map((t) => `| ${t.category} | ${t.tried} | ${t.handled} |`);
const total = tallies.reduce((a, t) => ({ tried: a.tried + t.tried, handled: a.handled + t.handled }), { tried: 0, handled: 0 });
console.log(['| category | cases tried | handled |', '|---|---:|---:|', ...rows, `| **all** | **${total.tried}** | **${total.handled}** |`].join('\n'));
for (const note of notes) console.log(`\n${note}`);
const failures = tallies.flatMap((t) => t.failures.map((f) => `${t.category}: ${f}`));
if (failures.length > 0) console.log(`\nNot handled:\n${failures.map((f) => `- ${f}`).join('\n')}`);
process.exitCode = failures.length > 0 ? 1 : 0;
