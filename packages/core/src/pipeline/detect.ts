/**
 * Stage 1 (fast path) — face detection with tasks-vision's FaceDetector (BlazeFace): a box and six
 * keypoints per face, enough to level the eyes and frame the crop. No mesh is computed.
 */
import { FaceDetector } from '@mediapipe/tasks-vision';
import { withBorderRetry } from './border-retry.js';
import type { DetectedFace } from './detected-face.js';
import { clipBox, detectorFrame } from './face-frame.js';
import type { StageOptions, WasmFileset } from './stage-options.js';

/** Wraps one FaceDetector. */
export class FaceDetectStage {
  private constructor(private readonly detector: FaceDetector) {}

  /** Compiles the detector from its `.tflite` bytes (the `face_detector.tflite` entry of a `.task` bundle). */
  static async create(fileset: WasmFileset, model: Uint8Array, options: StageOptions): Promise<FaceDetectStage> {
    const detector = await FaceDetector.createFromOptions(fileset, {
      baseOptions: { modelAssetBuffer: model, delegate: 'CPU' },
      runningMode: 'IMAGE',
      minDetectionConfidence: options.minDetectionConfidence,
    });
    return new FaceDetectStage(detector);
  }

  /** Faces in the frame, most confident first. */
  detect(frame: ImageBitmap): DetectedFace[] {
    return withBorderRetry(frame, ({ image, padX, padY }) =>
      this.detector.detect(image).detections.flatMap((detection): DetectedFace[] => {
        const box = detection.boundingBox;
        const [leftEye, rightEye] = detection.keypoints;
        if (!box || !leftEye || !rightEye) return [];
        const x = box.originX - padX;
        const y = box.originY - padY;
        const w = image.width, h = image.height;
        return [{
          bbox: clipBox(x, y, x + box.width, y + box.height, frame.width, frame.height),
          frame: detectorFrame({ x, y, width: box.width, height: box.height }, [leftEye.x * w - padX, leftEye.y * h - padY], [rightEye.x * w - padX, rightEye.y * h - padY]),
        }];
      }),
    );
  }

  /** Frees the graph. */
  close(): void {
    this.detector.close();
  }
}
