/**
 * The 300-frame "video" clip, generated deterministically in the page: a few wild photos, 100 frames
 * each, moving smoothly on a 640×480 mid-grey canvas — a slow pan (±60 px horizontally, ±30 px
 * vertically), a zoom (±12 %) and a roll (±6°), one sine period per photo. No randomness, no timing:
 * the same pixels on every run. Made once before any timing and kept as ImageBitmaps.
 */
import { FRAME_HEIGHT, FRAME_WIDTH, greyFrame } from './frames.ts';

/** Height of the photo at zoom 1 (as in the 1-face frames). */
const BASE_HEIGHT = 360;

/** Frame `i` of a clip of `length` frames over `photos`. */
export function clipFrame(photos: readonly ImageBitmap[], length: number, i: number): ImageBitmap {
  const perPhoto = Math.ceil(length / photos.length);
  const photo = photos[Math.min(photos.length - 1, Math.floor(i / perPhoto))]!;
  const phase = ((i % perPhoto) / perPhoto) * 2 * Math.PI;
  const zoom = 1 + 0.12 * Math.sin(phase);
  const angle = ((6 * Math.PI) / 180) * Math.sin(phase + Math.PI / 3);
  const dx = 60 * Math.sin(phase);
  const dy = 30 * Math.sin(2 * phase);
  const scale = Math.min(BASE_HEIGHT / photo.height, (FRAME_WIDTH * 0.8) / photo.width) * zoom;

  const { canvas, ctx } = greyFrame();
  ctx.translate(FRAME_WIDTH / 2 + dx, FRAME_HEIGHT / 2 + dy);
  ctx.rotate(angle);
  ctx.scale(scale, scale);
  ctx.drawImage(photo, -photo.width / 2, -photo.height / 2);
  return canvas.transferToImageBitmap();
}

export function makeClip(photos: readonly ImageBitmap[], length: number): ImageBitmap[] {
  return Array.from({ length }, (_, i) => clipFrame(photos, length, i));
}
