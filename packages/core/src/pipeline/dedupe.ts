/**
 * Removes faces found twice: by two detector passes, or twice by one (the landmarker's own suppression
 * lets some overlapping detections through).
 */

/** An axis-aligned box. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Intersection over union of two boxes (0 when either is empty). */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Intersection over the area of the smaller box (1 when one box lies inside the other). */
export function overlapOfSmaller(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  const smaller = Math.min(a.width * a.height, b.width * b.height);
  return w <= 0 || h <= 0 || smaller <= 0 ? 0 : (w * h) / smaller;
}

/** IoU above which two boxes are taken for the same face. */
export const SAME_FACE_IOU = 0.4;
/** Containment above which two boxes are taken for the same face (a face box inside a larger one). */
export const SAME_FACE_CONTAINMENT = 0.7;

/** True when two boxes show the same face. */
export function sameFace(a: Box, b: Box): boolean {
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
