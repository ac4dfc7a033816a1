/**
 * The shipped `emolens-fer` is an int8 quantisation (models/emolens-fer/quantize.py) of the committed float export
 * `emolens-fer.onnx`. Both run here on onnxruntime-web (wasm, 1 thread, optimisation level 'all' as in the SDK) over
 * the first PublicTest faces of FER2013: the int8 file must be the float model's faithful copy — same top class for
 * nearly every face, close probabilities, no accuracy lost — at a fraction of its size.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { toWia } from '../../packages/schema/src/index.ts';
import { FER_BYTES, FER_SIZE, loadFer, splitRows, type FerRow } from '../eval/fer-data.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'emolens-fer');
const FACES = 512;

interface Manifest {
  file: string;
  labels: string[];
  input: { name: string; mean: number[]; std: number[] };
  output: { name: string };
  quantization?: { weights: string; activations: string };
}

const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

async function probabilities(path: string, input: Float32Array, count: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(path)), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  try {
    const out = await session.run({ [manifest.input.name]: new ort.Tensor('float32', input, [count, FER_SIZE, FER_SIZE, 1]) });
    return out[manifest.output.name]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

const argmax = (p: Float32Array, face: number): number => {
  let best = 0;
  for (let k = 1; k < 7; k++) if (p[face * 7 + k]! > p[face * 7 + best]!) best = k;
  return best;
};

describe('emolens-fer int8 vs its float source', () => {
  let rows: FerRow[];
  let float: Float32Array;
  let int8: Float32Array;

  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    const fer = loadFer();
    rows = splitRows(fer, 'PublicTest', FACES);
    const input = new Float32Array(rows.length * FER_BYTES);
    rows.forEach((row, i) => fer.image(row.index).forEach((g, j) => (input[i * FER_BYTES + j] = (g - manifest.input.mean[0]!) / manifest.input.std[0]!)));
    float = await probabilities(join(dir, 'emolens-fer.onnx'), input, rows.length);
    int8 = await probabilities(join(dir, 'build', manifest.file), input, rows.length);
  }, 120_000);

  it('ships the quantised file, a quarter of the float one', () => {
    expect(manifest.file).toBe('emolens-fer-int8.onnx');
    expect(manifest.quantization?.weights).toMatch(/int8/);
    expect(statSync(join(dir, 'build', manifest.file)).size).toBeLessThan(statSync(join(dir, 'emolens-fer.onnx')).size / 3);
  });

  it('gives the same top class for at least 96 % of the faces, probabilities within 0.1', () => {
    let same = 0;
    let worst = 0;
    for (let i = 0; i < rows.length; i++) {
      if (argmax(float, i) === argmax(int8, i)) same++;
      for (let k = 0; k < 7; k++) worst = Math.max(worst, Math.abs(float[i * 7 + k]! - int8[i * 7 + k]!));
    }
    console.log(`emolens-fer int8 vs float on ${rows.length} PublicTest faces: same top class ${same}, max |Δp| ${worst.toFixed(4)}`);
    expect(same / rows.length).toBeGreaterThanOrEqual(0.96);
    expect(worst).toBeLessThan(0.1);
  });

  it('loses at most one point of accuracy on the FER2013 labels', () => {
    const labelled = rows.map((row, i) => ({ row, i })).filter(({ row }) => row.fer2013 !== null);
    const correct = (p: Float32Array) => labelled.filter(({ row, i }) => toWia('fer2013', manifest.labels[argmax(p, i)]!) === row.fer2013).length / labelled.length;
    const [a, b] = [correct(float), correct(int8)];
    console.log(`emolens-fer on ${labelled.length} labelled PublicTest faces: float ${(a * 100).toFixed(1)} %, int8 ${(b * 100).toFixed(1)} %`);
    expect(a).toBeGreaterThan(0.5);
    expect(b).toBeGreaterThanOrEqual(a - 0.01);
  });
});
