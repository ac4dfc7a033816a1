/**
 * Removes faces found twice: by two detector passes, or twice by one (the landmarker's own suppression
 * lets some overlapping detections through).
 */
import { iou, overlapOfSmaller, type Box } from '../box.js';

/** IoU above which two boxes are taken for the same face. */
const SAME_FACE_IOU = 0.4;
/** Containment above which two boxes are taken for the same face (a face box inside a larger one). */
const SAME_FACE_CONTAINMENT = 0.7;

/** True when two boxes show the same face. */
function sameFace(a: Box, b: Box): boolean {
  return iou(a, b) > SAME_FACE_IOU || overlapOfSmaller(a, b) > SAME_FACE_CONTAINMENT;
}

/** Keeps each item unless its box shows the same face as an earlier kept one. Order is kept. */
export function dedupe<T>(items: readonly T[], box: (item: T) => Box): T[] {
  const kept: T[] = [];
  for (const item of items) {
    if (!kept.some((k) => sameFace(box(k), box(item)))) kept.push(item);
  }
  return kept;
}
