/** TFLite → ONNX conversion: a FlatBuffer graph reader and a converter onto the NHWC op emitter. */
import { readFileSync } from 'node:fs';
import { packageFile, packageVersion } from '../files.ts';
import { serializeModel } from '../tfjs-to-onnx/onnx-writer.ts';
import { tfliteToOnnx } from './convert.ts';
import { readTfliteGraph } from './tflite-graph.ts';

export * from './convert.ts';
export * from './tflite-graph.ts';

/**
 * Converts a `.tflite` file shipped in an npm package to ONNX bytes (deterministic).
 *
 * @param pkg - npm package
 * @param file - path of the `.tflite` inside it
 * @param graphName - ONNX graph name
 * @param builtBy - the build script, named in the model's doc string
 */
export function convertPackagedTflite(pkg: string, file: string, graphName: string, builtBy: string): Uint8Array {
  const graph = readTfliteGraph(new Uint8Array(readFileSync(packageFile(pkg, file))));
  const source = `${pkg}@${packageVersion(pkg)}/${file}`;
  return serializeModel(tfliteToOnnx(graph, graphName).graph, {
    producerName: 'emolens-models',
    producerVersion: '0.1.0',
    docString: `${source}, converted from TFLite by ${builtBy}`,
    metadata: [['source', source]],
  });
}
