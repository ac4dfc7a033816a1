/**
 * Builds `human-emotion.onnx` from `@vladmandic/human`'s `models/emotion.json` (+ `emotion.bin`),
 * the oarriaga/face_classification mini-Xception FER2013 model converted to a tfjs graph model.
 *
 * Human (src/gear/emotion.ts) feeds it `(luma(crop / 255) − 0.5) · 2` at 64×64×1, i.e.
 * `(luma · RGB − 127.5) / 127.5` with RGB in 0–255 and luma (0.2989, 0.5870, 0.1140); the graph
 * ends in Softmax, so the ONNX output is already probabilities.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { packageFile, packageVersion, writeModel } from '../lib/files.ts';
import { convertGraphModel, readWeights, serializeModel, type GraphModelJson } from '../lib/tfjs-to-onnx/index.ts';

const PACKAGE = '@vladmandic/human';
const MODEL = 'models/emotion.json';

/**
 * Converts human's emotion graph model to ONNX and writes `models/human-emotion/build/human-emotion.onnx`
 * (checked against the manifest's sha256).
 *
 * @returns the path of the written file
 */
export async function buildHumanEmotion(): Promise<string> {
  const path = packageFile(PACKAGE, MODEL);
  const model = JSON.parse(readFileSync(path, 'utf8')) as GraphModelJson;
  const weights = readWeights(model.weightsManifest, dirname(path));
  const net = convertGraphModel(model, weights, { graphName: 'human_emotion', inputName: 'input', outputName: 'probabilities' });
  const version = packageVersion(PACKAGE);
  const bytes = serializeModel(net.graph, {
    producerName: 'emolens tfjs-to-onnx',
    producerVersion: '1',
    docString: `${PACKAGE}@${version} ${MODEL} (oarriaga/face_classification, FER2013 labels), converted from tfjs. Input NHWC [N,64,64,1] = (luma·RGB − 127.5)/127.5; output softmax probabilities.`,
    metadata: [
      ['source', `${PACKAGE}@${version}/${MODEL}`],
      ['labels', 'angry,disgust,fear,happy,sad,surprise,neutral'],
    ],
  });
  return writeModel('human-emotion', bytes);
}
