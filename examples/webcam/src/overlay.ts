/**
 * The overlay on the video: each face's box, `#id` and primary label. The canvas has the video's pixel size and is
 * not itself mirrored: when the video is shown mirrored (a selfie view), boxes are flipped here, so that the text
 * reads normally and the canvas holds exactly what the user sees.
 */
import type { WiaFace } from '@emolens/core';
import { faceColor } from './palette.ts';
import { percent } from './format.ts';

/** Fits the canvas to the video's frame size (the SDK's boxes are in those pixels). */
export function fitOverlay(canvas: HTMLCanvasElement, video: HTMLVideoElement): void {
  if (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight) {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
  }
}

/** Draws `faces` on `canvas`; `mirrored`: the video is shown flipped left–right. */
export function drawOverlay(canvas: HTMLCanvasElement, faces: readonly WiaFace[], mirrored: boolean): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  // The canvas is scaled to its box by CSS: sizes are in screen pixels times that scale, so that a phone's small
  // video gets the same 14 px label as a desktop's.
  const scale = canvas.clientWidth > 0 ? canvas.width / canvas.clientWidth : 1;
  const font = 14 * scale;
  const pad = 4 * scale;
  ctx.font = `600 ${font}px system-ui, sans-serif`;
  ctx.lineWidth = 2.5 * scale;
  ctx.textBaseline = 'top';
  for (const face of faces) {
    const { y, width, height } = face.bbox;
    const x = mirrored ? canvas.width - face.bbox.x - width : face.bbox.x;
    const color = faceColor(face.face_id);
    ctx.strokeStyle = color;
    ctx.strokeRect(x, y, width, height);

    const { label, confidence } = face.emotions.primary;
    const text = `#${face.face_id} ${label} ${percent(confidence)}`;
    const tagWidth = ctx.measureText(text).width + 2 * pad;
    const tagHeight = font + 2 * pad;
    // Above the box, or inside its top edge when the box touches the top of the frame; never off either side.
    const tagX = Math.min(Math.max(0, x - ctx.lineWidth / 2), canvas.width - tagWidth);
    const tagY = y - tagHeight >= 0 ? y - tagHeight : y;
    ctx.fillStyle = 'rgba(0, 0, 0, 0.7)';
    ctx.fillRect(tagX, tagY, tagWidth, tagHeight);
    ctx.fillStyle = color;
    ctx.fillText(text, tagX + pad, tagY + pad);
  }
}

export function clearOverlay(canvas: HTMLCanvasElement): void {
  canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
}
