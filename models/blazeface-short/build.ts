/**
 * Builds `blazeface-short.onnx`: MediaPipe's BlazeFace short-range face detector (128×128, faces within
 * ~2 m), converted from the `.tflite` that ships in `@mediapipe/face_detection` to ONNX by our TFLite
 * converter (`models/lib/tflite-to-onnx`; its float16 weights are widened to float32). The SDK runs it on
 * onnxruntime-web next to the emotion classifier, and decodes its anchors itself
 * (`packages/core/src/pipeline/ssd-decode.ts`). The output is byte-for-byte deterministic.
 */
import { readFileSync } from 'node:fs';
import { packageFile, packageVersion, writeModel } from '../lib/files.ts';
import { serializeModel } from '../lib/tfjs-to-onnx/onnx-writer.ts';
import { tfliteToOnnx } from '../lib/tflite-to-onnx/convert.ts';
import { readTfliteGraph } from '../lib/tflite-to-onnx/tflite-graph.ts';

const PKG = '@mediapipe/face_detection';
const FILE = 'face_detection_short_range.tflite';

/** The converted model's bytes. */
export function buildBlazefaceShortOnnx(): Uint8Array {
  const graph = readTfliteGraph(new Uint8Array(readFileSync(packageFile(PKG, FILE))));
  const net = tfliteToOnnx(graph, 'blazeface_short');
  return serializeModel(net.graph, {
    producerName: 'emolens-models',
    producerVersion: '0.1.0',
    docString: `BlazeFace short range from ${PKG}@${packageVersion(PKG)}/${FILE}, converted by models/blazeface-short/build.ts`,
    metadata: [['source', `${PKG}@${packageVersion(PKG)}/${FILE}`]],
  });
}

/** Builds `models/blazeface-short/build/blazeface-short.onnx` and checks it against the manifest. */
export async function buildBlazefaceShort(): Promise<string> {
  return writeModel('blazeface-short', buildBlazefaceShortOnnx());
}
