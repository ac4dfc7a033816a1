/**
 * Where the iris model looks and how its points come back (pure geometry, no canvas): each eye's square crop, from
 * its two mesh corners, and the model's crop-pixel points mapped back to the frame's pixels.
 *
 * The crop is centred between the eye corners, `scale` × their distance wide (2.3 for MediaPipe's iris model, as its
 * own graph frames it) and levelled on them. The model was trained on one eye side — the subject's right eye (image
 * left) — so the left eye's crop is mirrored, putting its outer corner on the left too.
 */
import type { FaceFrame } from '../frame/face-frame.js';

/** Per eye, subject's right (image left) first: its mesh corners (image-left one first on an upright face), upper- and lower-lid centres. */
export const EYES = [
  { corners: [33, 133], upper: 159, lower: 145, mirror: false },
  { corners: [362, 263], upper: 386, lower: 374, mirror: true },
] as const;

/** One eye's crop: a square of the frame rotated by `angle`, read mirrored left-right when `mirror`. */
export interface EyeCrop extends FaceFrame {
  mirror: boolean;
}

/** The model's output per eye: 71 eye-contour points, then the 5 iris points, x/y/z each. */
export const IRIS_OUTPUT = { points: 76, iris: 71 } as const;

/** Iris points per eye (centre, then four round it) and values per face in `DetectedFace.iris`. */
export const IRIS_POINTS = 5;

/** The crop of eye `eye` (an entry of {@link EYES}) of a 468-point mesh (x/y/z interleaved). */
export function eyeCrop(mesh: Float32Array, eye: (typeof EYES)[number], scale: number): EyeCrop {
  const [a, b] = eye.corners;
  const ax = mesh[a * 3]!, ay = mesh[a * 3 + 1]!, bx = mesh[b * 3]!, by = mesh[b * 3 + 1]!;
  return { cx: (ax + bx) / 2, cy: (ay + by) / 2, side: scale * Math.hypot(bx - ax, by - ay), angle: Math.atan2(by - ay, bx - ax), mirror: eye.mirror };
}

/** A point of a `size` × `size` crop image (pixels, as the model gives them) → frame pixels. */
export function cropToFrame(crop: EyeCrop, size: number, u: number, v: number): [number, number] {
  const k = crop.side / size;
  const x = (u - size / 2) * k * (crop.mirror ? -1 : 1);
  const y = (v - size / 2) * k;
  const cos = Math.cos(crop.angle), sin = Math.sin(crop.angle);
  return [crop.cx + x * cos - y * sin, crop.cy + x * sin + y * cos];
}

/**
 * One eye's iris points in frame pixels, written to `out` from `at` (15 values): centre, then right, top, left,
 * bottom as seen in the image. `points` is the model output for this eye's crop (76 × x/y/z, crop pixels). Its
 * four round points are right, top, left, bottom in the crop, so a mirrored crop swaps right and left. z is the
 * mesh's (the model's own is in crop units): the upper lid's for the top point, the lower lid's for the bottom,
 * their mean for the rest.
 */
export function irisToFrame(points: Float32Array, crop: EyeCrop, size: number, mesh: Float32Array, eye: (typeof EYES)[number], out: Float32Array, at: number): void {
  const upper = mesh[eye.upper * 3 + 2]!, lower = mesh[eye.lower * 3 + 2]!;
  const z = [(upper + lower) / 2, (upper + lower) / 2, upper, (upper + lower) / 2, lower];
  const order = crop.mirror ? [0, 3, 2, 1, 4] : [0, 1, 2, 3, 4];
  order.forEach((from, to) => {
    const p = (IRIS_OUTPUT.iris + from) * 3;
    const [x, y] = cropToFrame(crop, size, points[p]!, points[p + 1]!);
    out.set([x, y, z[to]!], at + to * 3);
  });
}
