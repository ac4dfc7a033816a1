/**
 * Which face stages a frame gets (the pass policy).
 * - Fast path: BlazeFace boxes and eye keypoints. Mesh path, only when a requested signal needs the mesh or
 *   the facial transformation matrix: the 468-point mesh (FaceLandmarker).
 * - Range: the short-range model finds faces near the camera (webcams, portraits, tight crops); on large
 *   photos a full-range pass is added for small faces (group photos).
 * Every stage but the short-range detector is created the first time it is needed. Results are merged and
 * de-duplicated.
 */
import type { FaceRange } from '../../options.js';
import type { SignalNeed } from '../derive/signal.js';
import { dedupe } from './dedupe.js';
import type { DetectedFace } from './detected-face.js';
import type { DetectorRange } from './detector-range.js';
import type { FaceDetectStage } from './face-detect-stage.js';
import type { MeshStage } from './mesh-stage.js';

/** Images with more pixels than this get the full-range pass in `auto` mode (above 1280×720). */
export const AUTO_FULL_RANGE_PIXELS = 1280 * 720;

/** Creates the stages on demand. */
export interface StageFactory {
  detector(range: DetectorRange): Promise<FaceDetectStage>;
  mesh(range: DetectorRange): Promise<MeshStage>;
}

/** What one call asks of the face finder. */
export interface FindOptions {
  range: FaceRange;
  maxFaces: number;
  /** What the requested signals need of each face (`mesh`, `transform`: the mesh path). */
  needs: ReadonlySet<SignalNeed>;
}

/** The detector ranges a frame of `width` × `height` gets for `range`, in the order they run. */
export function rangesFor(range: FaceRange, width: number, height: number): DetectorRange[] {
  const ranges: DetectorRange[] = [];
  if (range !== 'full') ranges.push('short');
  if (range === 'full' || range === 'both' || (range === 'auto' && width * height > AUTO_FULL_RANGE_PIXELS)) ranges.push('full');
  return ranges;
}

/** Runs the face stages a frame needs. */
export class FaceFinder {
  private readonly detectors = new Map<DetectorRange, Promise<FaceDetectStage>>();
  private readonly meshes = new Map<DetectorRange, Promise<MeshStage>>();

  constructor(private readonly factory: StageFactory) {}

  /** Faces in the frame, de-duplicated, at most `maxFaces`, short-range faces first. */
  async find(frame: ImageBitmap, options: FindOptions): Promise<DetectedFace[]> {
    const transform = options.needs.has('transform');
    const useMesh = transform || options.needs.has('mesh');
    const faces: DetectedFace[] = [];
    for (const range of rangesFor(options.range, frame.width, frame.height)) {
      faces.push(...(useMesh ? await (await this.mesh(range)).detect(frame, transform) : await (await this.detector(range)).detect(frame)));
    }
    return dedupe(faces.filter((f) => f.bbox.width > 0 && f.bbox.height > 0), (f) => f.bbox).slice(0, options.maxFaces);
  }

  /** Creates the short-range detector now (the stage every call needs). */
  async prepare(): Promise<void> {
    await this.detector('short');
  }

  /** Frees the mesh stages created (the detector sessions belong to the inference worker). */
  async close(): Promise<void> {
    const meshes = [...this.meshes.values()];
    this.meshes.clear();
    this.detectors.clear();
    for (const mesh of meshes) (await mesh.catch(() => undefined))?.close();
  }

  private detector(range: DetectorRange): Promise<FaceDetectStage> {
    return once(this.detectors, range, () => this.factory.detector(range));
  }

  private mesh(range: DetectorRange): Promise<MeshStage> {
    return once(this.meshes, range, () => this.factory.mesh(range));
  }
}

/** The stage of `range` in `stages`, created on first use; a failed load is retried on the next call that needs it. */
function once<T>(stages: Map<DetectorRange, Promise<T>>, range: DetectorRange, create: () => Promise<T>): Promise<T> {
  let stage = stages.get(range);
  if (!stage) {
    stage = create();
    stages.set(range, stage);
    stage.catch(() => stages.delete(range));
  }
  return stage;
}
