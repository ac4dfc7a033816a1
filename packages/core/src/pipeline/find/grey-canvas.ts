/** The mid-grey canvas the detect stage pads images with (border retry, second looks) and warms up on. */

/** A `width`×`height` canvas filled with mid-grey (#808080), and its 2D context. */
export function greyCanvas(width: number, height: number): { canvas: OffscreenCanvas; ctx: OffscreenCanvasRenderingContext2D } {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('grey-canvas: no 2D context');
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, width, height);
  return { canvas, ctx };
}
