/**
 * Stage 1 (fast path) — face detection with tasks-vision's FaceDetector (BlazeFace): a box and six
 * keypoints per face, enough to level the eyes and frame the crop. No mesh is computed. Detections scored
 * between the candidate floor and the threshold get a second look (`second-look.ts`).
 */
import { FaceDetector } from '@mediapipe/tasks-vision';
import { withBorderRetry } from './border-retry.js';
import type { Box, DetectedFace } from './detected-face.js';
import { clipBox, detectorFrame } from './face-frame.js';
import { fromRegion, MAX_SECOND_LOOKS, renderRegion, SECOND_LOOK_SIZE, secondLookRegion } from './second-look.js';
import type { StageOptions, WasmFileset } from './stage-options.js';

/** One detection in the pixels of the image it was found in. */
interface Detection {
  score: number;
  box: Box;
  leftEye: [number, number];
  rightEye: [number, number];
}

/** Wraps one FaceDetector. */
export class FaceDetectStage {
  private constructor(
    private readonly detector: FaceDetector,
    /** Detections scoring this or more are faces; lower ones (down to the detector's floor) get a second look. */
    private readonly threshold: number,
  ) {}

  /** Compiles the detector from its `.tflite` bytes (the `face_detector.tflite` entry of a `.task` bundle). */
  static async create(fileset: WasmFileset, model: Uint8Array, options: StageOptions): Promise<FaceDetectStage> {
    const threshold = options.minDetectionConfidence;
    const detector = await FaceDetector.createFromOptions(fileset, {
      baseOptions: { modelAssetBuffer: model, delegate: 'CPU' },
      runningMode: 'IMAGE',
      minDetectionConfidence: Math.min(threshold, options.candidateConfidence ?? threshold),
    });
    return new FaceDetectStage(detector, threshold);
  }

  /** Faces in the frame, in the detector's order (most confident first). */
  detect(frame: ImageBitmap): DetectedFace[] {
    return withBorderRetry(frame, ({ image, padX, padY }) => {
      const faces: DetectedFace[] = [];
      let looks = 0;
      for (const candidate of this.run(image)) {
        const face = candidate.score >= this.threshold ? candidate : looks++ < MAX_SECOND_LOOKS ? this.secondLook(image, candidate) : undefined;
        if (!face) continue;
        const { x, y, width, height } = face.box;
        faces.push({
          bbox: clipBox(x - padX, y - padY, x - padX + width, y - padY + height, frame.width, frame.height),
          frame: detectorFrame({ x: x - padX, y: y - padY, width, height }, [face.leftEye[0] - padX, face.leftEye[1] - padY], [face.rightEye[0] - padX, face.rightEye[1] - padY]),
        });
      }
      return faces;
    });
  }

  /** Frees the graph. */
  close(): void {
    this.detector.close();
  }

  /** Every detection above the detector's floor, in `image` pixels. */
  private run(image: ImageBitmap | OffscreenCanvas): Detection[] {
    return this.detector.detect(image).detections.flatMap((d): Detection[] => {
      const box = d.boundingBox;
      const [leftEye, rightEye] = d.keypoints;
      if (!box || !leftEye || !rightEye) return [];
      return [{
        score: d.categories[0]?.score ?? 0,
        box: { x: box.originX, y: box.originY, width: box.width, height: box.height },
        leftEye: [leftEye.x * image.width, leftEye.y * image.height],
        rightEye: [rightEye.x * image.width, rightEye.y * image.height],
      }];
    });
  }

  /** The detection confirming `candidate` on the enlarged region around it, in `image` pixels, if any. */
  private secondLook(image: ImageBitmap | OffscreenCanvas, candidate: Detection): Detection | undefined {
    const region = secondLookRegion(candidate.box);
    const k = SECOND_LOOK_SIZE / region.side;
    const cx = (candidate.box.x + candidate.box.width / 2 - region.x) * k;
    const cy = (candidate.box.y + candidate.box.height / 2 - region.y) * k;
    const confirmed = this.run(renderRegion(image, region))
      .filter((d) => d.score >= this.threshold && cx >= d.box.x && cx <= d.box.x + d.box.width && cy >= d.box.y && cy <= d.box.y + d.box.height)
      .sort((a, b) => b.score - a.score)[0];
    if (!confirmed) return undefined;
    const [x, y] = fromRegion(region, confirmed.box.x, confirmed.box.y);
    return {
      score: confirmed.score,
      box: { x, y, width: confirmed.box.width / k, height: confirmed.box.height / k },
      leftEye: fromRegion(region, ...confirmed.leftEye),
      rightEye: fromRegion(region, ...confirmed.rightEye),
    };
  }
}
