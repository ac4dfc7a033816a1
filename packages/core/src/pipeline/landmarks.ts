/**
 * Stage 1 — face detection and landmarks, with MediaPipe tasks-vision's FaceLandmarker (BlazeFace
 * short-range detector + 468-point face mesh, CPU delegate).
 */
import { FaceLandmarker } from '@mediapipe/tasks-vision';

/** Where the tasks-vision wasm loader and binary are (tasks-vision does not export this type). */
export type WasmFileset = Parameters<typeof FaceLandmarker.createFromOptions>[0];

/** One face as the landmarker sees it, in source-image pixels. */
export interface DetectedFace {
  /** 468 points, x/y/z interleaved, in source pixels (z in the same scale as x). */
  points: Float32Array;
  /** MediaPipe facial transformation matrix (4×4, column-major), when the geometry model is present. */
  transform: Float32Array | undefined;
}

/** Mesh points with a meaning (the bundle pads its output to 478; the last 10 are dummies). */
export const MESH_POINTS = 468;

/** Grey border, as a fraction of each side, added when a first pass finds no face (tight crops). */
const RETRY_BORDER = 0.25;

/** Wraps one FaceLandmarker; one per worker. */
export class FaceLandmarkStage {
  private constructor(
    private readonly landmarker: FaceLandmarker,
    private readonly maxFaces: number,
  ) {}

  /** Compiles the landmarker from the `.task` bundle bytes. */
  static async create(fileset: WasmFileset, bundle: Uint8Array, maxFaces: number, minDetectionConfidence: number): Promise<FaceLandmarkStage> {
    const landmarker = await FaceLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetBuffer: bundle, delegate: 'CPU' },
      runningMode: 'IMAGE',
      numFaces: maxFaces,
      minFaceDetectionConfidence: minDetectionConfidence,
      minFacePresenceConfidence: 0.5,
      outputFaceBlendshapes: false,
      outputFacialTransformationMatrixes: true,
    });
    return new FaceLandmarkStage(landmarker, maxFaces);
  }

  /**
   * Faces in the frame, at most `maxFaces`. When none is found, tries once more on the frame framed by a
   * grey border: the short-range detector misses faces that fill the whole image.
   */
  detect(frame: ImageBitmap, maxFaces = this.maxFaces): DetectedFace[] {
    let faces = this.run(frame, 0);
    if (faces.length === 0) faces = this.run(frame, RETRY_BORDER);
    return faces.slice(0, maxFaces);
  }

  /** Frees the graph and its wasm memory. */
  close(): void {
    this.landmarker.close();
  }

  private run(frame: ImageBitmap, border: number): DetectedFace[] {
    const padX = Math.round(frame.width * border);
    const padY = Math.round(frame.height * border);
    const input = border === 0 ? frame : withBorder(frame, padX, padY);
    const result = this.landmarker.detect(input);
    const width = input.width;
    const height = input.height;
    return result.faceLandmarks.map((mesh, i) => {
      const points = new Float32Array(MESH_POINTS * 3);
      for (let p = 0; p < MESH_POINTS; p++) {
        const point = mesh[p]!;
        points[p * 3] = point.x * width - padX;
        points[p * 3 + 1] = point.y * height - padY;
        points[p * 3 + 2] = point.z * width;
      }
      const matrix = result.facialTransformationMatrixes?.[i];
      return { points, transform: matrix ? Float32Array.from(matrix.data) : undefined };
    });
  }
}

function withBorder(frame: ImageBitmap, padX: number, padY: number): OffscreenCanvas {
  const canvas = new OffscreenCanvas(frame.width + 2 * padX, frame.height + 2 * padY);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#808080';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(frame, padX, padY);
  return canvas;
}
