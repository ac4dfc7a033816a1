/** Maps a result computed on a downscaled image back to the source image's pixels. */
import type { WiaFaceResult } from '@emolens/schema';
import { round } from '../round.js';
import type { DecodedImage } from './decode.js';

/** Boxes and landmarks of `result` in source pixels (in place; a no-op when the image was not downscaled). */
export function toSourcePixels(result: WiaFaceResult, image: DecodedImage): WiaFaceResult {
  const { scale, width, height } = image;
  if (scale === 1) return result;
  for (const face of result.faces) {
    const x = Math.min(width, Math.round(face.bbox.x * scale));
    const y = Math.min(height, Math.round(face.bbox.y * scale));
    face.bbox = {
      x,
      y,
      width: Math.min(width - x, Math.round(face.bbox.width * scale)),
      height: Math.min(height - y, Math.round(face.bbox.height * scale)),
    };
    face.landmarks = face.landmarks?.map((p) => ({ x: round(p.x * scale, 2), y: round(p.y * scale, 2), z: round(p.z * scale, 2) }));
    if (face.landmarks === undefined) delete face.landmarks;
  }
  return result;
}
