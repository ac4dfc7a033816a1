/** What a face detection model gives the detect stage: detections in the pixels of the image it ran on. */
import type { Box } from '../box.js';

/** One detection in the pixels of the image it was found in. */
export interface Detection {
  score: number;
  box: Box;
  /** The eye keypoints (BlazeFace's first two: the person's right eye, then left eye). */
  leftEye: [number, number];
  rightEye: [number, number];
}

/** A face detector: every detection down to its score floor, most confident first. */
export interface DetectionModel {
  run(image: ImageBitmap | OffscreenCanvas): Promise<Detection[]>;
}
