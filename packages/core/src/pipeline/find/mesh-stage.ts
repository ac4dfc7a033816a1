/**
 * The mesh path of finding faces — face detection and the 468-point face mesh with tasks-vision's FaceLandmarker,
 * used when a requested signal needs the mesh (landmarks) or the transformation matrix (head pose).
 *
 * Two running modes: `image` for still images (every frame detected afresh, with the border retry and tiles), and
 * `video` for the frames of one stream, in order (`detectForVideo`): the landmarker follows each face from its last
 * mesh and runs its face detector only when it lost one (measured no faster per frame: the mesh model is the cost).
 * A `video` stage belongs to one stream: its timeline is that stream's.
 */
import { FaceLandmarker, type FaceLandmarkerResult } from '@mediapipe/tasks-vision';
import type { Box } from '../box.js';
import { withBorderRetry, type PassInput } from './border-retry.js';
import { tileCanvas } from './tiles.js';
import type { DetectedFace } from './detected-face.js';
import { MESH_POINTS, meshBox, meshFrame } from '../frame/face-frame.js';
import type { StageOptions, WasmFileset } from './detector-range.js';

/** How a landmarker reads its frames: each alone, or as one stream's frames in order. */
export type MeshMode = 'image' | 'video';

/** Wraps one FaceLandmarker. */
export class MeshStage {
  /** Transformation matrices cost ~2 ms a frame: they are switched on the first time a call needs them. */
  private matrices = false;
  /** The last timestamp given to `detectForVideo` (a video stage's timeline must strictly increase). */
  private lastTimestampMs = -Infinity;

  private constructor(
    private readonly landmarker: FaceLandmarker,
    private numFaces: number,
    readonly mode: MeshMode,
  ) {}

  /** Compiles the landmarker from the `.task` bundle bytes, in `mode` (default `image`). */
  static async create(fileset: WasmFileset, bundle: Uint8Array, options: StageOptions, mode: MeshMode = 'image'): Promise<MeshStage> {
    const landmarker = await FaceLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetBuffer: bundle, delegate: 'CPU' },
      runningMode: mode === 'video' ? 'VIDEO' : 'IMAGE',
      numFaces: options.maxFaces,
      minFaceDetectionConfidence: options.minDetectionConfidence,
      minFacePresenceConfidence: 0.5,
      outputFaceBlendshapes: false,
      outputFacialTransformationMatrixes: false,
    });
    return new MeshStage(landmarker, options.maxFaces, mode);
  }

  /** Faces with their mesh, at most `maxFaces`; `transform` asks for the facial transformation matrices too. */
  async detect(frame: ImageBitmap, transform: boolean, maxFaces: number): Promise<DetectedFace[]> {
    await this.configure(transform, maxFaces);
    return withBorderRetry(frame, (input) => this.pass(input, frame, transform));
  }

  /**
   * Faces with their mesh in the next frame of this video stage's stream, captured at `timestampMs` (a timestamp
   * not after the last one is moved 1 ms past it: the landmarker refuses time going backwards). One pass on the
   * whole frame: a bordered or tiled image would not be the stream's frame.
   */
  async detectVideo(frame: ImageBitmap, timestampMs: number, transform: boolean, maxFaces: number): Promise<DetectedFace[]> {
    if (this.mode !== 'video') throw new Error('detectVideo needs a video-mode mesh stage');
    await this.configure(transform, maxFaces);
    this.lastTimestampMs = timestampMs > this.lastTimestampMs ? timestampMs : this.lastTimestampMs + 1;
    const result = this.landmarker.detectForVideo(frame, this.lastTimestampMs);
    return this.faces(result, { image: frame, padX: 0, padY: 0 }, frame, transform);
  }

  /** Faces with their mesh in one tile of the frame (no border retry), in frame pixels. */
  async detectTile(frame: ImageBitmap, tile: Box, transform: boolean, maxFaces: number): Promise<DetectedFace[]> {
    await this.configure(transform, maxFaces);
    return this.pass({ image: tileCanvas(frame, tile), padX: -tile.x, padY: -tile.y }, frame, transform);
  }

  /** Switches the matrices on the first time a call needs them, and follows the call's `maxFaces`. */
  private async configure(transform: boolean, maxFaces: number): Promise<void> {
    const options: { outputFacialTransformationMatrixes?: boolean; numFaces?: number } = {};
    if (transform && !this.matrices) options.outputFacialTransformationMatrixes = true;
    if (maxFaces !== this.numFaces) options.numFaces = maxFaces;
    if (Object.keys(options).length === 0) return;
    await this.landmarker.setOptions(options);
    if (options.outputFacialTransformationMatrixes) this.matrices = true;
    this.numFaces = maxFaces;
  }

  private pass(input: PassInput, frame: { width: number; height: number }, transform: boolean): DetectedFace[] {
    if (this.mode !== 'image') throw new Error('a video-mode mesh stage reads frames with detectVideo');
    return this.faces(this.landmarker.detect(input.image), input, frame, transform);
  }

  private faces(result: FaceLandmarkerResult, { image, padX, padY }: PassInput, frame: { width: number; height: number }, transform: boolean): DetectedFace[] {
    return result.faceLandmarks.map((points, i): DetectedFace => {
      const mesh = new Float32Array(MESH_POINTS * 3);
      for (let p = 0; p < MESH_POINTS; p++) {
        const point = points[p]!;
        mesh[p * 3] = point.x * image.width - padX;
        mesh[p * 3 + 1] = point.y * image.height - padY;
        mesh[p * 3 + 2] = point.z * image.width;
      }
      const matrix = transform ? result.facialTransformationMatrixes?.[i] : undefined;
      return {
        bbox: meshBox(mesh, frame.width, frame.height),
        frame: meshFrame(mesh),
        mesh,
        ...(matrix ? { transform: Float32Array.from(matrix.data) } : {}),
      };
    });
  }

  /** Frees the graph and its wasm memory. */
  close(): void {
    this.landmarker.close();
  }
}
