/**
 * Test-page module for the face detector parity test: the same photos through (a) the SDK's ONNX BlazeFace
 * path (letterbox, onnxruntime-web, SSD decode — `OnnxDetectionModel`) and (b) tasks-vision's FaceDetector on
 * the same model (`MediapipeDetectionModel`, the `.tflite` of the shipped MediaPipe bundle).
 */
import * as ort from 'onnxruntime-web/wasm';
import type { DetectorSpec } from '../../../packages/core/src/assets/manifest.ts';
import { storedZipEntries } from './zip-entries.ts';
import type { Detection } from '../../../packages/core/src/pipeline/find/detection-model.ts';
import { MediapipeDetectionModel } from './mediapipe-detection.ts';
import { OnnxDetectionModel } from '../../../packages/core/src/pipeline/find/onnx-detection.ts';

export interface DetectorParityInput {
  photoUrls: string[];
  spec: DetectorSpec;
  onnxUrl: string;
  /** The MediaPipe face bundle (`face_landmarker.task`); its `face_detector.tflite` is used. */
  taskUrl: string;
  wasmLoaderUrl: string;
  wasmBinaryUrl: string;
  /** Score floor of both detectors. */
  minScore: number;
}

/** Per photo, the detections of each path (image pixels, best first). */
export async function detectorParity(input: DetectorParityInput): Promise<{ onnx: Detection[]; mediapipe: Detection[] }[]> {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(input.onnxUrl, { executionProviders: ['wasm'] });
  const onnx = new OnnxDetectionModel(
    input.spec,
    async (tensor) => {
      const { width, height, name } = input.spec.input;
      const out = await session.run({ [name]: new ort.Tensor('float32', tensor, [1, height, width, 3]) });
      return {
        boxes: (await out[input.spec.outputs.boxes]!.getData()) as Float32Array,
        scores: (await out[input.spec.outputs.scores]!.getData()) as Float32Array,
      };
    },
    input.minScore,
  );
  const task = new Uint8Array(await (await fetch(input.taskUrl)).arrayBuffer());
  const tflite = storedZipEntries(task).get('face_detector.tflite')!;
  const loader = (await import(/* @vite-ignore */ input.wasmLoaderUrl)) as { default: unknown };
  (self as { ModuleFactory?: unknown }).ModuleFactory = loader.default;
  const mediapipe = await MediapipeDetectionModel.create({ wasmLoaderPath: input.wasmLoaderUrl, wasmBinaryPath: input.wasmBinaryUrl }, tflite, input.minScore);
  const out: { onnx: Detection[]; mediapipe: Detection[] }[] = [];
  for (const url of input.photoUrls) {
    // Both sides get the photo already letterboxed at the model's input size, so neither resamples it: what
    // is compared is the model (converted vs original) and the decoding, not two image scalers.
    const photo = await createImageBitmap(await (await fetch(url)).blob(), { imageOrientation: 'from-image' });
    const { width, height } = input.spec.input;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d')!;
    const scale = Math.min(width / photo.width, height / photo.height);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, width, height);
    ctx.imageSmoothingQuality = 'medium';
    ctx.drawImage(photo, (width - photo.width * scale) / 2, (height - photo.height * scale) / 2, photo.width * scale, photo.height * scale);
    photo.close();
    const bitmap = canvas.transferToImageBitmap();
    out.push({ onnx: await onnx.run(bitmap), mediapipe: await mediapipe.run(bitmap) });
    bitmap.close();
  }
  mediapipe.close();
  await session.release();
  return out;
}
