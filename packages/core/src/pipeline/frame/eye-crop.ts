/** Draws the iris model's eye crops (`find/iris-geometry.ts`): a levelled square of the frame, mirrored when asked. */
import type { EyeCrop } from '../find/iris-geometry.js';

/** Draws each eye crop into a reusable `size` × `size` canvas and returns its RGBA pixels; outside the image is black. */
export class EyeCropRenderer {
  private readonly ctx: OffscreenCanvasRenderingContext2D;

  constructor(readonly size: number) {
    const ctx = new OffscreenCanvas(size, size).getContext('2d', { alpha: false });
    if (!ctx) throw new Error('no 2D context for OffscreenCanvas');
    this.ctx = ctx;
  }

  /** RGBA pixels of one crop: crop pixel (u, v) shows the frame point `cropToFrame(crop, size, u, v)`. */
  render(source: CanvasImageSource, crop: EyeCrop): Uint8ClampedArray {
    const { ctx, size } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, size, size);
    ctx.translate(size / 2, size / 2);
    ctx.scale(((crop.mirror ? -1 : 1) * size) / crop.side, size / crop.side);
    ctx.rotate(-crop.angle);
    ctx.translate(-crop.cx, -crop.cy);
    ctx.drawImage(source, 0, 0);
    return ctx.getImageData(0, 0, size, size).data;
  }
}
