/** The parity test's reference: a {@link DetectionModel} on tasks-vision's FaceDetector (BlazeFace in MediaPipe's wasm graph, input through WebGL). */
import { FaceDetector } from '@mediapipe/tasks-vision';
import type { Detection, DetectionModel } from '../../../packages/core/src/pipeline/find/detection-model.ts';
import type { WasmFileset } from '../../../packages/core/src/pipeline/find/detector-range.ts';

export class MediapipeDetectionModel implements DetectionModel {
  private constructor(private readonly detector: FaceDetector) {}

  /** Compiles the detector from its `.tflite` bytes; detections below `minScore` are dropped. */
  static async create(fileset: WasmFileset, model: Uint8Array, minScore: number): Promise<MediapipeDetectionModel> {
    const detector = await FaceDetector.createFromOptions(fileset, {
      baseOptions: { modelAssetBuffer: model, delegate: 'CPU' },
      runningMode: 'IMAGE',
      minDetectionConfidence: minScore,
    });
    return new MediapipeDetectionModel(detector);
  }

  run(image: ImageBitmap | OffscreenCanvas): Promise<Detection[]> {
    return Promise.resolve(
      this.detector.detect(image).detections.flatMap((d): Detection[] => {
        const box = d.boundingBox;
        const [leftEye, rightEye] = d.keypoints;
        if (!box || !leftEye || !rightEye) return [];
        return [{
          score: d.categories[0]?.score ?? 0,
          box: { x: box.originX, y: box.originY, width: box.width, height: box.height },
          leftEye: [leftEye.x * image.width, leftEye.y * image.height],
          rightEye: [rightEye.x * image.width, rightEye.y * image.height],
        }];
      }),
    );
  }

  close(): void {
    this.detector.close();
  }
}
