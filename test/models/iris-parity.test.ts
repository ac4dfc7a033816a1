/**
 * Parity of the converted iris model (`models/human-iris`, built by `pnpm models`) with the original: human's
 * `models/iris.json` through `tf.loadGraphModel` on tfjs 4.22's pure-JS 'cpu' backend, against the ONNX on
 * onnxruntime-web (wasm, 1 thread), in Node.
 *
 * Both get the same real eye crops: the first photos of each class of /work/shared/data/wild (decoded with jpeg-js),
 * their eyes found by the shipped short-range BlazeFace (ONNX, the SDK's own SSD decoding), each eye cropped as the
 * SDK's iris stage frames it (`iris-geometry.ts`: levelled, the left eye mirrored; the corners put ±0.24 × the eye
 * distance from the BlazeFace eye centre, as BlazeFace gives no corners), sampled bilinearly, RGB / 255. Singly
 * and as one batch, all 228 outputs (crop pixels, 0–64) must agree to 1e-3.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHumanGraphModel, modelManifest, onnxPath, wildPhotoPaths } from './model-inputs.ts';
import type { ModelManifest } from '../../models/lib/manifest.ts';
import { cropToFrame, EYES, eyeCrop, type EyeCrop } from '../../packages/core/src/pipeline/find/iris-geometry.ts';
import { letterboxFit } from '../../packages/core/src/pipeline/find/letterbox.ts';
import { decodeSsd, ssdAnchors, weightedNms } from '../../packages/core/src/pipeline/find/ssd-decode.ts';

const TOLERANCE = 1e-3;
const PHOTOS_PER_CLASS = 2;

const manifest = (name: string): ModelManifest => modelManifest<ModelManifest>(name);

interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

const decode = (path: string): Rgba => jpeg.decode(readFileSync(path), { useTArray: true, formatAsRGBA: true });

/** Channel `c` of `img` at (x, y), bilinear, black outside. */
function sample(img: Rgba, x: number, y: number, c: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const at = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= img.width || yy >= img.height ? 0 : img.data[(yy * img.width + xx) * 4 + c]!);
  const dx = x - x0, dy = y - y0;
  return (at(x0, y0) * (1 - dx) + at(x0 + 1, y0) * dx) * (1 - dy) + (at(x0, y0 + 1) * (1 - dx) + at(x0 + 1, y0 + 1) * dx) * dy;
}

/** The eyes (right then left, as BlazeFace gives them, image pixels) of the best face of `img`. */
async function eyes(session: ort.InferenceSession, img: Rgba): Promise<[[number, number], [number, number]] | undefined> {
  const spec = manifest('blazeface-short').detector!;
  const { width, height, name, mean, std } = spec.input;
  const fit = letterboxFit(img.width, img.height, width, height);
  const input = new Float32Array(width * height * 3);
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      for (let c = 0; c < 3; c++) input[(v * width + u) * 3 + c] = (sample(img, (u + 0.5 - fit.left) / fit.scale - 0.5, (v + 0.5 - fit.top) / fit.scale - 0.5, c) - mean[c]!) / std[c]!;
    }
  }
  const out = await session.run({ [name]: new ort.Tensor('float32', input, [1, height, width, 3]) });
  const boxes = out[spec.outputs.boxes]!.data as Float32Array;
  const scores = out[spec.outputs.scores]!.data as Float32Array;
  const best = weightedNms(decodeSsd(boxes, scores, ssdAnchors(spec), spec, 0.5), spec.nmsThreshold)[0];
  return best && [fit.toImage(...best.keypoints[0]!), fit.toImage(...best.keypoints[1]!)];
}

/** Both eye crops of a face whose eye centres are `a` (image left) and `b`, as the iris stage frames them. */
function eyeCrops(a: [number, number], b: [number, number]): EyeCrop[] {
  const d = [(b[0] - a[0]) * 0.24, (b[1] - a[1]) * 0.24];
  const mesh = new Float32Array(468 * 3);
  const put = (index: number, [x, y]: [number, number]) => mesh.set([x, y, 0], index * 3);
  EYES.forEach((eye, i) => {
    const [cx, cy] = i === 0 ? a : b;
    put(eye.corners[0], [cx - d[0]!, cy - d[1]!]);
    put(eye.corners[1], [cx + d[0]!, cy + d[1]!]);
  });
  return EYES.map((eye) => eyeCrop(mesh, eye, manifest('human-iris').eyeCrop!.scale));
}

/** A crop's pixels as the model input: RGB / 255, NHWC. */
function render(img: Rgba, crop: EyeCrop, size: number): Float32Array {
  const out = new Float32Array(size * size * 3);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const [x, y] = cropToFrame(crop, size, u + 0.5, v + 0.5);
      for (let c = 0; c < 3; c++) out[(v * size + u) * 3 + c] = sample(img, x - 0.5, y - 0.5, c) / 255;
    }
  }
  return out;
}

describe('human-iris ONNX vs human iris graph model (tfjs cpu)', () => {
  const m = manifest('human-iris');
  const size = m.input!.width;
  let model: tf.GraphModel;
  let session: ort.InferenceSession;
  let crops: Float32Array[];

  beforeAll(async () => {
    // Missing inputs fail the run (a parity test that does not run proves nothing).
    for (const name of ['human-iris', 'blazeface-short']) if (!existsSync(onnxPath(name))) throw new Error(`${onnxPath(name)} is missing: run \`pnpm models\``);
    await tf.setBackend('cpu');
    await tf.ready();
    model = await loadHumanGraphModel('iris');
    ort.env.wasm.numThreads = 1;
    session = await ort.InferenceSession.create(new Uint8Array(readFileSync(onnxPath('human-iris'))), { executionProviders: ['wasm'] });
    const detector = await ort.InferenceSession.create(new Uint8Array(readFileSync(onnxPath('blazeface-short'))), { executionProviders: ['wasm'] });
    crops = [];
    for (const path of wildPhotoPaths(PHOTOS_PER_CLASS)) {
      const img = decode(path);
      const found = await eyes(detector, img);
      if (found) crops.push(...eyeCrops(...found).map((crop) => render(img, crop, size)));
    }
    if (crops.length < 16) throw new Error(`expected eyes on at least 8 wild photos, found ${crops.length / 2}`);
  });

  function reference(inputs: Float32Array[]): Float32Array {
    const x = tf.tensor4d(Float32Array.from(inputs.flatMap((a) => [...a])), [inputs.length, size, size, 3]);
    const out = model.execute(x) as tf.Tensor;
    expect(out.shape).toEqual([inputs.length, 1, 1, 228]);
    const data = out.dataSync() as Float32Array;
    tf.dispose([x, out]);
    return data;
  }

  async function converted(inputs: Float32Array[]): Promise<Float32Array> {
    const batch = new Float32Array(inputs.length * size * size * 3);
    inputs.forEach((x, i) => batch.set(x, i * x.length));
    const out = (await session.run({ [m.input!.name]: new ort.Tensor('float32', batch, [inputs.length, size, size, 3]) }))[m.output!.name]!;
    expect([...out.dims]).toEqual([inputs.length, 228]);
    return out.data as Float32Array;
  }

  const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((max, v, i) => Math.max(max, Math.abs(v - b[i]!)), 0);

  it('matches one eye crop at a time', async () => {
    let worst = 0;
    for (const crop of crops) worst = Math.max(worst, maxDiff(reference([crop]), await converted([crop])));
    console.log(`human-iris: ${crops.length} eye crops, max |Δ| single = ${worst.toExponential(3)} crop px`);
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
  });

  it('matches all crops as one batch, and the iris centres lie inside the crops', async () => {
    const ref = reference(crops);
    const got = await converted(crops);
    const d = maxDiff(ref, got);
    console.log(`human-iris: max |Δ| batch of ${crops.length} = ${d.toExponential(3)} crop px`);
    expect(d).toBeLessThanOrEqual(TOLERANCE);
    for (let i = 0; i < crops.length; i++) {
      const [x, y] = [got[i * 228 + 213]!, got[i * 228 + 214]!];
      expect(x).toBeGreaterThan(size * 0.2);
      expect(x).toBeLessThan(size * 0.8);
      expect(y).toBeGreaterThan(size * 0.2);
      expect(y).toBeLessThan(size * 0.8);
    }
  });
});
