/**
 * Stage 1 (policy) — which face stages a frame gets.
 * - Fast path: BlazeFace boxes and eye keypoints (FaceDetector). Mesh path, when a call asks for
 *   landmarks or head pose: the 468-point mesh (FaceLandmarker).
 * - Range: the short-range model finds faces near the camera (webcams, portraits, tight crops); on large
 *   photos a full-range pass is added for small faces (group photos).
 * Every stage but the short-range detector is created the first time it is needed. Results are merged and
 * de-duplicated.
 */
import { dedupe } from './dedupe.js';
import type { DetectedFace } from './detected-face.js';
import type { FaceDetectStage } from './detect.js';
import type { FaceLandmarkStage } from './landmarks.js';
import type { DetectorRange } from './stage-options.js';

/**
 * Which detector(s) to run: `short` (faces within ~2 m), `full` (faces up to ~5 m), `both`, or `auto`
 * (short, plus full on images over {@link AUTO_FULL_RANGE_PIXELS}).
 */
export type FaceRange = 'auto' | 'short' | 'full' | 'both';

/** Images with more pixels than this get the full-range pass in `auto` mode (above 1280×720). */
export const AUTO_FULL_RANGE_PIXELS = 1280 * 720;

/** Creates the stages on demand. */
export interface StageFactory {
  detector(range: DetectorRange): Promise<FaceDetectStage>;
  landmarker(range: DetectorRange): Promise<FaceLandmarkStage>;
}

/** What one call asks of stage 1. */
export interface FindOptions {
  range: FaceRange;
  maxFaces: number;
  /** Compute the mesh (landmarks asked for). */
  mesh: boolean;
  headPose: boolean;
}

/** Runs the face stages a frame needs. */
export class FaceFinder {
  private readonly stages = new Map<string, Promise<FaceDetectStage | FaceLandmarkStage>>();

  constructor(private readonly factory: StageFactory) {}

  /** Faces in the frame, de-duplicated, at most `maxFaces`, short-range faces first. */
  async find(frame: ImageBitmap, options: FindOptions): Promise<DetectedFace[]> {
    const { range } = options;
    const ranges: DetectorRange[] = [];
    if (range !== 'full') ranges.push('short');
    if (range === 'full' || range === 'both' || (range === 'auto' && frame.width * frame.height > AUTO_FULL_RANGE_PIXELS)) ranges.push('full');
    const useMesh = options.mesh || options.headPose;
    const faces: DetectedFace[] = [];
    for (const r of ranges) {
      faces.push(...(useMesh ? await (await this.landmarker(r)).detect(frame, options.headPose) : await (await this.detector(r)).detect(frame)));
    }
    return dedupe(faces.filter((f) => f.bbox.width > 0 && f.bbox.height > 0), (f) => f.bbox).slice(0, options.maxFaces);
  }

  /** Creates the short-range detector now (the stage every call needs). */
  async prepare(): Promise<void> {
    await this.detector('short');
  }

  /** Frees every stage created. */
  async close(): Promise<void> {
    const stages = [...this.stages.values()];
    this.stages.clear();
    for (const stage of stages) (await stage.catch(() => undefined))?.close();
  }

  private detector(range: DetectorRange): Promise<FaceDetectStage> {
    return this.stage(`detector-${range}`, () => this.factory.detector(range)) as Promise<FaceDetectStage>;
  }

  private landmarker(range: DetectorRange): Promise<FaceLandmarkStage> {
    return this.stage(`landmarker-${range}`, () => this.factory.landmarker(range)) as Promise<FaceLandmarkStage>;
  }

  private stage(key: string, create: () => Promise<FaceDetectStage | FaceLandmarkStage>) {
    let stage = this.stages.get(key);
    if (!stage) {
      stage = create();
      this.stages.set(key, stage);
      stage.catch(() => this.stages.delete(key)); // a failed load is retried on the next call that needs it
    }
    return stage;
  }
}
