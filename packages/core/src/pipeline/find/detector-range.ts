/** What the face-finding stages share: the detector ranges and what each stage is created with. */
import type { FaceDetector } from '@mediapipe/tasks-vision';

/** Where the tasks-vision wasm loader and binary are (tasks-vision does not export this type). */
export type WasmFileset = Parameters<typeof FaceDetector.createFromOptions>[0];

/** Detector range: `short` (faces within ~2 m, 128 px input) or `full` (up to ~5 m, 192 px input). */
export type DetectorRange = 'short' | 'full';

/** Options every face stage is created with. */
export interface StageOptions {
  maxFaces: number;
  minDetectionConfidence: number;
  /** Detections from this score up to `minDetectionConfidence` get a second look (the detect stage only, not the mesh). */
  candidateConfidence?: number;
}
