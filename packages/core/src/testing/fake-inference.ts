/**
 * A fake inference worker for Node tests: implements {@link InferenceApi} with canned detections and
 * probabilities, so the pipeline's own logic (pass policy, SSD decoding, dedupe, crop order, classify → derive →
 * format, stream state) runs without a browser or a model. Detections are encoded into the raw SSD outputs the
 * real detector gives, so the real decoder and suppression run on them. Not shipped (excluded from the build).
 */
import type { DetectorSpec } from '../assets/manifest.js';
import { faceDetectorManifest } from '../assets/registry.js';
import type { Box } from '../pipeline/box.js';
import { letterboxFit, type Letterbox, type Letterboxed } from '../pipeline/find/letterbox.js';
import type { RawDetections } from '../pipeline/find/onnx-detection.js';
import { ssdAnchors } from '../pipeline/find/ssd-decode.js';
import type { InferenceApi, InferenceConfig, InferenceInfo } from '../worker/inference-api.js';

/** A face the fake detector reports, in pixels of the image it runs on. */
export interface CannedFace {
  box: Box;
  score: number;
  /** Eye keypoints (default: on the upper third of the box, level). */
  leftEye?: [number, number];
  rightEye?: [number, number];
}

/** What the fake answers. */
export interface FakeInferenceScript {
  /** Faces per detector id (e.g. `blazeface-short`); absent: none. */
  faces?: Partial<Record<string, readonly CannedFace[]>>;
  /** Probabilities per face, in the classifier's label order, used in turn (the last one repeats). */
  probabilities?: readonly (readonly number[])[];
}

/** A frame of a given size: all the stages read of an `ImageBitmap` in Node. */
export function fakeFrame(width: number, height: number): ImageBitmap {
  return { width, height, close: () => undefined } as ImageBitmap;
}

/** A letterbox that draws nothing (zeros) but maps coordinates as the real one does. */
export function fakeLetterbox(input: DetectorSpec['input']): Letterbox {
  return {
    render: (image): Letterboxed => ({ tensor: new Float32Array(input.width * input.height * 3), ...letterboxFit(image.width, image.height, input.width, input.height) }),
  };
}

/** The fake inference worker. `calls` records what the pipeline asked of it. */
export class FakeInference implements InferenceApi {
  readonly calls = { detect: [] as string[], classify: [] as number[] };
  /** The size of the image each detector run sees, set by the test before a frame (letterboxing is undone with it). */
  imageSize: { width: number; height: number } = { width: 640, height: 480 };
  private next = 0;

  constructor(private readonly script: FakeInferenceScript = {}) {}

  async init(_config: InferenceConfig): Promise<InferenceInfo> {
    return { backend: 'wasm', threads: 1, steps: [] };
  }

  async classify(_input: Float32Array, count: number): Promise<Float32Array[]> {
    this.calls.classify.push(count);
    const canned = this.script.probabilities ?? [[1]];
    return Array.from({ length: count }, () => Float32Array.from(canned[Math.min(this.next++, canned.length - 1)]!));
  }

  async warmup(): Promise<void> {}

  async detectFaces(_input: Float32Array, model: string): Promise<RawDetections> {
    this.calls.detect.push(model);
    const spec = faceDetectorManifest(model).detector;
    return encodeDetections(spec, this.script.faces?.[model] ?? [], this.imageSize.width, this.imageSize.height);
  }

  /** Every point of every crop at the crop's centre (32, 32, 0). */
  async detectIris(_input: Float32Array, count: number): Promise<Float32Array> {
    return new Float32Array(count * 76 * 3).map((_, i) => (i % 3 === 2 ? 0 : 32));
  }

  async release(): Promise<void> {}

  crashForTesting(): void {
    throw new Error('the fake inference does not crash');
  }
}

/**
 * The raw outputs an SSD detector would give for `faces` in a `width` × `height` image: each face regressed
 * from the anchor nearest its centre, every other anchor scored far below any threshold.
 */
function encodeDetections(spec: DetectorSpec, faces: readonly CannedFace[], width: number, height: number): RawDetections {
  const anchors = ssdAnchors(spec);
  const count = anchors.length / 2;
  const stride = 4 + 2 * spec.keypoints;
  const boxes = new Float32Array(count * stride);
  const scores = new Float32Array(count).fill(-100);
  const { width: W, height: H } = spec.input;
  const fit = letterboxFit(width, height, W, H);
  const toUnit = (x: number, y: number): [number, number] => [(x * fit.scale + fit.left) / W, (y * fit.scale + fit.top) / H];
  for (const face of faces) {
    const { x, y, width: w, height: h } = face.box;
    const [cx, cy] = toUnit(x + w / 2, y + h / 2);
    let best = 0;
    for (let a = 1; a < count; a++) {
      if (Math.hypot(anchors[2 * a]! - cx, anchors[2 * a + 1]! - cy) < Math.hypot(anchors[2 * best]! - cx, anchors[2 * best + 1]! - cy)) best = a;
    }
    const ax = anchors[2 * best]!, ay = anchors[2 * best + 1]!;
    const o = best * stride;
    boxes[o] = (cx - ax) * W;
    boxes[o + 1] = (cy - ay) * H;
    boxes[o + 2] = w * fit.scale;
    boxes[o + 3] = h * fit.scale;
    const eyes = [face.leftEye ?? [x + w * 0.3, y + h * 0.35], face.rightEye ?? [x + w * 0.7, y + h * 0.35]] as const;
    eyes.forEach(([ex, ey], k) => {
      const [ux, uy] = toUnit(ex, ey);
      boxes[o + 4 + 2 * k] = (ux - ax) * W;
      boxes[o + 5 + 2 * k] = (uy - ay) * H;
    });
    scores[best] = Math.log(face.score / (1 - face.score));
  }
  return { boxes, scores };
}
