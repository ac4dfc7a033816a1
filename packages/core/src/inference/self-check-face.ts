/**
 * A schematic face, drawn from a few ellipses at any size: the input of the classifiers' start-up self-check and
 * warm-up. No image ships with the SDK; the drawing is computed, and is the same on every device.
 *
 * A face-like input keeps the network's activations inside the ranges it was calibrated on (an int8 model run on
 * a pattern far from a face rounds differently on different kernels), and gives the model a clear top class, so
 * that the self-check's "same top class" test never rests on a near tie.
 */

/** Width of the ellipses' smooth edge, as a share of their radius. */
const EDGE = 0.25;

/** Soft ellipse mask: 1 inside, 0 outside, a smoothstep across the edge. */
function ellipse(x: number, y: number, cx: number, cy: number, rx: number, ry: number): number {
  const d = Math.hypot((x - cx) / rx, (y - cy) / ry);
  const t = (1 - d) / EDGE;
  return t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t);
}

/** Grey level (0–255) of the drawing at normalised coordinates (0–1, y down). */
function shade(x: number, y: number): number {
  let v = 70 + 40 * y; // background, lighter towards the bottom
  const face = ellipse(x, y, 0.5, 0.54, 0.36, 0.47);
  const skin = 185 - 45 * Math.hypot((x - 0.5) / 0.36, (y - 0.5) / 0.5); // lit from the front
  v += (skin - v) * face;
  for (const cx of [0.33, 0.67]) {
    v += (75 - v) * ellipse(x, y, cx, 0.32, 0.11, 0.025); // brow
    v += (45 - v) * ellipse(x, y, cx, 0.42, 0.075, 0.035); // eye
  }
  v += (140 - v) * ellipse(x, y, 0.5, 0.6, 0.06, 0.05); // nose shadow
  v += (85 - v) * ellipse(x, y, 0.5, 0.76, 0.14, 0.035); // mouth
  return v;
}

/** The schematic face as RGBA pixels (grey, opaque), `width` × `height`. */
export function schematicFace(width: number, height: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const g = shade((i + 0.5) / width, (j + 0.5) / height);
      const p = (j * width + i) * 4;
      rgba[p] = rgba[p + 1] = rgba[p + 2] = g;
      rgba[p + 3] = 255;
    }
  }
  return rgba;
}
