/**
 * Builds `faceapi-expression.onnx` from `@vladmandic/face-api`'s `model/face_expression_model`
 * (a tfjs weights manifest + .bin, no topology). The architecture is written out here from
 * face-api's source (src/faceFeatureExtractor/FaceFeatureExtractor.ts, denseBlock.ts,
 * src/faceProcessor/FaceProcessor.ts, src/faceExpressionNet/FaceExpressionNet.ts):
 *
 * - input 112×112 RGB, normalised in JS as `(x − [122.782, 117.001, 104.298]) / 255`;
 * - 4 dense blocks (32, 64, 128, 256 channels), each: conv0 stride 2 (a plain 3×3 conv in dense0,
 *   a depthwise-separable conv otherwise) + relu, then three separable convs with dense
 *   connections: `out_k = sepconv(relu(out1 + … + out_{k−1}))`, output `relu(out1 + … + out4)`;
 * - avgPool 7×7 stride 2 VALID → [N, 256], fully connected 256 → 7, softmax.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { packageFile, packageVersion, writeModel } from '../lib/files.ts';
import { floatWeight, NhwcNet, readWeights, serializeModel, type Tensor, type WeightMap, type WeightsManifestGroup } from '../lib/tfjs-to-onnx/index.ts';

const PACKAGE = '@vladmandic/face-api';
const MANIFEST = 'model/face_expression_model-weights_manifest.json';

/** tfjs `separableConv2d(x, depthwise, pointwise, stride, 'same') + bias` (face-api's depthwiseSeparableConv). */
function separableConv(net: NhwcNet, weights: WeightMap, prefix: string, x: Tensor, stride: number): Tensor {
  const cin = x.shape[3] as number;
  const dw = weights.get(`${prefix}/depthwise_filter`);
  const pw = weights.get(`${prefix}/pointwise_filter`);
  if (!dw || !pw) throw new Error(`faceapi-expression: missing weights under ${prefix}`);
  const cout = pw.shape[3]!;
  const depthwise = net.depthwiseConv2d(`${prefix}/depthwise`, x, floatWeight(weights, dw.name, [3, 3, cin, 1]), dw.shape, undefined, {
    strides: [stride, stride],
    padding: 'SAME',
  });
  return net.conv2d(`${prefix}/pointwise`, depthwise, floatWeight(weights, pw.name, [1, 1, cin, cout]), pw.shape, floatWeight(weights, `${prefix}/bias`, [cout]), {
    padding: 'VALID',
  });
}

/** face-api's `denseBlock4(x, params, isFirstLayer)` with `isScaleDown = true`. */
function denseBlock4(net: NhwcNet, weights: WeightMap, prefix: string, x: Tensor, isFirstLayer: boolean): Tensor {
  let conv0: Tensor;
  if (isFirstLayer) {
    const filters = weights.get(`${prefix}/conv0/filters`);
    if (!filters) throw new Error(`faceapi-expression: missing ${prefix}/conv0/filters`);
    const cout = filters.shape[3]!;
    conv0 = net.conv2d(`${prefix}/conv0`, x, floatWeight(weights, filters.name, [3, 3, x.shape[3] as number, cout]), filters.shape, floatWeight(weights, `${prefix}/conv0/bias`, [cout]), {
      strides: [2, 2],
      padding: 'SAME',
    });
  } else {
    conv0 = separableConv(net, weights, `${prefix}/conv0`, x, 2);
  }
  const out1 = net.relu(`${prefix}/out1`, conv0);
  const out2 = separableConv(net, weights, `${prefix}/conv1`, out1, 1);
  const in3 = net.relu(`${prefix}/in3`, net.add(`${prefix}/in3_sum`, out1, out2));
  const out3 = separableConv(net, weights, `${prefix}/conv2`, in3, 1);
  const in4 = net.relu(`${prefix}/in4`, net.add(`${prefix}/in4_sum`, out1, net.add(`${prefix}/in4_sum23`, out2, out3)));
  const out4 = separableConv(net, weights, `${prefix}/conv3`, in4, 1);
  const sum34 = net.add(`${prefix}/out_sum34`, out3, out4);
  const sum234 = net.add(`${prefix}/out_sum234`, out2, sum34);
  return net.relu(`${prefix}/out`, net.add(`${prefix}/out_sum`, out1, sum234));
}

/**
 * Converts face-api's FaceExpressionNet weights to ONNX and writes
 * `models/faceapi-expression/build/faceapi-expression.onnx` (checked against the manifest's sha256).
 *
 * @returns the path of the written file
 */
export async function buildFaceapiExpression(): Promise<string> {
  const path = packageFile(PACKAGE, MANIFEST);
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as WeightsManifestGroup[];
  const weights = readWeights(manifest, dirname(path));

  const net = new NhwcNet('faceapi_expression');
  let x = net.input('input', 112, 112, 3);
  x = denseBlock4(net, weights, 'dense0', x, true);
  x = denseBlock4(net, weights, 'dense1', x, false);
  x = denseBlock4(net, weights, 'dense2', x, false);
  x = denseBlock4(net, weights, 'dense3', x, false);
  x = net.avgPool('avgpool', x, { kernel: [7, 7], strides: [2, 2], padding: 'VALID' });
  x = net.flatten('features', x);
  const fcWeights = weights.get('fc/weights');
  if (!fcWeights) throw new Error('faceapi-expression: missing fc/weights');
  x = net.dense('fc', x, floatWeight(weights, 'fc/weights', [256, 7]), fcWeights.shape, floatWeight(weights, 'fc/bias', [7]));
  x = net.softmax('softmax', x);
  net.output(x, 'probabilities');

  const version = packageVersion(PACKAGE);
  const bytes = serializeModel(net.graph, {
    producerName: 'emolens tfjs-to-onnx',
    producerVersion: '1',
    docString: `${PACKAGE}@${version} ${MANIFEST} (FaceExpressionNet), converted from tfjs. Input NHWC [N,112,112,3] = (RGB − [122.782,117.001,104.298])/255; output softmax probabilities.`,
    metadata: [
      ['source', `${PACKAGE}@${version}/${MANIFEST}`],
      ['labels', 'neutral,happy,sad,angry,fearful,disgusted,surprised'],
    ],
  });
  return writeModel('faceapi-expression', bytes);
}
