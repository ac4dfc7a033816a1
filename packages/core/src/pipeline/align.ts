/**
 * Stage 2 — alignment and crop: rotate so the eyes are level, then crop the square a classifier was
 * trained on (its manifest's `crop` framing), at the classifier's input size.
 */
import type { CropFraming } from '../assets/manifest.js';
import { MESH_POINTS } from './landmarks.js';

/** Face-mesh indices of the eye corners (viewer's left eye: 33 outer, 133 inner; right eye: 362 inner, 263 outer). */
const LEFT_EYE = [33, 133] as const;
const RIGHT_EYE = [362, 263] as const;

/** A square crop of the source image, rotated by `angle` around its centre. */
export interface FaceCrop {
  /** Centre in source pixels. */
  cx: number;
  cy: number;
  /** Side length in source pixels. */
  side: number;
  /** Eye-line angle in radians (positive: the viewer's right eye is lower). */
  angle: number;
}

/** Axis-aligned bounding box of the mesh in source pixels, clipped to the image. */
export function meshBox(points: Float32Array, width: number, height: number): { x: number; y: number; width: number; height: number } {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let p = 0; p < MESH_POINTS; p++) {
    const x = points[p * 3]!, y = points[p * 3 + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const x0 = Math.max(0, Math.round(minX));
  const y0 = Math.max(0, Math.round(minY));
  const x1 = Math.min(width, Math.round(maxX));
  const y1 = Math.min(height, Math.round(maxY));
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/** The eye-levelled square crop of a face for a framing (pure geometry, no pixels). */
export function faceCrop(points: Float32Array, framing: CropFraming): FaceCrop {
  const eye = (a: number, b: number) => [(points[a * 3]! + points[b * 3]!) / 2, (points[a * 3 + 1]! + points[b * 3 + 1]!) / 2] as const;
  const [lx, ly] = eye(...LEFT_EYE);
  const [rx, ry] = eye(...RIGHT_EYE);
  const angle = Math.atan2(ry - ly, rx - lx);
  const cos = Math.cos(-angle), sin = Math.sin(-angle);
  // Bounding box of the mesh in the eye-levelled frame (rotation about the origin).
  let minU = Infinity, minV = Infinity, maxU = -Infinity, maxV = -Infinity;
  for (let p = 0; p < MESH_POINTS; p++) {
    const x = points[p * 3]!, y = points[p * 3 + 1]!;
    const u = x * cos - y * sin, v = x * sin + y * cos;
    if (u < minU) minU = u;
    if (u > maxU) maxU = u;
    if (v < minV) minV = v;
    if (v > maxV) maxV = v;
  }
  const side = Math.max(maxU - minU, maxV - minV) * framing.scale;
  const cu = (minU + maxU) / 2;
  const cv = (minV + maxV) / 2 + framing.offsetY * side;
  // Back to source coordinates (rotate by +angle).
  const back = Math.cos(angle), bsin = Math.sin(angle);
  return { cx: cu * back - cv * bsin, cy: cu * bsin + cv * back, side, angle };
}

/**
 * Draws each crop into a reusable canvas at `width`×`height` and returns its RGBA pixels. Areas outside
 * the image are black.
 */
export class CropRenderer {
  private readonly canvas: OffscreenCanvas;
  private readonly ctx: OffscreenCanvasRenderingContext2D;

  constructor(readonly width: number, readonly height: number) {
    this.canvas = new OffscreenCanvas(width, height);
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true, alpha: false });
    if (!ctx) throw new Error('no 2D context for OffscreenCanvas');
    this.ctx = ctx;
  }

  /** RGBA pixels of one crop. */
  render(source: CanvasImageSource, crop: FaceCrop): Uint8ClampedArray {
    const { ctx, width, height } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, width, height);
    ctx.translate(width / 2, height / 2);
    ctx.scale(width / crop.side, height / crop.side);
    ctx.rotate(-crop.angle);
    ctx.translate(-crop.cx, -crop.cy);
    ctx.drawImage(source, 0, 0);
    return ctx.getImageData(0, 0, width, height).data;
  }
}
