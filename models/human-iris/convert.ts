/**
 * Builds `human-iris.onnx` from `@vladmandic/human`'s `models/iris.json` (+ `iris.bin`): MediaPipe's iris landmark
 * model (Apache-2.0), as Human ships it, a tfjs graph model.
 *
 * Input NHWC `[N, 64, 64, 3]`, RGB scaled to 0–1 (Human crops its 0–1 face tensor: `facemeshutil.ts` divides by 255),
 * one eye per image, centred on the eye corners, 2.3 × their distance wide; the model sees the subject's right eye
 * (image left), so the left eye is mirrored first. Output `[N, 228]`: 76 points × x/y/z in 64×64 crop pixels — 71
 * eye-contour and brow points, then 5 iris points (centre, then four round it). The graph's output is
 * `[N, 1, 1, 228]`; it is flattened here.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { packageFile, packageVersion, writeModel } from '../lib/files.ts';
import { convertGraphModel, readWeights, serializeModel, type GraphModelJson } from '../lib/tfjs-to-onnx/index.ts';

const PACKAGE = '@vladmandic/human';
const MODEL = 'models/iris.json';

/**
 * Converts human's iris graph model to ONNX and writes `models/human-iris/build/human-iris.onnx` (checked against
 * the manifest's sha256).
 *
 * @returns the path of the written file
 */
export async function buildHumanIris(): Promise<string> {
  const path = packageFile(PACKAGE, MODEL);
  const model = JSON.parse(readFileSync(path, 'utf8')) as GraphModelJson;
  const weights = readWeights(model.weightsManifest, dirname(path));
  const net = convertGraphModel(model, weights, { graphName: 'human_iris', inputName: 'input', outputName: 'points', flattenOutput: true });
  const version = packageVersion(PACKAGE);
  const bytes = serializeModel(net.graph, {
    producerName: 'emolens tfjs-to-onnx',
    producerVersion: '1',
    docString: `${PACKAGE}@${version} ${MODEL} (MediaPipe iris landmark model), converted from tfjs. Input NHWC [N,64,64,3] = RGB/255 of one eye crop (the subject's right eye; mirror the left); output [N,228] = 71 eye-contour then 5 iris points (centre first) × xyz in crop pixels.`,
    metadata: [['source', `${PACKAGE}@${version}/${MODEL}`]],
  });
  return writeModel('human-iris', bytes);
}
