/**
 * The face a one-face API reports.
 */
import type { WiaFace, WiaFaceResult } from '../wia.js';
import { checkResult } from './check-result.js';

/**
 * Index in `result.faces` of the largest face by box area (`bbox.width * bbox.height`); among faces of equal
 * area, the first. `-1` when there is no face.
 */
export function largestFaceIndex(result: WiaFaceResult): number {
  return indexOfLargest(checkResult(result, 'largestFaceIndex'));
}

/** {@link largestFaceIndex} of a result already checked. */
export function indexOfLargest(result: WiaFaceResult): number {
  let best = -1;
  let bestArea = -Infinity;
  result.faces.forEach((face, i) => {
    const area = face.bbox.width * face.bbox.height;
    if (area > bestArea) {
      best = i;
      bestArea = area;
    }
  });
  return best;
}

/**
 * The largest face by box area (the first of equal ones), or `undefined` when there is none. The adapters
 * to one-face APIs (`toWebcamPredict`, and `toRankedList` by default) report this face.
 */
export function largestFace(result: WiaFaceResult): WiaFace | undefined {
  return largestOf(checkResult(result, 'largestFace'));
}

/** {@link largestFace} of a result already checked. */
export function largestOf(result: WiaFaceResult): WiaFace | undefined {
  const i = indexOfLargest(result);
  return i < 0 ? undefined : result.faces[i];
}
