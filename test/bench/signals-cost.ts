/**
 * `pnpm bench:signals`: what the mesh-based signals cost per face on top of the mesh — the head frame and measures,
 * the 17 action units, attention (with gaze from given iris points), the learning states, and on a stream the face's
 * memory (baseline learning, history) — in V8, the engine of the pipeline worker, on the real meshes of the wild
 * photos (`test/eval/signals/face-meshes.ts`, cached). The iris model's own cost is `pnpm bench:iris`.
 */
import { actionUnits } from '../../packages/core/src/pipeline/derive/action-units.ts';
import { attention } from '../../packages/core/src/pipeline/derive/attention.ts';
import { computeFeatures } from '../../packages/core/src/pipeline/derive/face-features.ts';
import { learningInputs, learningStates } from '../../packages/core/src/pipeline/derive/learning-states.ts';
import { FaceMemory } from '../../packages/core/src/pipeline/track/face-memory.ts';
import type { WiaEmotionScore } from '../../packages/schema/src/index.ts';
import { meshedFaces } from '../eval/signals/face-meshes.ts';

const faces = (await meshedFaces('wild')).filter((f) => f.mesh);
const meshes = faces.map((f) => Float32Array.from(f.mesh!));
/** Iris centres at the eye centres (mean of each eye's corners): the gaze arithmetic's cost, whatever the iris. */
const irises = meshes.map((m) => {
  const at = (i: number, k: number) => m[i * 3 + k]!;
  const iris = new Float32Array(30);
  for (const [slot, a, b] of [[0, 33, 133], [5, 263, 362]] as const) for (let k = 0; k < 3; k++) iris[slot * 3 + k] = (at(a, k) + at(b, k)) / 2;
  return iris;
});
const scores: WiaEmotionScore[] = [{ label: 'neutral', confidence: 0.7 }, { label: 'happiness', confidence: 0.3 }];
const box = { bbox: { x: 0, y: 0, width: 1, height: 1 }, frame: { cx: 0, cy: 0, side: 1, angle: 0 } };

function run(stream: boolean, rounds: number): number {
  const memories = meshes.map(() => new FaceMemory(true));
  let sink = 0;
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < meshes.length; i++) {
      const f = computeFeatures({ ...box, mesh: meshes[i]!, iris: irises[i]! }, stream ? { memory: memories[i], timestampMs: r * 33.3 } : {})!;
      sink += actionUnits(f.actionUnits, f.baseline?.actionUnits)[8]!.intensity;
      sink += attention(f).eyes.left;
      sink += learningStates(learningInputs(f, scores)).engagement;
    }
  }
  const perFace = (performance.now() - started) / (rounds * meshes.length);
  if (!Number.isFinite(sink)) throw new Error('unreachable');
  return perFace;
}

run(false, 50); // warm the JIT
run(true, 50);
const single = [0, 1, 2, 3, 4].map(() => run(false, 200)).sort((a, b) => a - b)[2]!;
const streamed = [0, 1, 2, 3, 4].map(() => run(true, 200)).sort((a, b) => a - b)[2]!;
console.log(`${meshes.length} real meshes (wild photos); median of 5 runs of 200 rounds`);
console.log(`action units + attention + learning states, single image: ${(single * 1000).toFixed(1)} µs per face`);
console.log(`the same on a stream (baseline learning, history, blink rate, 10 s window): ${(streamed * 1000).toFixed(1)} µs per face`);
console.log(`goal: ≤ 500 µs per face on top of the mesh`);
