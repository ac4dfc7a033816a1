/**
 * Pixels to a model's input tensor, from its manifest: colour mode (RGB or luma grey),
 * per-channel mean and std, NHWC layout.
 */
import type { ClassifierInput } from '../../assets/manifest.js';

/** Number of values one face takes in the input tensor. */
export function valuesPerFace(input: ClassifierInput): number {
  return input.width * input.height * (input.color === 'gray' ? 1 : 3);
}

/** Writes one face's RGBA pixels, normalised, into `tensor` at face index `slot`. */
export function writeFace(rgba: Uint8ClampedArray, input: ClassifierInput, tensor: Float32Array, slot: number): void {
  const pixels = input.width * input.height;
  if (input.color === 'gray') {
    const [lr, lg, lb] = input.luma ?? [0.299, 0.587, 0.114];
    const mean = input.mean[0]!, inv = 1 / input.std[0]!;
    let o = slot * pixels;
    for (let i = 0; i < pixels; i++, o++) {
      const p = i * 4;
      tensor[o] = (rgba[p]! * lr + rgba[p + 1]! * lg + rgba[p + 2]! * lb - mean) * inv;
    }
    return;
  }
  const [mr, mg, mb] = input.mean as [number, number, number];
  const [ir, ig, ib] = input.std.map((s) => 1 / s) as [number, number, number];
  let o = slot * pixels * 3;
  for (let i = 0; i < pixels; i++) {
    const p = i * 4;
    tensor[o++] = (rgba[p]! - mr) * ir;
    tensor[o++] = (rgba[p + 1]! - mg) * ig;
    tensor[o++] = (rgba[p + 2]! - mb) * ib;
  }
}
