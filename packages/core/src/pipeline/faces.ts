/**
 * Stage 1 (policy) — which detector passes a frame gets. The short-range bundle finds faces near the
 * camera (webcams, portraits, tight crops); on large photos a full-range pass is added for small faces
 * (group photos), created the first time it is needed. Results are merged and de-duplicated.
 */
import { meshBox } from './align.js';
import { dedupe } from './dedupe.js';
import type { DetectedFace, FaceLandmarkStage } from './landmarks.js';

/**
 * Which detector(s) to run: `short` (faces within ~2 m), `full` (faces up to ~5 m), `both`, or `auto`
 * (short, plus full on images over {@link AUTO_FULL_RANGE_PIXELS}).
 */
export type FaceRange = 'auto' | 'short' | 'full' | 'both';

/** Images with more pixels than this get the full-range pass in `auto` mode (above 1280×720). */
export const AUTO_FULL_RANGE_PIXELS = 1280 * 720;

/** A face with its box in source pixels. */
export interface FoundFace {
  face: DetectedFace;
  bbox: { x: number; y: number; width: number; height: number };
}

/** Runs the detector passes a frame needs. */
export class FaceFinder {
  private full: Promise<FaceLandmarkStage> | undefined;

  constructor(
    private readonly short: FaceLandmarkStage,
    private readonly createFull: () => Promise<FaceLandmarkStage>,
  ) {}

  /** Faces in the frame, de-duplicated, at most `maxFaces`, short-range faces first. */
  async find(frame: ImageBitmap, range: FaceRange, maxFaces: number): Promise<FoundFace[]> {
    const runShort = range !== 'full';
    const runFull = range === 'full' || range === 'both' || (range === 'auto' && frame.width * frame.height > AUTO_FULL_RANGE_PIXELS);
    const faces: DetectedFace[] = [];
    if (runShort) faces.push(...this.short.detect(frame));
    if (runFull) faces.push(...(await this.fullStage()).detect(frame));
    const found = faces
      .map((face) => ({ face, bbox: meshBox(face.points, frame.width, frame.height) }))
      .filter(({ bbox }) => bbox.width > 0 && bbox.height > 0);
    return dedupe(found, (f) => f.bbox).slice(0, maxFaces);
  }

  /** Frees both graphs. */
  async close(): Promise<void> {
    this.short.close();
    const full = this.full;
    this.full = undefined;
    (await full?.catch(() => undefined))?.close();
  }

  private fullStage(): Promise<FaceLandmarkStage> {
    if (!this.full) {
      this.full = this.createFull();
      this.full.catch(() => (this.full = undefined)); // a failed load is retried on the next large image
    }
    return this.full;
  }
}
