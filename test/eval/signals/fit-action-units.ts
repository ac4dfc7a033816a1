/**
 * Fits each action unit's `neutral` and `span` (see `packages/core/src/pipeline/derive/action-units.ts`) on FER2013
 * Training faces: `neutral` is the raw measure's median on FER+-neutral faces, `span` the distance from there to
 * its 90th percentile on the faces of the expression named in the unit's `fittedOn`. AU43 (eyes closed) is fixed
 * by the neutral eye aperture instead: 0 at half of it, 1 at an aperture of 0.05. Prints the values to paste.
 *
 *     npx tsx test/eval/signals/fit-action-units.ts
 */
import { ACTION_UNIT_DEFINITIONS } from '../../../packages/core/src/pipeline/derive/action-units.ts';
import { faceGeometry } from '../../../packages/core/src/pipeline/derive/face-geometry.ts';
import { faceMeasures } from '../../../packages/core/src/pipeline/derive/face-measures.ts';
import { meshedFaces } from './face-meshes.ts';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]!;
};
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

const faces = (await meshedFaces('fer-training')).filter((f) => f.mesh);
const measured = faces.flatMap((f) => {
  const g = faceGeometry(Float32Array.from(f.mesh!));
  return g ? [{ label: f.label, m: faceMeasures(g) }] : [];
});
console.log(`${measured.length} Training faces with a mesh`);
const neutralAperture = quantile(measured.filter((f) => f.label === 'neutral').map((f) => (f.m.apertureLeft + f.m.apertureRight) / 2), 0.5);
for (const d of ACTION_UNIT_DEFINITIONS) {
  if (d.code === 'AU43') {
    const neutral = -neutralAperture / 2;
    console.log(`${d.code}: neutral ${r4(neutral)}, span ${r4(-0.05 - neutral)}  (neutral aperture ${r4(neutralAperture)})`);
    continue;
  }
  const neutral = quantile(measured.filter((f) => f.label === 'neutral').map((f) => d.raw(f.m)), 0.5);
  const high = quantile(measured.filter((f) => f.label === d.fittedOn).map((f) => d.raw(f.m)), 0.9);
  console.log(`${d.code}: neutral ${r4(neutral)}, span ${r4(high - neutral)}`);
}
