/**
 * `pnpm bench:personalise-live [--frames N] [--rounds R] [--threads auto|N] [--loads 1,0.25]`: does training
 * `@emolens/personalise` stall detection? In Chromium, on the browser-test page (cross-origin isolated, the SDK from
 * its build, the personaliser's own training worker bundled by Vite; `page/personalise.ts`), for each
 * `trainingLoad` of `--loads` (default: 1, no pauses, and the package's default):
 *
 * 1. Browser training time (`train()`, page to page, and the worker's fit alone) for 50 and 500 corrections, idle,
 *    median of 5 after one warm-up.
 * 2. Frame latency: `detector.detect` on one wild photo (an `ImageBitmap`, one face), back to back, `--frames`
 *    calls (default 150) without training, then as many while a personaliser retrains on 500 corrections in a
 *    loop (so a training overlaps every frame), for each load; `--rounds` times (default 3), alternating, so drift
 *    on a shared machine hits all alike. Median and p95 of all frames of each, and the ratios (goal: ≤ 1.20).
 *
 * The corrections are features of real faces (the first wild photo of each class, detected with action units and
 * attention) jittered by a seeded ±0.05, with the base's states and a user rule on AU12 (as in
 * `test/browser/personalise.test.ts`): training costs the same whatever the values. Prints; writes nothing.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_TRAINING_LOAD } from '@emolens/personalise';
import type { LearningStateScores } from '@emolens/schema';
import { wildPhotos } from '../browser/photos.ts';
import { summarize } from './stats.ts';
import { withTestPage } from './test-page.ts';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '150' }, rounds: { type: 'string', default: '3' }, threads: { type: 'string', default: 'auto' }, loads: { type: 'string', default: `1,${DEFAULT_TRAINING_LOAD}` } } });
const LOADS = values.loads.split(',').map(Number);
const FRAMES = Number(values.frames);
const ROUNDS = Number(values.rounds);
const threads: number | 'auto' = values.threads === 'auto' ? 'auto' : Number(values.threads);
const classes = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise'];
const photos = classes.map((c) => wildPhotos().find((p) => p.url.includes(`/wild/${c}/`))!.url);

interface PageResult {
  threads: number;
  /** By load, then by number of corrections. */
  trainMs: { load: number; corrections: number; ms: number[]; fitMs: number[] }[];
  rounds: { idle: number[]; training: { load: number; frames: number[]; trainings: number }[] }[];
}

const result: PageResult = await withTestPage([], (page) =>
  page.evaluate(
    async ({ photos, frames, rounds, threads, loads }) => {
      await window.loadModule('/personalise.ts');
      const { createPersonaliser, featuresOf } = window.emolensPersonalise;
      const detector = await window.emolens.createDetector({ backend: 'wasm', threads });
      const signals = { returnActionUnits: true, returnAttention: true, returnLearningStates: true } as const;

      // Real faces → 500 jittered corrections (seeded).
      const faces: { features: Float32Array; base: LearningStateScores; au12: number }[] = [];
      for (const url of photos) {
        const face = (await detector.detect(url, signals)).faces[0];
        if (!face?.learning_states) continue;
        faces.push({ features: featuresOf(face), base: face.learning_states, au12: face.action_units?.find((a) => a.au === 'AU12')?.intensity ?? 0 });
      }
      let seed = 1;
      const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
      const corrections = Array.from({ length: 500 }, (_, i) => {
        const face = faces[i % faces.length]!;
        const features = Array.from(face.features, (v) => Math.min(1, Math.max(-1, v + (random() - 0.5) * 0.1)));
        return { features, predicted: face.base, corrected: { ...face.base, boredom: face.au12 < 0.35 ? 3 : 0.5 } };
      });
      const personaliser = async (n: number, name: string, trainingLoad: number) => {
        const p = await createPersonaliser({ storeName: `bench-${name}-${Date.now()}`, retrainEvery: 0, trainingLoad });
        for (const c of corrections.slice(0, n)) await p.addCorrection(c);
        return p;
      };

      // 1. Training time, idle.
      const trainMs: PageResult['trainMs'] = [];
      for (const load of loads) for (const n of [50, 500]) {
        const p = await personaliser(n, `time${n}`, load);
        await p.train(); // warm-up: the worker starts and loads tfjs
        const ms: number[] = [];
        const fitMs: number[] = [];
        for (let i = 0; i < 5; i++) {
          const info = await p.train();
          ms.push(info.ms);
          fitMs.push(info.fitMs.states);
        }
        trainMs.push({ load, corrections: n, ms, fitMs });
        await p.reset();
        p.dispose();
      }

      // 2. Frame latency without and with training.
      const bitmap = await createImageBitmap(await (await fetch(photos[3]!)).blob(), { imageOrientation: 'from-image' });
      const measure = async () => {
        const out: number[] = [];
        for (let i = 0; i < frames; i++) {
          const started = performance.now();
          await detector.detect(bitmap, signals);
          out.push(performance.now() - started);
        }
        return out;
      };
      for (let i = 0; i < 10; i++) await detector.detect(bitmap, signals); // warm-up
      const trainers = [];
      for (const load of loads) {
        const p = await personaliser(500, `live${load}`, load);
        await p.train(); // the worker is up and tfjs loaded before any frame is timed
        trainers.push({ load, p });
      }
      const out: PageResult['rounds'] = [];
      for (let round = 0; round < rounds; round++) {
        const idle = await measure();
        const training: PageResult['rounds'][number]['training'] = [];
        for (const { load, p } of trainers) {
          let stop = false;
          let trainings = 0;
          const loop = (async () => {
            // The first training is running when the first frame starts.
            while (!stop) {
              await p.train();
              trainings++;
            }
          })();
          training.push({ load, frames: await measure(), trainings: 0 });
          stop = true;
          await loop;
          training[training.length - 1]!.trainings = trainings;
        }
        out.push({ idle, training });
      }
      for (const { p } of trainers) {
        await p.reset();
        p.dispose();
      }
      bitmap.close();
      const used = detector.threads;
      detector.dispose();
      return { threads: used, trainMs, rounds: out };
    },
    { photos, frames: FRAMES, rounds: ROUNDS, threads, loads: LOADS },
  ),
);

const median = (xs: number[]) => summarize(xs).p50;
console.log(`@emolens/personalise in Chromium (tfjs cpu in its worker); detector WASM, ${result.threads} thread(s); ${availableParallelism()} cores`);
console.log('Training time, idle (median of 5 after a warm-up): train() page to page / fit in the worker');
for (const t of result.trainMs) {
  console.log(`  trainingLoad ${String(t.load).padEnd(4)} ${String(t.corrections).padStart(3)} corrections: ${median(t.ms).toFixed(0).padStart(5)} ms / ${median(t.fitMs).toFixed(0).padStart(5)} ms`);
}
const idle = summarize(result.rounds.flatMap((r) => r.idle));
console.log(`detect() latency, one face, ${FRAMES} frames × ${ROUNDS} rounds each (ms):`);
console.log(`                              median    p95   ratio (median, p95; goal ≤ 1.20)`);
console.log(`  without training           ${idle.p50.toFixed(1).padStart(7)} ${idle.p95.toFixed(1).padStart(6)}`);
for (const load of LOADS) {
  const runs = result.rounds.map((r) => r.training.find((t) => t.load === load)!);
  const s = summarize(runs.flatMap((r) => r.frames));
  const trainings = runs.reduce((n, r) => n + r.trainings, 0);
  console.log(`  training, trainingLoad ${String(load).padEnd(4)}${s.p50.toFixed(1).padStart(7)} ${s.p95.toFixed(1).padStart(6)}   ${(s.p50 / idle.p50).toFixed(2)}, ${(s.p95 / idle.p95).toFixed(2)}   (${trainings} trainings on 500 corrections overlapped)`);
}
for (const [i, r] of result.rounds.entries()) {
  console.log(`  round ${i + 1}: median ${median(r.idle).toFixed(1)} ms idle; ${r.training.map((t) => `${median(t.frames).toFixed(1)} ms at load ${t.load}`).join(', ')}`);
}
