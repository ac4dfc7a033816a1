/**
 * A {@link DetectionModel} on an ONNX SSD face detector (BlazeFace converted by `models/blazeface-short`):
 * letterbox into the model input here, run the session where onnxruntime runs (the inference worker), decode
 * anchors and merge overlaps here. Same model and decoding as tasks-vision's FaceDetector, without its WebGL
 * input path (~6 ms per call here, whatever the frame size) and without loading MediaPipe at all.
 */
import type { DetectorSpec } from '../../assets/manifest.js';
import type { Detection, DetectionModel } from './detection-model.js';
import { LetterboxRenderer, type Letterbox } from './letterbox.js';
import { decodeSsd, ssdAnchors, weightedNms } from './ssd-decode.js';

/** The raw outputs of one run: `boxes` `[anchors × (4 + 2 × keypoints)]`, `scores` `[anchors]` logits. */
export interface RawDetections {
  boxes: Float32Array;
  scores: Float32Array;
}

/** Runs the detector session on one letterboxed input (transferred). */
export type RunDetector = (input: Float32Array) => Promise<RawDetections>;

export class OnnxDetectionModel implements DetectionModel {
  private readonly anchors: Float32Array;

  /**
   * @param minScore - detections below it are dropped
   * @param letterbox - draws the model input (a canvas in the browser; the Node tests give their own)
   */
  constructor(
    private readonly spec: DetectorSpec,
    private readonly runSession: RunDetector,
    private readonly minScore: number,
    private readonly letterbox: Letterbox = new LetterboxRenderer(spec.input),
  ) {
    this.anchors = ssdAnchors(spec);
  }

  async run(image: ImageBitmap | OffscreenCanvas): Promise<Detection[]> {
    const input = this.letterbox.render(image);
    const { boxes, scores } = await this.runSession(input.tensor);
    const [kx, ky] = input.pixelsPerUnit;
    return weightedNms(decodeSsd(boxes, scores, this.anchors, this.spec, this.minScore), this.spec.nmsThreshold).map((d) => {
      const [x, y] = input.toImage(d.box.x, d.box.y);
      return {
        score: d.score,
        box: { x, y, width: d.box.width * kx, height: d.box.height * ky },
        leftEye: input.toImage(...d.keypoints[0]!),
        rightEye: input.toImage(...d.keypoints[1]!),
      };
    });
  }
}
