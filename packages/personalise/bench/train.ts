/**
 * `pnpm bench:personalise` (or `pnpm --filter @emolens/personalise bench`): what personalisation buys and costs.
 *
 * - Accuracy: mean absolute error, over the four learning states, of the base estimate and of the personalised one
 *   on 300 held-out corrections of the synthetic user of `src/testing/synthetic.ts` (eyes closing = bored), after
 *   50 and after 500 corrections; five training draws each.
 * - Cost: time to train the heads on 50 and 500 corrections on each tfjs backend this machine has in Node (`cpu`;
 *   `wasm` from `@tensorflow/tfjs-backend-wasm`, a dev dependency here), median of `--runs` (default 5) after one
 *   warm-up. Browser timings need a page: they are not taken here.
 *
 * `--json FILE` also writes the figures as JSON.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { checkCorrection } from '../src/correction.js';
import { createPersonaliser } from '../src/personaliser.js';
import { DEFAULT_EPOCHS, DEFAULT_HIDDEN_UNITS, DEFAULT_HUBER_DELTA, DEFAULT_LEARNING_RATE, DEFAULT_SEED, DEFAULT_WEIGHT_DECAY } from '../src/options.js';
import { drowsyCorrections, meanAbsoluteError } from '../src/testing/synthetic.js';
import { datasetsOf } from '../src/train/dataset.js';
import { fitHead } from '../src/train/fit.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, json: { type: 'string' } } });
const RUNS = Number(values.runs);
tf.env().set('PROD', true);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function accuracy(n: number) {
  const heldOut = drowsyCorrections(300, 1000);
  const before = meanAbsoluteError(heldOut, (c) => c.predicted);
  const after: number[] = [];
  for (let draw = 1; draw <= 5; draw++) {
    const p = await createPersonaliser({ inMemory: true, retrainEvery: 0, training: 'inline' });
    for (const c of drowsyCorrections(n, draw)) await p.addCorrection(c);
    await p.train();
    after.push(meanAbsoluteError(heldOut, (c) => p.predict(c.features, c.predicted)));
  }
  return { corrections: n, before, after, ratio: after.map((a) => a / before) };
}

async function timing(backend: string, n: number) {
  if (!(await tf.setBackend(backend))) return undefined;
  await tf.ready();
  const settings = { hidden: DEFAULT_HIDDEN_UNITS, epochs: DEFAULT_EPOCHS, learningRate: DEFAULT_LEARNING_RATE, weightDecay: DEFAULT_WEIGHT_DECAY, huberDelta: DEFAULT_HUBER_DELTA, seed: DEFAULT_SEED };
  const corrections = drowsyCorrections(n, 1).map(checkCorrection);
  const ms: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const { states } = datasetsOf(corrections, settings);
    const result = await fitHead(tf, states);
    if (run > 0) ms.push(result.ms);
  }
  return { backend, corrections: n, medianMs: median(ms), runs: ms };
}

const figures = { accuracy: [await accuracy(50), await accuracy(500)], timing: [] as NonNullable<Awaited<ReturnType<typeof timing>>>[] };
for (const backend of ['cpu', 'wasm']) {
  for (const n of [50, 500]) {
    const t = await timing(backend, n);
    if (t) figures.timing.push(t);
  }
}

console.log('held-out MAE (300 corrections; five training draws):');
for (const a of figures.accuracy) {
  console.log(`  ${a.corrections} corrections: ${a.before.toFixed(3)} → ${a.after.map((x) => x.toFixed(3)).join(' ')} (× ${a.ratio.map((x) => x.toFixed(2)).join(' ')})`);
}
console.log(`train time, learning-state head, ${DEFAULT_EPOCHS} epochs (Node ${process.version}, median of ${RUNS}):`);
for (const t of figures.timing) console.log(`  ${t.backend.padEnd(4)} ${String(t.corrections).padStart(3)} corrections: ${t.medianMs.toFixed(0)} ms`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
