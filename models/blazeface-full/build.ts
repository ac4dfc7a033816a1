/**
 * Builds `blazeface-full.onnx`: MediaPipe's BlazeFace full-range face detector (192×192, faces up to ~5 m,
 * for large photos), converted from the `.tflite` in `@mediapipe/face_detection` to ONNX like
 * `blazeface-short` (this one also has RESIZE_BILINEAR, its feature pyramid's upsampling).
 */
import { writeModel } from '../lib/files.ts';
import { convertPackagedTflite } from '../lib/tflite-to-onnx/index.ts';

/** Builds `models/blazeface-full/build/blazeface-full.onnx` and checks it against the manifest. */
export async function buildBlazefaceFull(): Promise<string> {
  return writeModel('blazeface-full', convertPackagedTflite('@mediapipe/face_detection', 'face_detection_full_range.tflite', 'blazeface_full', 'models/blazeface-full/build.ts'));
}
