/**
 * Alignment and crop: from a face's eye-levelled frame, the square a classifier was trained on
 * (its manifest's `crop` framing), drawn at the classifier's input size.
 */
import type { CropFraming } from '../../assets/manifest.js';
import type { FaceFrame } from './face-frame.js';

/** The classifier's crop (a square of the source image, rotated by `angle` around its centre): the face frame scaled by `framing.scale` and moved down by `framing.offsetY` × its side. */
export function faceCrop(frame: FaceFrame, framing: CropFraming): FaceFrame {
  const side = frame.side * framing.scale;
  const shift = framing.offsetY * side;
  return { cx: frame.cx - Math.sin(frame.angle) * shift, cy: frame.cy + Math.cos(frame.angle) * shift, side, angle: frame.angle };
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
    // Not `willReadFrequently`: that forces a CPU canvas, and drawing a frame into it costs ~2 ms more
    // than drawing into the default canvas and reading back the small crop.
    const ctx = this.canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('no 2D context for OffscreenCanvas');
    this.ctx = ctx;
  }

  /** RGBA pixels of one crop. */
  render(source: CanvasImageSource, crop: FaceFrame): Uint8ClampedArray {
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
