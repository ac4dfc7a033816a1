/**
 * The 468 face-mesh points as the WIA result's `landmarks`, in source pixels, rounded to 0.01 px.
 */
import type { Landmark } from '@emolens/schema';
import { round } from '../../round.js';
import { MESH_POINTS } from '../frame/face-frame.js';
import { signal } from './signal.js';

/** Mesh points (x/y/z interleaved) as landmarks. */
export function landmarks(points: Float32Array): Landmark[] {
  const out: Landmark[] = new Array(MESH_POINTS);
  for (let p = 0; p < MESH_POINTS; p++) out[p] = { x: round(points[p * 3]!, 2), y: round(points[p * 3 + 1]!, 2), z: round(points[p * 3 + 2]!, 2) };
  return out;
}

/** `landmarks`, with `returnLandmarks: true`. */
export const landmarksSignal = signal({
  field: 'landmarks',
  option: 'returnLandmarks',
  needs: ['mesh'],
  derive: ({ face }) => (face.mesh ? landmarks(face.mesh) : undefined),
});
