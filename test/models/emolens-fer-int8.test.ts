/**
 * The shipped `emolens-fer` is an int8 quantisation (research/emolens-fer/quantize.py) of the committed float export
 * `emolens-fer.onnx`. Both run here through `pnpm eval`'s classifier (onnxruntime-web, wasm, 1 thread) over the
 * first PublicTest faces of FER2013: the int8 file must be the float model's faithful copy — same top class for
 * nearly every face, close probabilities, no accuracy lost — at a fraction of its size.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIA_EMOTIONS } from '../../packages/schema/src/index.ts';
import { Classifier, classifierManifests, modelsDir } from '../eval/classifier.ts';
import { FER_SIZE, loadFer, splitRows, type FerRow } from '../eval/fer-data.ts';

const FACES = 512;
const manifest = classifierManifests().find((m) => m.name === 'emolens-fer')!;
const floatPath = join(modelsDir, 'emolens-fer', 'emolens-fer.onnx');
const int8Path = join(modelsDir, 'emolens-fer', 'build', manifest.file);

const argmax = (row: Float32Array): number => row.reduce((best, p, k) => (p > row[best]! ? k : best), 0);

describe('emolens-fer int8 vs its float source', () => {
  let rows: FerRow[];
  let float: Float32Array[];
  let int8: Float32Array[];
  const classifiers: Classifier[] = [];

  beforeAll(async () => {
    const fer = loadFer();
    rows = splitRows(fer, 'PublicTest', FACES);
    const faces = rows.map((row) => fer.image(row.index));
    for (const path of [floatPath, int8Path]) classifiers.push(await Classifier.load(manifest, path));
    const [f, q] = await Promise.all(classifiers.map((c) => c.classify(faces, FER_SIZE)));
    [float, int8] = [f!, q!];
  }, 120_000);
  afterAll(async () => {
    for (const c of classifiers) await c.dispose();
  });

  it('ships the quantised file, a quarter of the float one', () => {
    expect(manifest.file).toBe('emolens-fer-int8.onnx');
    expect(manifest.quantization?.weights).toMatch(/int8/);
    expect(statSync(int8Path).size).toBeLessThan(statSync(floatPath).size / 3);
  });

  it('gives the same top class for at least 96 % of the faces, probabilities within 0.1', () => {
    let same = 0;
    let worst = 0;
    float.forEach((f, i) => {
      if (argmax(f) === argmax(int8[i]!)) same++;
      f.forEach((p, k) => (worst = Math.max(worst, Math.abs(p - int8[i]![k]!))));
    });
    console.log(`emolens-fer int8 vs float on ${rows.length} PublicTest faces: same top class ${same}, max |Δp| ${worst.toFixed(4)}`);
    expect(same / rows.length).toBeGreaterThanOrEqual(0.96);
    expect(worst).toBeLessThan(0.1);
  });

  it('loses at most one point of accuracy on the FER2013 labels', () => {
    const labelled = rows.map((row, i) => ({ row, i })).filter(({ row }) => row.fer2013 !== null);
    const correct = (p: Float32Array[]) => labelled.filter(({ row, i }) => WIA_EMOTIONS[argmax(p[i]!)] === row.fer2013).length / labelled.length;
    const [a, b] = [correct(float), correct(int8)];
    console.log(`emolens-fer on ${labelled.length} labelled PublicTest faces: float ${(a * 100).toFixed(1)} %, int8 ${(b * 100).toFixed(1)} %`);
    expect(a).toBeGreaterThan(0.5);
    expect(b).toBeGreaterThanOrEqual(a - 0.01);
  });
});
