/**
 * `calibrate()` in the worker: the neutral baseline of the one face of a frame — its raw action-unit measures and
 * eye-in-head gaze (`derive/baseline.ts`).
 */
import { EmoLensError } from '@emolens/schema';
import type { FrameOptions } from '../options.js';
import type { Baseline } from './derive/baseline.js';
import { computeFeatures } from './derive/face-features.js';
import type { FaceFinder } from './find/face-finder.js';

/**
 * The baseline of the face in `frame`.
 * @throws EmoLensError `NO_FACE_DETECTED` (no face, or no measurable mesh); `INVALID_REQUEST` (`details.field:
 * 'input'`, `kind: 'several_faces'`) with more than one face.
 */
export async function calibrateFrame(finder: Pick<FaceFinder, 'find'>, frame: ImageBitmap, options: FrameOptions): Promise<Baseline> {
  // Two at most: one is the answer, a second one is the error.
  const found = await finder.find(frame, { range: options.faceRange, maxFaces: 2, needs: new Set(['mesh', 'iris']) });
  const faces = found.faces.filter(({ bbox }) => Math.max(bbox.width, bbox.height) >= options.minFaceSize);
  if (faces.length > 1) {
    throw new EmoLensError('INVALID_REQUEST', 'calibrate() needs a frame with exactly one face; this one has several', {
      field: 'input',
      kind: 'several_faces',
      reason: 'more than one face found',
      suggestion: 'Calibrate on a frame where only the person to calibrate is visible.',
    });
  }
  const features = faces[0] && computeFeatures(faces[0], {});
  if (!features) {
    throw new EmoLensError('NO_FACE_DETECTED', 'calibrate() found no face to measure in the frame', {
      kind: 'calibration',
      reason: faces.length === 0 ? 'no face at or above the minimum face size' : 'the face mesh could not be measured',
      suggestion: 'Calibrate on a frame where the face is visible, frontal and well lit.',
    });
  }
  return { version: 1, actionUnits: features.actionUnits, ...(features.eyeGaze ? { gaze: features.eyeGaze } : {}) };
}
