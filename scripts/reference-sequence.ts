/**
 * The sequence-model parts of `npm run reference` (issue 15): makemore.py's Transformer and BoW on names.txt with
 * makemore.py's defaults (batch 32, AdamW lr 5e-4 constant, betas 0.9/0.99, weight decay 0.01). The targets are the
 * mean of dev and test on our split: Transformer ≤ 2.00 (PyTorch running makemore.py: test 1.984), BoW ≤ 2.18
 * (PyTorch: 2.166). The Transformer run also evaluates the test loss every `probeEvery` steps and reports the first
 * step at which it reaches makemore's advertised ~1.92, if it does.
 */
import { BoW, Transformer, sequenceLength, train, type BackendName, type Vocabulary, type WordSplits } from '../src/index.ts';

/** What a part hands back to reference.ts for its JSON line and summary. */
export interface SequenceReport {
  figures: Record<string, unknown>;
  pass: boolean;
  line: string;
}

/**
 * The issue's targets, for our split. PyTorch running makemore.py's own Transformer and BoW on our split (20,000
 * steps) reaches 2.064 and 2.185 (mean of dev and test), missing them as ours does (see the README).
 */
const TARGET = { transformer: 2.0, bow: 2.18 } as const;
const PYTORCH = { transformer: 1.984, bow: 2.166 } as const;
const ADVERTISED = 1.92;

const round = (x: number, d = 5): number => Number(x.toFixed(d));

/** Trains one model for `steps` and reports its losses, speed and whether it meets the issue's target. */
export async function sequenceReference(
  kind: 'transformer' | 'bow', ctx: {
    vocab: Vocabulary; words: readonly string[]; splits: WordSplits; steps: number; seed: number; backend: BackendName;
    probeEvery?: number; split?: string;
  },
): Promise<SequenceReport> {
  const { vocab, splits, steps, seed, backend } = ctx;
  const blockSize = sequenceLength(ctx.words);
  const model = kind === 'transformer'
    ? await Transformer.create({ vocab, blockSize, seed, backend })
    : await BoW.create({ vocab, blockSize, seed, backend });
  const probeEvery = ctx.probeEvery ?? 1000;
  let reached: number | null = null;
  const probes: [number, number][] = [];
  let trainSeconds = 0;
  const start = performance.now();
  await train(model, {
    data: { train: splits.train }, steps, batchSize: 32, seed, lr: 5e-4,
    progressEvery: Math.min(probeEvery, Math.max(1, Math.round(steps / 20))),
    onProgress: (p) => {
      if (kind === 'transformer' && p.step % probeEvery === 0) {
        const t0 = performance.now();
        const test = model.nll(splits.test);
        trainSeconds -= (performance.now() - t0) / 1000; // the probe is not training time
        probes.push([p.step, round(test, 4)]);
        if (reached === null && test <= ADVERTISED) reached = p.step;
      }
      process.stderr.write(`  ${kind} step ${p.step}/${p.steps} loss ${p.trainLoss.toFixed(4)} (${Math.round(p.stepsPerSecond)} steps/s)\n`);
    },
  });
  trainSeconds += (performance.now() - start) / 1000;
  const losses = { train: model.nll(splits.train), dev: model.nll(splits.dev), test: model.nll(splits.test) };
  const mean = (losses.dev + losses.test) / 2;
  // the targets are set for our split; other splits (makemore's, a --split-file) are reported, not judged
  const full = steps >= 20000 && (ctx.split ?? 'ours') === 'ours';
  const pass = !full || mean <= TARGET[kind];
  const figures: Record<string, unknown> = {
    parameters: model.parameterCount, blockSize, steps, backend, split: ctx.split ?? 'ours', trainWords: splits.train.length,
    train: round(losses.train), dev: round(losses.dev), test: round(losses.test), devTestMean: round(mean),
    target: TARGET[kind], pytorchTest: PYTORCH[kind],
    seconds: round(trainSeconds, 1), stepsPerSecond: round(steps / trainSeconds, 1), samples: model.sample({ count: 8, seed }),
  };
  if (kind === 'transformer') Object.assign(figures, { stepsToAdvertised: reached, advertised: ADVERTISED, testProbes: probes });
  const line = `${kind}: train ${figures.train} dev ${figures.dev} test ${figures.test} (mean ${round(mean, 4)}; ` +
    (full ? `want ≤ ${TARGET[kind]}` : 'the target is checked at 20,000 steps on our split') + `; PyTorch test ${PYTORCH[kind]})` +
    (kind === 'transformer' ? `; test ≤ ${ADVERTISED} ${reached === null ? 'not reached' : `first at step ${reached}`}` : '') +
    ` in ${figures.seconds} s`;
  return { figures, pass, line };
}
