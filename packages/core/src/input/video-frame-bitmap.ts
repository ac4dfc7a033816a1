/**
 * A `VideoFrame` → an `ImageBitmap` upright and at its display size, as a player shows it.
 */

/**
 * Starts the copy now (the frame may be closed as soon as this returns). A frame turned a quarter (a rotated
 * camera track, a phone video's decoder output: `rotation` 90 or 270) is drawn through a canvas: Chromium's
 * `createImageBitmap` of such a frame swaps its sides without turning the picture, so a face comes out stretched
 * sideways and is not found. Half turns and mirrored frames it copies as shown.
 */
export function videoFrameBitmap(frame: VideoFrame): Promise<ImageBitmap> {
  const rotation = (frame as { rotation?: number }).rotation ?? 0;
  if (rotation % 180 === 0) return createImageBitmap(frame);
  const { displayWidth: width, displayHeight: height } = frame;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) return Promise.reject(new Error('no 2D context for an OffscreenCanvas'));
  context.drawImage(frame, 0, 0, width, height);
  return Promise.resolve(canvas.transferToImageBitmap());
}
