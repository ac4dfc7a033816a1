/**
 * A still of the live video and the prediction for its main face, taken when the user presses Capture: the
 * correction form then edits labels for that moment, not for whatever the camera shows while they move a slider.
 */
import type { WiaEmotion, WiaFace } from '@emolens/core';

/** The captured moment. */
export interface Snapshot {
  /** The video frame, at the camera's resolution (the uploader scales it down before queueing). */
  image: HTMLCanvasElement;
  /** The largest face of the last result, as the live view showed it (smoothed). */
  face: WiaFace;
  /** Its predicted probability of each label. */
  probabilities: Record<WiaEmotion, number>;
}

/** The face with the largest box: the one a correction is about when several are in view. */
export function largestFace(faces: readonly WiaFace[]): WiaFace | undefined {
  let best: WiaFace | undefined;
  for (const face of faces) if (!best || face.bbox.width * face.bbox.height > best.bbox.width * best.bbox.height) best = face;
  return best;
}

/** Draws the video's current frame and pairs it with `faces`' largest; `undefined` when there is no face or no frame. */
export function takeSnapshot(video: HTMLVideoElement, faces: readonly WiaFace[]): Snapshot | undefined {
  const face = largestFace(faces);
  if (!face || video.videoWidth === 0) return undefined;
  const image = document.createElement('canvas');
  image.width = video.videoWidth;
  image.height = video.videoHeight;
  image.getContext('2d')?.drawImage(video, 0, 0);
  const probabilities = Object.fromEntries(face.emotions.all.map((s) => [s.label, s.confidence])) as Record<WiaEmotion, number>;
  return { image, face, probabilities };
}
