/**
 * Which face stages a frame gets (the pass policy).
 * - Fast path: BlazeFace boxes and eye keypoints. Mesh path, only when a requested signal needs the mesh, the
 *   facial transformation matrix or the iris: the 468-point mesh (FaceLandmarker), then for `iris` the iris model
 *   on both eyes of every face found (`iris-stage.ts`).
 * - Range: the short-range model finds faces near the camera (webcams, portraits, tight crops); on large
 *   photos a full-range pass is added for small faces (group photos), and tiles when the frame looks like a
 *   crowd (`tiles.ts`).
 * Every stage but the short-range detector is created the first time it is needed. Results are merged and
 * de-duplicated.
 */
import type { FaceRange } from '../../options.js';
import { iou, type Box } from '../box.js';
import type { SignalNeed } from '../derive/signal.js';
import { dedupe } from './dedupe.js';
import type { DetectedFace } from './detected-face.js';
import type { DetectorRange } from './detector-range.js';
import type { FaceDetectStage } from './face-detect-stage.js';
import type { IrisStage } from './iris-stage.js';
import type { MeshMode, MeshStage } from './mesh-stage.js';
import { tilesOf } from './tiles.js';

/**
 * The detector run on tiles. On the 30-portrait grid (2100×1750) the short range finds 29 faces with tiles,
 * the full range 27; on the group photos both find exactly the people.
 */
const TILE_RANGE: DetectorRange = 'short';

/** Images with more pixels than this get the full-range pass in `auto` mode (above 1280×720). */
export const AUTO_FULL_RANGE_PIXELS = 1280 * 720;

/** Creates the stages on demand. */
export interface StageFactory {
  detector(range: DetectorRange): Promise<FaceDetectStage>;
  /** A mesh stage in `mode` (`image` when not given). */
  mesh(range: DetectorRange, mode?: MeshMode): Promise<MeshStage>;
  /** The iris stage (needed only by calls whose signals need `iris`). */
  iris?(): Promise<IrisStage>;
}

/** What one call asks of the face finder. */
export interface FindOptions {
  range: FaceRange;
  maxFaces: number;
  /** What the requested signals need of each face (`mesh`, `transform`, `iris`: the mesh path; `iris`: then the iris stage). */
  needs: ReadonlySet<SignalNeed>;
  /**
   * The frame is the next of stream `stream`, captured at `timestampMs`: on the mesh path it goes to that stream's
   * video-mode landmarker, which follows the stream's faces from frame to frame. Not given: a still image.
   */
  video?: { stream: number; timestampMs: number } | undefined;
}

/** The detector ranges a frame of `width` × `height` gets for `range`, in the order they run. */
export function rangesFor(range: FaceRange, width: number, height: number): DetectorRange[] {
  const ranges: DetectorRange[] = [];
  if (range !== 'full') ranges.push('short');
  if (range === 'full' || range === 'both' || (range === 'auto' && width * height > AUTO_FULL_RANGE_PIXELS)) ranges.push('full');
  return ranges;
}

/**
 * Whole-frame passes that found this many faces or more (and fewer than asked for) suggest a crowd whose other
 * faces are too small for them: the frame is tiled. A photo of a few people is not: the whole-frame passes
 * find all 22 faces of the group photos, and tiles would double its cost.
 */
export const DENSE_FACES = 6;

/**
 * Whether a `width` × `height` frame gets tiled passes ({@link tilesOf}) after its whole-frame passes found
 * `found` faces: in the distant-face modes (`auto`, `full`, `both`), on frames large enough to have tiles, when
 * the whole frame gave no face or a crowd of them, and fewer than `maxFaces`.
 */
export function wantsTiles(range: FaceRange, width: number, height: number, found: number, maxFaces: number): boolean {
  return range !== 'short' && (found === 0 || (found >= DENSE_FACES && found < maxFaces)) && tilesOf(width, height).length > 0;
}

/** What {@link FaceFinder.find} found, and what tiling it took. */
export interface FoundFaces {
  faces: DetectedFace[];
  /** Tiles searched: 0 when the frame was not tiled. */
  tiles: number;
  /** Time spent on the tiles, ms. */
  tilesMs: number;
}

/** Runs the face stages a frame needs. */
export class FaceFinder {
  private readonly detectors = new Map<DetectorRange, Promise<FaceDetectStage>>();
  private readonly meshes = new Map<DetectorRange, Promise<MeshStage>>();
  /** Video-mode mesh stages, one per stream and range (key `stream/range`), closed with their stream. */
  private readonly videoMeshes = new Map<string, Promise<MeshStage>>();
  /** The iris stage, under its one key (a map for {@link once}'s retry after a failed load). */
  private readonly irises = new Map<'iris', Promise<IrisStage>>();

  constructor(private readonly factory: StageFactory) {}

  /** Faces in the frame, de-duplicated, at most `maxFaces`: short-range faces first, then full range, then tiles. */
  async find(frame: ImageBitmap, options: FindOptions): Promise<FoundFaces> {
    const found = await this.findFaces(frame, options);
    if (options.needs.has('iris')) await (await this.iris()).locate(frame, found.faces);
    return found;
  }

  /**
   * On the mesh path the detector runs too, at the same time (in the inference worker, while the mesh runs here),
   * and each mesh face takes the box and crop frame of the detection it matches: a face's box and emotions are
   * the same whichever signals a call asks for. (The mesh's own frame is close on average, but the classifier
   * reads small shifts: on the 96 wild photos 17 primary labels changed with `returnLandmarks` alone.)
   */
  private async findFaces(frame: ImageBitmap, options: FindOptions): Promise<FoundFaces> {
    const useMesh = options.needs.has('transform') || options.needs.has('mesh') || options.needs.has('iris');
    if (!useMesh) return this.findWith(frame, options, (range) => this.detector(range).then((stage) => stage.detect(frame)), (tile) => this.detector(TILE_RANGE).then((stage) => stage.detectTile(frame, tile)));
    const [detected, meshed] = await Promise.all([this.findFaces(frame, { ...options, needs: new Set() }), this.findMeshed(frame, options)]);
    return { ...meshed, faces: withDetectorFrames(meshed.faces, detected.faces), tiles: meshed.tiles + detected.tiles, tilesMs: meshed.tilesMs + detected.tilesMs };
  }

  private findMeshed(frame: ImageBitmap, options: FindOptions): Promise<FoundFaces> {
    const { maxFaces, video } = options;
    const transform = options.needs.has('transform');
    return this.findWith(
      frame,
      options,
      async (range) => (video ? (await this.videoMesh(video.stream, range)).detectVideo(frame, video.timestampMs, transform, maxFaces) : (await this.mesh(range)).detect(frame, transform, maxFaces)),
      async (tile) => (await this.mesh(TILE_RANGE)).detectTile(frame, tile, transform, maxFaces),
    );
  }

  /** The whole-frame passes of each range, then tiles when the frame looks like a crowd ({@link wantsTiles}). */
  private async findWith(frame: ImageBitmap, options: FindOptions, pass: (range: DetectorRange) => Promise<DetectedFace[]>, tilePass: (tile: Box) => Promise<DetectedFace[]>): Promise<FoundFaces> {
    const { maxFaces } = options;
    const faces: DetectedFace[] = [];
    for (const range of rangesFor(options.range, frame.width, frame.height)) faces.push(...(await pass(range)));
    const whole = unique(faces);
    if (!wantsTiles(options.range, frame.width, frame.height, whole.length, maxFaces)) return { faces: whole.slice(0, maxFaces), tiles: 0, tilesMs: 0 };
    const started = performance.now();
    const tiles = tilesOf(frame.width, frame.height);
    for (const tile of tiles) faces.push(...(await tilePass(tile)));
    return { faces: unique(faces).slice(0, maxFaces), tiles: tiles.length, tilesMs: performance.now() - started };
  }

  /** Creates the short-range detector now (the stage every call needs). */
  async prepare(): Promise<void> {
    await this.detector('short');
  }

  /** Frees the video-mode mesh stages of `stream` (after its last frame). */
  async closeStream(stream: number): Promise<void> {
    const prefix = `${stream}/`;
    const meshes = [...this.videoMeshes].filter(([key]) => key.startsWith(prefix));
    for (const [key] of meshes) this.videoMeshes.delete(key);
    for (const [, mesh] of meshes) (await mesh.catch(() => undefined))?.close();
  }

  /** Frees the mesh stages created (the detector sessions belong to the inference worker). */
  async close(): Promise<void> {
    const meshes = [...this.meshes.values(), ...this.videoMeshes.values()];
    this.meshes.clear();
    this.videoMeshes.clear();
    this.detectors.clear();
    this.irises.clear();
    for (const mesh of meshes) (await mesh.catch(() => undefined))?.close();
  }

  private iris(): Promise<IrisStage> {
    const { iris } = this.factory;
    if (!iris) throw new Error('a signal needs iris points but the face finder has no iris stage');
    return once(this.irises, 'iris', () => iris.call(this.factory));
  }

  private detector(range: DetectorRange): Promise<FaceDetectStage> {
    return once(this.detectors, range, () => this.factory.detector(range));
  }

  private mesh(range: DetectorRange): Promise<MeshStage> {
    return once(this.meshes, range, () => this.factory.mesh(range));
  }

  private videoMesh(stream: number, range: DetectorRange): Promise<MeshStage> {
    return once(this.videoMeshes, `${stream}/${range}`, () => this.factory.mesh(range, 'video'));
  }
}

/** Below this overlap a mesh face and a detection are different faces (a face's two boxes overlap by 0.7–0.9). */
const SAME_FACE_IOU = 0.4;

/**
 * Each mesh face with the box and frame of the detection that overlaps it most (each detection used once); a mesh
 * face the detector missed keeps its own.
 */
export function withDetectorFrames(meshed: readonly DetectedFace[], detected: readonly DetectedFace[]): DetectedFace[] {
  const free = new Set(detected);
  return meshed.map((face) => {
    let best: DetectedFace | undefined;
    let bestIou = SAME_FACE_IOU;
    for (const candidate of free) {
      const overlap = iou(face.bbox, candidate.bbox);
      if (overlap >= bestIou) [best, bestIou] = [candidate, overlap];
    }
    if (!best) return face;
    free.delete(best);
    return { ...face, bbox: best.bbox, frame: best.frame };
  });
}

/** Non-empty faces, each once (the first detection of a face is kept). */
function unique(faces: readonly DetectedFace[]): DetectedFace[] {
  return dedupe(faces.filter((f) => f.bbox.width > 0 && f.bbox.height > 0), (f) => f.bbox);
}

/** The stage under `key` in `stages`, created on first use; a failed load is retried on the next call that needs it. */
function once<K, T>(stages: Map<K, Promise<T>>, key: K, create: () => Promise<T>): Promise<T> {
  let stage = stages.get(key);
  if (!stage) {
    stage = create();
    stages.set(key, stage);
    stage.catch(() => stages.delete(key));
  }
  return stage;
}
