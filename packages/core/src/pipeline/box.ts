/**
 * The face box, in pixels of the image it was found in, and the geometry the finder needs of it: clipping to
 * the image, and the overlap measures that tell two detections of one face apart from two faces.
 */
import type { WiaBoundingBox } from '@emolens/schema';

/** An axis-aligned box: the WIA result's `bbox` shape. */
export type Box = WiaBoundingBox;

/** A box given by its corners, rounded to whole pixels and clipped to a `width` × `height` image. */
export function clipBox(x0: number, y0: number, x1: number, y1: number, width: number, height: number): Box {
  const left = Math.max(0, Math.round(x0));
  const top = Math.max(0, Math.round(y0));
  const right = Math.min(width, Math.round(x1));
  const bottom = Math.min(height, Math.round(y1));
  return { x: left, y: top, width: Math.max(0, right - left), height: Math.max(0, bottom - top) };
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
