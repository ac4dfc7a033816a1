/**
 * The ONNX BlazeFace path (our TFLite→ONNX conversion, letterbox and SSD decoding) finds the same faces as
 * tasks-vision's FaceDetector running the original `.tflite`, on real photos in the same browser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../setup/paths.ts';
import { openTestPage, repoUrl, type TestPage } from './harness.ts';
import { wildPhotos } from './photos.ts';

let t: TestPage;
beforeAll(async () => {
  t = await openTestPage();
});
afterAll(async () => {
  await t?.close();
});

const assets = join(repoRoot, 'packages', 'core', 'assets');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'models', 'blazeface-short', 'manifest.json'), 'utf8'));

describe('blazeface-short (ONNX) beside tasks-vision FaceDetector', () => {
  it('finds the same faces on the 96 wild photos: boxes overlapping (IoU ≥ 0.8), scores within 0.08 (0.02 on average)', async () => {
    const photos = wildPhotos().map((p) => p.url);
    const rows = await t.page.evaluate(
      async (input) => {
        const { detectorParity } = (await window.loadModule('/detector-parity.ts')) as typeof import('./page/detector-parity.ts');
        return detectorParity(input);
      },
      {
        photoUrls: photos,
        spec: manifest.detector,
        onnxUrl: repoUrl(join(assets, manifest.file)),
        taskUrl: repoUrl(join(assets, 'face_landmarker.task')),
        wasmLoaderUrl: repoUrl(join(assets, 'vision_wasm_module_internal.js')),
        wasmBinaryUrl: repoUrl(join(assets, 'vision_wasm_module_internal.wasm')),
        minScore: 0.5,
      },
    );
    expect(rows).toHaveLength(photos.length);
    const diffs: number[] = [];
    let unmatched = 0;
    for (const { onnx, mediapipe } of rows) {
      // Every detection of either side scoring clearly above the floor has its twin on the other side.
      for (const [mine, theirs] of [[onnx, mediapipe], [mediapipe, onnx]] as const) {
        for (const d of mine.filter((x) => x.score >= 0.6)) {
          const twin = theirs.find((e) => iou(d.box, e.box) >= 0.8);
          if (!twin) unmatched++;
          else diffs.push(Math.abs(twin.score - d.score));
        }
      }
    }
    expect(unmatched).toBe(0);
    expect(diffs.length).toBeGreaterThanOrEqual(2 * 90);
    expect(Math.max(...diffs)).toBeLessThanOrEqual(0.08);
    expect(diffs.reduce((a, b) => a + b, 0) / diffs.length).toBeLessThanOrEqual(0.02);
  });
});

function iou(a: { x: number; y: number; width: number; height: number }, b: typeof a): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? (w * h) / (a.width * a.height + b.width * b.height - w * h) : 0;
}
