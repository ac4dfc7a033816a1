/**
 * Parity of the converted emotion classifiers with the original tfjs models, in Node.
 *
 * (a) the original: tfjs 4.22 on the pure-JS 'cpu' backend — face-api's own FaceExpressionNet code
 *     (its ESM no-bundle build, wired to this @tensorflow/tfjs) with weights decoded by tfjs, and
 *     human's emotion graph model through `tf.loadGraphModel`;
 * (b) the ONNX built by `pnpm models` (models/<name>/build/), run with onnxruntime-web (wasm, 1 thread).
 *
 * Both get the same real face crops (/work/shared/data/wild/*\/*.jpg, decoded with jpeg-js, resized
 * bilinearly), singly and as a batch of 4; probabilities must agree to 1e-5 with identical argmax.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from '../../models/lib/files.ts';
import { loadHumanGraphModel, modelManifest, onnxPath, wildPhotoPaths } from './model-inputs.ts';
import { requireData } from '../setup/paths.ts';

const WILD = join(requireData(), 'wild');
const TOLERANCE = 1e-5;
const PHOTOS_PER_CLASS = 2;

interface Manifest {
  file: string;
  input: { name: string; width: number; height: number; color: 'rgb' | 'gray'; luma?: [number, number, number]; mean: number[]; std: number[] };
  output: { name: string };
  labels: string[];
}

const manifest = (name: string): Manifest => modelManifest<Manifest>(name);

// ---------------------------------------------------------------------------------------------
// images

interface Rgb {
  width: number;
  height: number;
  /** RGB, 0–255, row-major. */
  data: Float32Array;
}

function decode(path: string): Rgb {
  const img = jpeg.decode(readFileSync(path), { useTArray: true, formatAsRGBA: true });
  const data = new Float32Array(img.width * img.height * 3);
  for (let i = 0; i < img.width * img.height; i++) {
    data[3 * i] = img.data[4 * i]!;
    data[3 * i + 1] = img.data[4 * i + 1]!;
    data[3 * i + 2] = img.data[4 * i + 2]!;
  }
  return { width: img.width, height: img.height, data };
}

/** Bilinear resize with half-pixel centres (like tf.image.resizeBilinear(…, halfPixelCenters=true)). */
function resize(img: Rgb, width: number, height: number): Rgb {
  const out = new Float32Array(width * height * 3);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const dy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const dx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const p = (yy: number, xx: number): number => img.data[(yy * img.width + xx) * 3 + c]!;
        const top = p(y0, x0) * (1 - dx) + p(y0, x1) * dx;
        const bottom = p(y1, x0) * (1 - dx) + p(y1, x1) * dx;
        out[(y * width + x) * 3 + c] = top * (1 - dy) + bottom * dy;
      }
    }
  }
  return { width, height, data: out };
}

/** The SDK's normalisation, from the manifest: (pixel − mean) / std per channel; gray = luma · RGB. */
function normalise(img: Rgb, m: Manifest): Float32Array {
  const { color, luma, mean, std } = m.input;
  const n = img.width * img.height;
  if (color === 'gray') {
    const [lr, lg, lb] = luma!;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (lr * img.data[3 * i]! + lg * img.data[3 * i + 1]! + lb * img.data[3 * i + 2]! - mean[0]!) / std[0]!;
    return out;
  }
  const out = new Float32Array(n * 3);
  for (let i = 0; i < 3 * n; i++) out[i] = (img.data[i]! - mean[i % 3]!) / std[i % 3]!;
  return out;
}

// ---------------------------------------------------------------------------------------------
// onnx

async function onnxSession(name: string): Promise<ort.InferenceSession> {
  ort.env.wasm.numThreads = 1;
  return ort.InferenceSession.create(new Uint8Array(readFileSync(onnxPath(name))), { executionProviders: ['wasm'] });
}

async function runOnnx(session: ort.InferenceSession, m: Manifest, inputs: Float32Array[]): Promise<{ dims: readonly number[]; rows: Float32Array[] }> {
  const channels = m.input.color === 'gray' ? 1 : 3;
  const size = m.input.width * m.input.height * channels;
  const batch = new Float32Array(inputs.length * size);
  inputs.forEach((x, i) => batch.set(x, i * size));
  const feeds = { [m.input.name]: new ort.Tensor('float32', batch, [inputs.length, m.input.height, m.input.width, channels]) };
  const result = await session.run(feeds);
  const out = result[m.output.name]!;
  const data = out.data as Float32Array;
  const k = out.dims[1]!;
  return { dims: out.dims, rows: inputs.map((_, i) => data.slice(i * k, (i + 1) * k)) };
}

// ---------------------------------------------------------------------------------------------
// comparisons

const argmax = (row: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
};

function compare(name: string, reference: Float32Array[], converted: Float32Array[]): number {
  let maxDiff = 0;
  reference.forEach((ref, i) => {
    const got = converted[i]!;
    expect(got.length).toBe(ref.length);
    for (let j = 0; j < ref.length; j++) maxDiff = Math.max(maxDiff, Math.abs(ref[j]! - got[j]!));
    expect(argmax(got), `${name} image ${i} argmax`).toBe(argmax(ref));
  });
  expect(maxDiff, `${name} max |Δp|`).toBeLessThanOrEqual(TOLERANCE);
  return maxDiff;
}

function checkProbabilities(dims: readonly number[], rows: Float32Array[], n: number, labels: number): void {
  expect([...dims]).toEqual([n, labels]);
  for (const row of rows) {
    expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    for (const p of row) expect(p).toBeGreaterThanOrEqual(0);
  }
}

const photos = wildPhotoPaths(PHOTOS_PER_CLASS);

beforeAll(async () => {
  // Missing inputs fail the run (a parity test that does not run proves nothing).
  for (const name of ['faceapi-expression', 'human-emotion']) {
    if (!existsSync(onnxPath(name))) throw new Error(`${onnxPath(name)} is missing: run \`pnpm models\``);
  }
  if (photos.length < 8) throw new Error(`expected at least 8 photos under ${WILD}, found ${photos.length}`);
  await tf.setBackend('cpu');
  await tf.ready();
});

// ---------------------------------------------------------------------------------------------
// face-api

/** face-api's FaceExpressionNet class etc. from its ESM no-bundle build, bound to this @tensorflow/tfjs. */
async function loadFaceapi(): Promise<{ FaceExpressionNet: new () => FaceExpressionNetLike; toNetInput: (input: unknown) => Promise<unknown> }> {
  // The no-bundle build imports '@tensorflow/tfjs/dist/index.js' (the ESM build, which Node cannot load as
  // ESM from that package) plus the webgl and wasm backends, none of which resolve from face-api's own
  // folder under pnpm. Its tfjs namespace is only a merge of those modules, so the imports are replaced
  // by this test's tfjs module (and empty objects for the two GPU/wasm backends).
  const src = readFileSync(join(packageDir('@vladmandic/face-api'), 'dist', 'face-api.esm-nobundle.js'), 'utf8');
  const imports = [
    'import*as mn from"@tensorflow/tfjs/dist/index.js";',
    'import*as pn from"@tensorflow/tfjs-backend-webgl/dist/index.js";',
    'import*as un from"@tensorflow/tfjs-backend-wasm/dist/index.js";',
  ];
  let patched = src;
  for (const line of imports) {
    if (!patched.includes(line)) throw new Error(`face-api no-bundle build changed: ${line} not found`);
    patched = patched.replace(line, '');
  }
  patched = `var mn=globalThis.__emolensFaceapiTf,pn={},un={};\n${patched}`;
  (globalThis as Record<string, unknown>).__emolensFaceapiTf = tf;
  const dir = join(tmpdir(), 'emolens-faceapi');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'face-api.esm-nobundle.tfjs.mjs');
  writeFileSync(file, patched);
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Awaited<ReturnType<typeof loadFaceapi>>;
}

interface FaceExpressionNetLike {
  loadFromWeightMap(map: tf.NamedTensorMap): void;
  forwardInput(input: unknown): tf.Tensor2D;
}

describe('faceapi-expression ONNX vs face-api FaceExpressionNet (tfjs cpu)', () => {
  const m = manifest('faceapi-expression');
  let net: FaceExpressionNetLike;
  let toNetInput: (input: unknown) => Promise<unknown>;
  let session: ort.InferenceSession;
  let images: Rgb[];
  const diffs: number[] = [];
  const predicted: string[] = [];

  beforeAll(async () => {
    const faceapi = await loadFaceapi();
    const dir = join(packageDir('@vladmandic/face-api'), 'model');
    const weightsManifest = JSON.parse(readFileSync(join(dir, 'face_expression_model-weights_manifest.json'), 'utf8')) as tf.io.WeightsManifestConfig;
    const specs = weightsManifest.flatMap((g) => g.weights);
    const buffers = weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
    const bin = Buffer.concat(buffers);
    const weightMap = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), specs);
    net = new faceapi.FaceExpressionNet();
    net.loadFromWeightMap(weightMap);
    toNetInput = faceapi.toNetInput;
    session = await onnxSession('faceapi-expression');
    images = photos.map((p) => resize(decode(p), m.input.width, m.input.height));
  });

  /** face-api path: raw 0–255 RGB tensors in, its own normalisation and softmax. */
  async function reference(batch: Rgb[]): Promise<Float32Array[]> {
    const inputs = batch.map((img) => tf.tensor3d(img.data, [img.height, img.width, 3], 'float32'));
    const out = net.forwardInput(await toNetInput(inputs));
    const data = out.dataSync() as Float32Array;
    const k = out.shape[1];
    tf.dispose([out, ...inputs]);
    return batch.map((_, i) => data.slice(i * k, (i + 1) * k));
  }

  it('matches one image at a time', async () => {
    for (const img of images) {
      const ref = await reference([img]);
      const got = await runOnnx(session, m, [normalise(img, m)]);
      checkProbabilities(got.dims, got.rows, 1, m.labels.length);
      diffs.push(compare('faceapi-expression', ref, got.rows));
      predicted.push(m.labels[argmax(got.rows[0]!)]!);
    }
    console.log(`faceapi-expression: ${images.length} photos, max |Δp| single = ${Math.max(...diffs).toExponential(3)}; predicted ${predicted.join(' ')}`);
  });

  it('matches a batch of 4', async () => {
    const batch = images.slice(0, 4);
    const ref = await reference(batch);
    const got = await runOnnx(session, m, batch.map((img) => normalise(img, m)));
    checkProbabilities(got.dims, got.rows, 4, m.labels.length);
    const d = compare('faceapi-expression batch', ref, got.rows);
    console.log(`faceapi-expression: max |Δp| batch of 4 = ${d.toExponential(3)}`);
  });
});

// ---------------------------------------------------------------------------------------------
// human

describe('human-emotion ONNX vs human emotion graph model (tfjs cpu)', () => {
  const m = manifest('human-emotion');
  let model: tf.GraphModel;
  let session: ort.InferenceSession;
  let images: Rgb[];
  const diffs: number[] = [];
  const predicted: string[] = [];

  beforeAll(async () => {
    model = await loadHumanGraphModel('emotion');
    session = await onnxSession('human-emotion');
    images = photos.map((p) => resize(decode(p), m.input.width, m.input.height));
  });

  function reference(inputs: Float32Array[]): Float32Array[] {
    const x = tf.tensor4d(Float32Array.from(inputs.flatMap((a) => [...a])), [inputs.length, m.input.height, m.input.width, 1]);
    const out = model.execute(x) as tf.Tensor2D;
    const data = out.dataSync() as Float32Array;
    const k = out.shape[1];
    tf.dispose([x, out]);
    return inputs.map((_, i) => data.slice(i * k, (i + 1) * k));
  }

  it("the manifest normalisation equals human's JS preprocessing (src/gear/emotion.ts)", () => {
    // human: crop / 255 → (resize) → Σ rgb·[0.2989, 0.5870, 0.1140] → (g − 0.5) · 2
    const img = images[0]!;
    const ours = normalise(img, m);
    const theirs = tf.tidy(() => {
      const t = tf.div(tf.tensor4d(img.data, [1, img.height, img.width, 3]), 255);
      const gray = tf.sum(tf.mul(t, tf.tensor1d([0.2989, 0.587, 0.114])), 3, true);
      return tf.mul(tf.sub(gray, 0.5), 2).dataSync() as Float32Array;
    });
    let d = 0;
    for (let i = 0; i < ours.length; i++) d = Math.max(d, Math.abs(ours[i]! - theirs[i]!));
    expect(d).toBeLessThan(1e-5);
  });

  it('matches one image at a time', async () => {
    for (const img of images) {
      const x = normalise(img, m);
      const ref = reference([x]);
      const got = await runOnnx(session, m, [x]);
      checkProbabilities(got.dims, got.rows, 1, m.labels.length);
      diffs.push(compare('human-emotion', ref, got.rows));
      predicted.push(m.labels[argmax(got.rows[0]!)]!);
    }
    console.log(`human-emotion: ${images.length} photos, max |Δp| single = ${Math.max(...diffs).toExponential(3)}; predicted ${predicted.join(' ')}`);
  });

  it('matches a batch of 4', async () => {
    const xs = images.slice(0, 4).map((img) => normalise(img, m));
    const ref = reference(xs);
    const got = await runOnnx(session, m, xs);
    checkProbabilities(got.dims, got.rows, 4, m.labels.length);
    const d = compare('human-emotion batch', ref, got.rows);
    console.log(`human-emotion: max |Δp| batch of 4 = ${d.toExponential(3)}`);
  });
});
