/**
 * The mesh path of finding faces — face detection and the 468-point face mesh with tasks-vision's FaceLandmarker,
 * used when a requested signal needs the mesh (landmarks) or the transformation matrix (head pose).
 */
import { FaceLandmarker } from '@mediapipe/tasks-vision';
import type { Box } from '../box.js';
import { withBorderRetry, type PassInput } from './border-retry.js';
import { tileCanvas } from './tiles.js';
import type { DetectedFace } from './detected-face.js';
import { MESH_POINTS, meshBox, meshFrame } from '../frame/face-frame.js';
import type { StageOptions, WasmFileset } from './detector-range.js';

/** Wraps one FaceLandmarker. */
export class MeshStage {
  /** Transformation matrices cost ~2 ms a frame: they are switched on the first time a call needs them. */
  private matrices = false;

  private constructor(
    private readonly landmarker: FaceLandmarker,
    private numFaces: number,
  ) {}

  /** Compiles the landmarker from the `.task` bundle bytes. */
  static async create(fileset: WasmFileset, bundle: Uint8Array, options: StageOptions): Promise<MeshStage> {
    const landmarker = await FaceLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetBuffer: bundle, delegate: 'CPU' },
      runningMode: 'IMAGE',
      numFaces: options.maxFaces,
      minFaceDetectionConfidence: options.minDetectionConfidence,
      minFacePresenceConfidence: 0.5,
      outputFaceBlendshapes: false,
      outputFacialTransformationMatrixes: false,
    });
    return new MeshStage(landmarker, options.maxFaces);
  }

  /** Faces with their mesh, at most `maxFaces`; `transform` asks for the facial transformation matrices too. */
  async detect(frame: ImageBitmap, transform: boolean, maxFaces: number): Promise<DetectedFace[]> {
    await this.configure(transform, maxFaces);
    return withBorderRetry(frame, (input) => this.pass(input, frame, transform));
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

  private pass({ image, padX, padY }: PassInput, frame: { width: number; height: number }, transform: boolean): DetectedFace[] {
    const result = this.landmarker.detect(image);
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
