/**
 * A 48×48 FER2013 face to a classifier's input tensor, the way the shipped pipeline would frame it.
 *
 * FER2013 images are already face crops in FER framing (the framing `human-emotion`'s crop was measured
 * against), so the whole 48×48 image is the crop: no detection, no alignment. The pipeline draws its crop
 * into a canvas at the model's input size (Chromium's `drawImage` with default smoothing: bilinear,
 * pixel centres at +0.5), reads back RGBA bytes and normalises them (`packages/core/src/pipeline/frame/preprocess.ts`).
 * Here:
 *  1. bilinear resize 48×48 → width×height with half-pixel centres (source coordinate (x + 0.5)·48/W − 0.5,
 *     clamped at the edges, like canvas and `tf.image.resizeBilinear(…, halfPixelCenters=true)`), then
 *     rounded to 0–255 integers as the canvas's RGBA bytes are (`roundToBytes`, default on);
 *  2. grey is replicated to R = G = B;
 *  3. normalised with the manifest: 'rgb' → (g − mean[c]) / std[c] per channel; 'gray' → (luma · RGB − mean) / std,
 *     which for a grey pixel is (g · (l0 + l1 + l2) − mean) / std.
 */
import type { ClassifierInput } from '../../packages/core/src/assets/manifest.ts';

/** Bilinear resize of a square or rectangular grey image, half-pixel centres, edges clamped. */
export function resizeBilinear(src: ArrayLike<number>, sw: number, sh: number, dw: number, dh: number, roundToBytes = true): Float32Array {
  const out = new Float32Array(dw * dh);
  const sx = sw / dw, sy = sh / dh;
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, sh - 1), dy = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, sw - 1), dx = fx - x0;
      const top = src[y0 * sw + x0]! * (1 - dx) + src[y0 * sw + x1]! * dx;
      const bottom = src[y1 * sw + x0]! * (1 - dx) + src[y1 * sw + x1]! * dx;
      const v = top * (1 - dy) + bottom * dy;
      out[y * dw + x] = roundToBytes ? Math.min(255, Math.max(0, Math.round(v))) : v;
    }
  }
  return out;
}

/** Values one face takes in the NHWC input tensor. */
export const channels = (input: ClassifierInput): number => (input.color === 'gray' ? 1 : 3);

export interface PreprocessOptions {
  /** Round the resized pixels to bytes, as the pipeline's canvas does (default true). */
  roundToBytes?: boolean;
}

/**
 * Writes one grey `size`×`size` face, resized and normalised for `input`, into `tensor` at face `slot`
 * (NHWC, [N, height, width, channels]).
 */
export function writeGreyFace(grey: ArrayLike<number>, size: number, input: ClassifierInput, tensor: Float32Array, slot: number, options: PreprocessOptions = {}): void {
  const { width, height } = input;
  const pixels = width * height;
  const resized = resizeBilinear(grey, size, size, width, height, options.roundToBytes ?? true);
  if (input.color === 'gray') {
    const [l0, l1, l2] = input.luma ?? [0.299, 0.587, 0.114];
    const gain = l0 + l1 + l2, mean = input.mean[0]!, std = input.std[0]!;
    let o = slot * pixels;
    for (let i = 0; i < pixels; i++) tensor[o++] = (resized[i]! * gain - mean) / std;
    return;
  }
  const [m0, m1, m2] = input.mean as [number, number, number];
  const [s0, s1, s2] = input.std as [number, number, number];
  let o = slot * pixels * 3;
  for (let i = 0; i < pixels; i++) {
    const g = resized[i]!;
    tensor[o++] = (g - m0) / s0;
    tensor[o++] = (g - m1) / s1;
    tensor[o++] = (g - m2) / s2;
  }
}
