/**
 * Builds `blazeface-short.onnx`: MediaPipe's BlazeFace short-range face detector (128×128, faces within
 * ~2 m), converted from the `.tflite` that ships in `@mediapipe/face_detection` to ONNX by our TFLite
 * converter (`models/lib/tflite-to-onnx`; its float16 weights are widened to float32). The SDK runs it on
 * onnxruntime-web next to the emotion classifier, and decodes its anchors itself
 * (`packages/core/src/pipeline/ssd-decode.ts`). The output is byte-for-byte deterministic.
 */
import { writeModel } from '../lib/files.ts';
import { convertPackagedTflite } from '../lib/tflite-to-onnx/index.ts';

/** Builds `models/blazeface-short/build/blazeface-short.onnx` and checks it against the manifest. */
export async function buildBlazefaceShort(): Promise<string> {
  return writeModel('blazeface-short', convertPackagedTflite('@mediapipe/face_detection', 'face_detection_short_range.tflite', 'blazeface_short', 'models/blazeface-short/build.ts'));
}
