/** What the face stages share. */
import type { FaceDetector } from '@mediapipe/tasks-vision';

/** Where the tasks-vision wasm loader and binary are (tasks-vision does not export this type). */
export type WasmFileset = Parameters<typeof FaceDetector.createFromOptions>[0];

/** Detector range: `short` (faces within ~2 m, 128 px input) or `full` (up to ~5 m, 192 px input). */
export type DetectorRange = 'short' | 'full';

/** Options every stage is created with. */
export interface StageOptions {
  maxFaces: number;
  minDetectionConfidence: number;
  /** Detections from this score up to `minDetectionConfidence` get a second look (the detect stage only, not the mesh). */
  candidateConfidence?: number;
}

/**
 * Default detection thresholds per range. Short range: 0.7 — the bare detector scores background texture up
 * to 0.68 on the wild set (a building facade; a sunglass lens), while the real faces it scores lower are tight
 * crops, which the grey-border retry finds with a higher score, or small faces, which a second look confirms
 * (at this threshold minus `SECOND_LOOK_MARGIN`). Full range: 0.5 — it runs on large photos, where it is the
 * pass that finds the small faces.
 */
export const DEFAULT_MIN_DETECTION_CONFIDENCE: Readonly<Record<DetectorRange, number>> = { short: 0.7, full: 0.5 };
