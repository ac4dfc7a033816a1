import type { WiaFaceResult } from '@emolens/core';

/** Draws each face's box with its primary emotion and confidence (the canvas is mirrored with the video). */
export function drawFaces(canvas: HTMLCanvasElement, result: WiaFaceResult): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.lineWidth = Math.max(2, canvas.width / 320);
  ctx.font = `${Math.max(14, canvas.width / 40)}px system-ui, sans-serif`;
  for (const face of result.faces) {
    const { x, y, width, height } = face.bbox;
    const { label, confidence } = face.emotions.primary;
    ctx.strokeStyle = ctx.fillStyle = '#3f3';
    ctx.strokeRect(x, y, width, height);
    // Text is drawn un-mirrored so it reads correctly.
    ctx.save();
    ctx.scale(-1, 1);
    ctx.fillText(`${label} ${(confidence * 100).toFixed(0)}%`, -(x + width), Math.max(16, y - 6));
    ctx.restore();
  }
}
