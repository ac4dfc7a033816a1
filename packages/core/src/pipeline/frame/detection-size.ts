/**
 * The size faces are found at. Frames larger than {@link DETECTION_MAX_SIDE} are downscaled in the pipeline worker —
 * a high-quality resample of a 12–48 MP photo takes 90–300 ms, which on the main thread blocked the page (found by
 * the fuzzer's long-task observer) — and results are mapped back to the source image's pixels.
 */
import type { WiaFaceResult } from '@emolens/schema';
import { DETECTION_MAX_SIDE } from '../../options.js';
import { round } from '../../round.js';

/** A frame at detection size. */
export interface DetectionFrame {
  bitmap: ImageBitmap;
  /** Source pixels per bitmap pixel (1 unless the frame was downscaled). */
  scale: number;
  /** Size of the source image. */
  width: number;
  height: number;
}

/** `bitmap` at detection size: itself, or a downscaled copy (`bitmap` is then closed). */
export async function toDetectionSize(bitmap: ImageBitmap): Promise<DetectionFrame> {
  const { width, height } = bitmap;
  const longer = Math.max(width, height);
  if (longer <= DETECTION_MAX_SIDE) return { bitmap, scale: 1, width, height };
  const factor = DETECTION_MAX_SIDE / longer;
  try {
    const small = await createImageBitmap(bitmap, {
      resizeWidth: Math.max(1, Math.round(width * factor)),
      resizeHeight: Math.max(1, Math.round(height * factor)),
      resizeQuality: 'high',
    });
    return { bitmap: small, scale: width / small.width, width, height };
  } finally {
    bitmap.close();
  }
}

/** Boxes and landmarks of `result` in source pixels (in place; a no-op when the frame was not downscaled). */
export function toSourcePixels(result: WiaFaceResult, frame: Omit<DetectionFrame, 'bitmap'>): WiaFaceResult {
  const { scale, width, height } = frame;
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
