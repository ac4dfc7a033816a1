/**
 * The frames of a live scene, made once before the run and shown in a loop by the source
 * (`canvas-source.ts`): precomputed so that drawing a frame costs the page a copy, not a transformed resample —
 * the source must not eat into the main thread the systems are measured on.
 *
 * - `one-face`: the bench's clip (`clip.ts`): one photo at a time, panning, zooming and rolling.
 * - `three-faces`: the three photos side by side, each gently bobbing on a phase of its own, so that every frame
 *   differs (a still picture would let a system that caches on unchanged input skip everything).
 */
import type { LiveScene } from '../api.ts';
import { clipFrame } from '../clip.ts';
import { FRAME_HEIGHT, FRAME_WIDTH, greyFrame } from '../frames.ts';

/**
 * The wild photos are close crops: EmoLens finds face boxes 300–318 px wide on the 350 px photos, so a photo drawn
 * 200 px wide in its third of the frame shows a face of about 175 px (the scene needs ≥ 120 px).
 */
const TRIO_SIZE = 200;
/** The bob: ±12 px vertically, ±4 px horizontally, ±3 % zoom; one period per loop. */
const BOB_Y = 12;
const BOB_X = 4;
const BOB_ZOOM = 0.03;

/** The `length` frames of `scene`'s loop over `photos` (three). */
export function sceneFrames(scene: LiveScene, photos: readonly ImageBitmap[], length: number): ImageBitmap[] {
  const frame = scene === 'one-face' ? clipFrame : trioFrame;
  return Array.from({ length }, (_, i) => frame(photos, length, i));
}

/** Frame `i` of `length` of the three-face scene. */
export function trioFrame(photos: readonly ImageBitmap[], length: number, i: number): ImageBitmap {
  if (photos.length !== 3) throw new Error('the three-face scene needs 3 photos');
  const { canvas, ctx } = greyFrame();
  const cell = FRAME_WIDTH / 3;
  photos.forEach((photo, k) => {
    const phase = (i / length) * 2 * Math.PI + (k * 2 * Math.PI) / 3;
    const size = TRIO_SIZE * (1 + BOB_ZOOM * Math.sin(phase));
    // Fitted in a `size` square, centred on the cell's (moving) centre.
    const scale = size / Math.max(photo.width, photo.height);
    const w = photo.width * scale;
    const h = photo.height * scale;
    const cx = cell * k + cell / 2 + BOB_X * Math.cos(phase);
    const cy = FRAME_HEIGHT / 2 + BOB_Y * Math.sin(phase);
    ctx.drawImage(photo, cx - w / 2, cy - h / 2, w, h);
  });
  return canvas.transferToImageBitmap();
}
