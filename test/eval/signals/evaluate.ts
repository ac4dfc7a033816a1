/**
 * The action units' separation on real photos, and valence/arousal against FER+ votes:
 * - per (unit, expression) of `au-contrasts.ts`, the ROC AUC of the unit's intensity between faces of that
 *   expression and neutral faces, on the wild photos and on FER2013 PrivateTest (FER+ majority labels);
 * - valence/arousal from the classifier's probabilities (the circumplex mapping), before and after the action-unit
 *   refinement, against the FER+ vote-derived valence/arousal (each face's votes over the seven classes as a
 *   distribution, through the same circumplex), as mean absolute error on PrivateTest.
 * Meshes come from `face-meshes.ts` (computed once, cached).
 *
 *     pnpm eval:signals            # prints the tables and writes test/eval/results/signals.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionUnits } from '../../../packages/core/src/pipeline/derive/action-units.ts';
import { computeFeatures } from '../../../packages/core/src/pipeline/derive/face-features.ts';
import { refinedDimensions, valenceArousal } from '../../../packages/core/src/pipeline/derive/valence-arousal.ts';
import { WIA_EMOTIONS, type ActionUnitCode, type WiaEmotion } from '../../../packages/schema/src/index.ts';
import { repoRoot } from '../../setup/paths.ts';
import { rocAuc } from '../metrics.ts';
import { AU_CONTRASTS } from './au-contrasts.ts';
import { FER_VOTES, meshedFaces, type MeshedFace } from './face-meshes.ts';

interface Scored {
  label: string;
  units: Record<string, number>;
  face: MeshedFace;
}

function score(faces: MeshedFace[]): Scored[] {
  return faces.flatMap((face) => {
    if (!face.mesh) return [];
    const f = computeFeatures({ bbox: { x: 0, y: 0, width: 1, height: 1 }, frame: { cx: 0, cy: 0, side: 1, angle: 0 }, mesh: Float32Array.from(face.mesh) }, {});
    if (!f) return [];
    return [{ label: face.label, units: Object.fromEntries(actionUnits(f.actionUnits).map((u) => [u.au, u.intensity])), face }];
  });
}

/** AUC of each contrast on a set. */
export function separation(scored: Scored[]): { au: string; expression: string; auc: number; n: number }[] {
  const neutral = scored.filter((s) => s.label === 'neutral');
  return AU_CONTRASTS.map(({ au, expression }) => {
    const positives = scored.filter((s) => s.label === expression);
    return { au, expression, auc: Math.round(rocAuc(positives.map((s) => s.units[au]!), neutral.map((s) => s.units[au]!)) * 1000) / 1000, n: positives.length };
  });
}

/** FER+ votes over the seven classes as valence/arousal (contempt, unknown and not-a-face votes left out). */
function votedDimensions(votes: number[]): { valence: number; arousal: number } | undefined {
  const scores = FER_VOTES.slice(0, 7).map((label, i) => ({ label: label as WiaEmotion, confidence: votes[i]! }));
  const total = scores.reduce((a, s) => a + s.confidence, 0);
  return total > 0 ? valenceArousal(scores) : undefined;
}

function dimensionErrors(scored: Scored[]) {
  let n = 0, before = { v: 0, a: 0 }, after = { v: 0, a: 0 };
  for (const s of scored) {
    const truth = s.face.votes && votedDimensions(s.face.votes);
    if (!truth || !s.face.probabilities) continue;
    const scores = WIA_EMOTIONS.map((label) => ({ label, confidence: s.face.probabilities![label] ?? 0 }));
    const plain = valenceArousal(scores);
    const units = Object.entries(s.units).map(([au, intensity]) => ({ au: au as ActionUnitCode, intensity }));
    const refined = refinedDimensions(plain, units);
    before.v += Math.abs(plain.valence - truth.valence);
    before.a += Math.abs(plain.arousal - truth.arousal);
    after.v += Math.abs(refined.valence - truth.valence);
    after.a += Math.abs(refined.arousal - truth.arousal);
    n++;
  }
  const r = (x: number) => Math.round((x / n) * 10000) / 10000;
  return { faces: n, before: { valence: r(before.v), arousal: r(before.a) }, after: { valence: r(after.v), arousal: r(after.a) } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const wild = score(await meshedFaces('wild'));
  const fer = score(await meshedFaces('fer-private'));
  const table = { wild: separation(wild), ferPrivateTest: separation(fer) };
  console.log('unit  expression  AUC wild (n)   AUC FER PrivateTest (n)');
  table.wild.forEach((w, i) => {
    const f = table.ferPrivateTest[i]!;
    console.log(`${w.au.padEnd(5)} ${w.expression.padEnd(10)}  ${w.auc.toFixed(3)} (${w.n})    ${f.auc.toFixed(3)} (${f.n})`);
  });
  const dims = dimensionErrors(fer);
  console.log(`valence/arousal MAE vs FER+ votes on PrivateTest (${dims.faces} faces): before ${JSON.stringify(dims.before)}, after ${JSON.stringify(dims.after)}`);
  mkdirSync(join(repoRoot, 'test', 'eval', 'results'), { recursive: true });
  writeFileSync(join(repoRoot, 'test', 'eval', 'results', 'signals.json'), JSON.stringify({ date: new Date().toISOString(), separation: table, dimensions: dims }, null, 2) + '\n');
}
