/**
 * A decoded frame → an `ImageBitmap` as a player shows it, which the caller can transfer to the worker. The
 * sample itself stays the caller's to close (the decoder stalls while its frames are held).
 */
import type { VideoSample } from 'mediabunny';

/**
 * The frame upright and at its display size. Most frames need nothing but a copy (`createImageBitmap` of the
 * `VideoFrame`, converted from YUV once); a phone video's rotation, a mirrored one, or non-square pixels are drawn
 * through a canvas, as mediabunny applies them.
 */
export async function sampleBitmap(sample: VideoSample): Promise<ImageBitmap> {
  const { num, den } = sample.pixelAspectRatio;
  if (sample.rotation === 0 && !sample.flip && num === den) {
    const frame = sample.toVideoFrame();
    try {
      return await createImageBitmap(frame);
    } finally {
      frame.close();
    }
  }
  const canvas = new OffscreenCanvas(sample.displayWidth, sample.displayHeight);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D context for an OffscreenCanvas');
  sample.drawWithFit(context, { fit: 'fill' });
  return canvas.transferToImageBitmap();
}
