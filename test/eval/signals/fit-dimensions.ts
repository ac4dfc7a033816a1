/**
 * Fits the action-unit refinement of valence/arousal (`DIMENSION_AU_WEIGHTS` in
 * `packages/core/src/pipeline/derive/valence-arousal.ts`) on FER2013 Training faces: least squares (ridge 1.0) of
 * the circumplex mapping's error against the FER+ vote-derived valence/arousal on the chosen units' intensities.
 * Prints the weights to paste; `evaluate.ts` measures them on PrivateTest.
 *
 *     npx tsx test/eval/signals/fit-dimensions.ts
 */
import { actionUnits } from '../../../packages/core/src/pipeline/derive/action-units.ts';
import { computeFeatures } from '../../../packages/core/src/pipeline/derive/face-features.ts';
import { valenceArousal } from '../../../packages/core/src/pipeline/derive/valence-arousal.ts';
import { WIA_EMOTIONS, type WiaEmotion } from '../../../packages/schema/src/index.ts';
import { FER_VOTES, meshedFaces } from './face-meshes.ts';

/** The units each dimension may move with (circumplex: smile and cheek raise valence, the frown lowers it; wide eyes and parted lips raise arousal); the weak units are left out. */
const UNITS = { valence: ['AU6', 'AU12', 'AU4'], arousal: ['AU5', 'AU25'] } as const;
const RIDGE = 1.0;

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const k = m[r]![c]! / m[c]![c]!;
      for (let j = c; j <= n; j++) m[r]![j]! -= k * m[c]![j]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

const rows = (await meshedFaces('fer-training')).flatMap((face) => {
  if (!face.mesh || !face.probabilities || !face.votes) return [];
  const f = computeFeatures({ bbox: { x: 0, y: 0, width: 1, height: 1 }, frame: { cx: 0, cy: 0, side: 1, angle: 0 }, mesh: Float32Array.from(face.mesh) }, {});
  const votes = FER_VOTES.slice(0, 7).map((label, i) => ({ label: label as WiaEmotion, confidence: face.votes![i]! }));
  if (!f || votes.every((v) => v.confidence === 0)) return [];
  return [{ units: Object.fromEntries(actionUnits(f.actionUnits).map((u) => [u.au, u.intensity])), plain: valenceArousal(WIA_EMOTIONS.map((label) => ({ label, confidence: face.probabilities![label] ?? 0 }))), truth: valenceArousal(votes) }];
});
console.log(`${rows.length} Training faces`);
for (const dim of ['valence', 'arousal'] as const) {
  const names = UNITS[dim];
  const ata = names.map((_, i) => names.map((__, j) => (i === j ? RIDGE : 0)));
  const atb = names.map(() => 0);
  for (const r of rows) {
    const x = names.map((n) => r.units[n]!);
    const y = r.truth[dim] - r.plain[dim];
    x.forEach((xi, i) => {
      atb[i]! += xi * y;
      x.forEach((xj, j) => (ata[i]![j]! += xi * xj));
    });
  }
  const w = solve(ata, atb);
  console.log(`${dim}: { ${names.map((n, i) => `${n}: ${Math.round(w[i]! * 1000) / 1000}`).join(', ')} }`);
}
