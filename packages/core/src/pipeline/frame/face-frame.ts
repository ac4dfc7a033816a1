/**
 * The face frame: the eye-levelled square around a face, in source pixels, that crops are framed from.
 * It comes from the 468-point mesh when landmarks are computed, or from the BlazeFace box and eye
 * keypoints on the fast path; both give the same square (calibrated below, checked by a browser test).
 */
import { clipBox, type Box } from '../box.js';

/** An eye-levelled square: centre and side in source pixels, eye-line angle in radians. */
export interface FaceFrame {
  cx: number;
  cy: number;
  side: number;
  /** Positive when the viewer's right eye is lower than the left. */
  angle: number;
}

/** Face-mesh indices of the eye corners (viewer's left eye: 33 outer, 133 inner; right eye: 362 inner, 263 outer). */
const LEFT_EYE = [33, 133] as const;
const RIGHT_EYE = [362, 263] as const;

/** Mesh points that carry meaning (MediaPipe pads its output to 478; the last 10 are dummies). */
export const MESH_POINTS = 468;

/**
 * BlazeFace box → mesh frame, measured on 376 faces (96 wild photos and 280 FER2013 Training faces):
 * the mesh square's side is 1.055 × the box side, and its centre is 0.04 box sides above the box centre
 * (eye-levelled frame). The eye-line angles agree to 0.2° (median).
 */
export const DETECTOR_TO_MESH = { side: 1.055, dx: 0.006, dy: -0.04 } as const;

/** The frame of a face mesh: the square on the larger side of the mesh's bounding box in the eye-levelled frame. */
export function meshFrame(points: Float32Array): FaceFrame {
  const eye = (a: number, b: number) => [(points[a * 3]! + points[b * 3]!) / 2, (points[a * 3 + 1]! + points[b * 3 + 1]!) / 2] as const;
  const [lx, ly] = eye(...LEFT_EYE);
  const [rx, ry] = eye(...RIGHT_EYE);
  const angle = Math.atan2(ry - ly, rx - lx);
  const cos = Math.cos(-angle), sin = Math.sin(-angle);
  let minU = Infinity, minV = Infinity, maxU = -Infinity, maxV = -Infinity;
  for (let p = 0; p < MESH_POINTS; p++) {
    const x = points[p * 3]!, y = points[p * 3 + 1]!;
    const u = x * cos - y * sin, v = x * sin + y * cos;
    if (u < minU) minU = u;
    if (u > maxU) maxU = u;
    if (v < minV) minV = v;
    if (v > maxV) maxV = v;
  }
  return { ...toSource((minU + maxU) / 2, (minV + maxV) / 2, angle), side: Math.max(maxU - minU, maxV - minV), angle };
}

/** The frame of a BlazeFace detection: its box and its two eye keypoints, in source pixels. */
export function detectorFrame(box: Box, leftEye: readonly [number, number], rightEye: readonly [number, number]): FaceFrame {
  const angle = Math.atan2(rightEye[1] - leftEye[1], rightEye[0] - leftEye[0]);
  const side = Math.max(box.width, box.height);
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const du = DETECTOR_TO_MESH.dx * side, dv = DETECTOR_TO_MESH.dy * side;
  return {
    cx: box.x + box.width / 2 + du * cos - dv * sin,
    cy: box.y + box.height / 2 + du * sin + dv * cos,
    side: side * DETECTOR_TO_MESH.side,
    angle,
  };
}

/** Axis-aligned bounding box of the mesh in source pixels, clipped to the image, in whole pixels. */
export function meshBox(points: Float32Array, width: number, height: number): Box {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let p = 0; p < MESH_POINTS; p++) {
    const x = points[p * 3]!, y = points[p * 3 + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return clipBox(minX, minY, maxX, maxY, width, height);
}

function toSource(u: number, v: number, angle: number): { cx: number; cy: number } {
  const cos = Math.cos(angle), sin = Math.sin(angle);
  return { cx: u * cos - v * sin, cy: u * sin + v * cos };
}
