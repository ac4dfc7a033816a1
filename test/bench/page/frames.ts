/** The bench frames: photos drawn on a 640×480 mid-grey canvas, made once before any timing. */

export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;
const GREY = '#808080';
/** Height a photo is scaled to in a 1-face frame. */
const SINGLE_HEIGHT = 400;

/** Fetches and decodes an image served by the bench server. */
export async function fetchBitmap(url: string): Promise<ImageBitmap> {
  return createImageBitmap(await fetchBlob(url));
}

export async function fetchBlob(url: string): Promise<Blob> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.blob();
}

/** A mid-grey frame to draw photos on, with high-quality scaling. */
export function greyFrame(): { canvas: OffscreenCanvas; ctx: OffscreenCanvasRenderingContext2D } {
  const c = new OffscreenCanvas(FRAME_WIDTH, FRAME_HEIGHT);
  const ctx = c.getContext('2d');
  if (!ctx) throw new Error('no 2D context');
  ctx.fillStyle = GREY;
  ctx.fillRect(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
  ctx.imageSmoothingQuality = 'high';
  return { canvas: c, ctx };
}

/** Draws `image` scaled to fit a `w`×`h` box, centred in it. */
function drawFitted(ctx: OffscreenCanvasRenderingContext2D, image: ImageBitmap, x: number, y: number, w: number, h: number): void {
  const scale = Math.min(w / image.width, h / image.height);
  const dw = image.width * scale;
  const dh = image.height * scale;
  ctx.drawImage(image, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh);
}

/** One photo, centred, scaled to a height of 400 px (narrower than the frame if need be). */
export function singleFaceFrame(image: ImageBitmap): ImageBitmap {
  const { canvas: c, ctx } = greyFrame();
  const scale = Math.min(SINGLE_HEIGHT / image.height, FRAME_WIDTH / image.width);
  const w = image.width * scale;
  const h = image.height * scale;
  drawFitted(ctx, image, (FRAME_WIDTH - w) / 2, (FRAME_HEIGHT - h) / 2, w, h);
  return c.transferToImageBitmap();
}

/** Four photos in the 320×240 cells of a 2×2 grid. */
export function quadFaceFrame(images: readonly ImageBitmap[]): ImageBitmap {
  if (images.length !== 4) throw new Error('a 4-face frame needs 4 photos');
  const { canvas: c, ctx } = greyFrame();
  const cw = FRAME_WIDTH / 2;
  const ch = FRAME_HEIGHT / 2;
  images.forEach((image, i) => drawFitted(ctx, image, (i % 2) * cw, Math.floor(i / 2) * ch, cw, ch));
  return c.transferToImageBitmap();
}

/** The photos of grid `g`: four different photos (consecutive ones, wrapping around the list). */
export function gridPhotos<T>(photos: readonly T[], g: number): T[] {
  if (photos.length < 4) throw new Error('4-face frames need at least 4 photos');
  return [0, 1, 2, 3].map((k) => photos[(g * 4 + k) % photos.length]!);
}
