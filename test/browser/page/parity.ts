/**
 * Test-page module for the classifier parity test: the SDK's crop of a photo (computed here with the
 * SDK's own align/preprocess modules), run through (a) the converted ONNX on onnxruntime-web and (b) the
 * original tfjs model with the peer library's own code.
 */
import * as ort from 'onnxruntime-web/wasm';
import type { ModelManifest } from '../../../packages/core/src/assets/manifest.ts';
import { CropRenderer, faceCrop } from '../../../packages/core/src/pipeline/frame/crop.ts';
import { meshFrame } from '../../../packages/core/src/pipeline/frame/face-frame.ts';
import { valuesPerFace, writeFace } from '../../../packages/core/src/pipeline/frame/preprocess.ts';

type Manifest = Required<ModelManifest>;

export interface ParityInput {
  photoUrl: string;
  /** Face-mesh points of the face (x, y, z interleaved), from the detector. */
  mesh: number[];
  manifest: Manifest;
  onnxUrl: string;
  /** face-api: the folder with face_expression_model-weights_manifest.json; human: the emotion.json URL. */
  originalUrl: string;
  library: 'faceapi' | 'human';
  libraryUrl: string;
}

export async function parity(input: ParityInput): Promise<{ onnx: number[]; original: number[] }> {
  const { manifest } = input;
  const bitmap = await createImageBitmap(await (await fetch(input.photoUrl)).blob(), { imageOrientation: 'from-image' });
  const renderer = new CropRenderer(manifest.input.width, manifest.input.height);
  const rgba = renderer.render(bitmap, faceCrop(meshFrame(Float32Array.from(input.mesh)), manifest.crop));
  const tensor = new Float32Array(valuesPerFace(manifest.input));
  writeFace(rgba, manifest.input, tensor, 0);

  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(input.onnxUrl, { executionProviders: ['wasm'] });
  const channels = manifest.input.color === 'gray' ? 1 : 3;
  const out = await session.run({ [manifest.input.name]: new ort.Tensor('float32', tensor, [1, manifest.input.height, manifest.input.width, channels]) });
  const onnx = Array.from((await out[manifest.output.name]!.getData()) as Float32Array);
  await session.release();

  const original = input.library === 'human' ? await humanOriginal(input, tensor) : await faceapiOriginal(input, rgba);
  return { onnx, original };
}

/** human's graph model, on human's bundled tfjs (cpu backend: exact float32), fed the same normalised tensor. */
async function humanOriginal(input: ParityInput, tensor: Float32Array): Promise<number[]> {
  const { Human } = (await window.loadModule(input.libraryUrl)) as { Human: new (config: object) => { tf: any } };
  const { tf } = new Human({ backend: 'cpu' });
  await tf.setBackend('cpu');
  await tf.ready();
  const model = await tf.loadGraphModel(input.originalUrl);
  const x = tf.tensor(tensor, [1, input.manifest.input.height, input.manifest.input.width, 1]);
  const y = model.predict(x);
  const values = Array.from((await y.data()) as Float32Array);
  tf.dispose([x, y]);
  return values;
}

/** face-api's FaceExpressionNet, with face-api's own input handling, fed the crop as a canvas. */
async function faceapiOriginal(input: ParityInput, rgba: Uint8ClampedArray): Promise<number[]> {
  const faceapi = (await window.loadModule(input.libraryUrl)) as any;
  await faceapi.tf.setBackend('cpu');
  await faceapi.tf.ready();
  await faceapi.nets.faceExpressionNet.loadFromUri(input.originalUrl);
  const { width, height } = input.manifest.input;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  const expressions = await faceapi.nets.faceExpressionNet.predictExpressions(canvas);
  return input.manifest.labels.map((label) => expressions[label] as number);
}
