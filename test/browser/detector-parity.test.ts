/**
 * The ONNX BlazeFace path (our TFLite→ONNX conversion and SSD decoding) finds the same faces as tasks-vision's
 * FaceDetector running the original `.tflite`, on real photos in the same browser, given the same input pixels.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../setup/paths.ts';
import { openTestPage, repoUrl, type TestPage } from './harness.ts';
import { groupPhotos, wildPhotos } from './photos.ts';

let t: TestPage;
beforeAll(async () => {
  t = await openTestPage();
});
afterAll(async () => {
  await t?.close();
});

const assets = join(repoRoot, 'packages', 'core', 'assets');
/** tasks-vision's own wasm folder (the SDK ships its binary gzip-compressed). */
const tasksVisionWasm = join(dirname(createRequire(import.meta.url).resolve('@mediapipe/tasks-vision')), 'wasm');
/** Each ONNX detector, and the MediaPipe bundle whose `face_detector.tflite` is the same model. */
const DETECTORS = [
  { name: 'blazeface-short', task: 'face_landmarker.task', photos: 'the 96 wild photos', urls: () => wildPhotos().map((p) => p.url), pairs: 2 * 90 },
  // The full-range model is for small faces: most close-ups of the wild set score under 0.6 there.
  { name: 'blazeface-full', task: 'face_landmarker_full_range.task', photos: 'the wild and group photos', urls: () => [...wildPhotos(), ...groupPhotos()].map((p) => p.url), pairs: 2 * 25 },
];

describe.each(DETECTORS)('$name (ONNX) beside tasks-vision FaceDetector on $task', ({ name, task, photos: which, urls, pairs }) => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'models', name, 'manifest.json'), 'utf8'));
  it(`finds the same faces on ${which}, scored the same (|Δ| ≤ 1e-4), boxes overlapping (IoU ≥ 0.7: tasks-vision rounds boxes to whole pixels)`, async () => {
    const photos = urls();
    const rows = await t.page.evaluate(
      async (input) => {
        const { detectorParity } = (await window.loadModule('/detector-parity.ts')) as typeof import('./page/detector-parity.ts');
        return detectorParity(input);
      },
      {
        photoUrls: photos,
        spec: manifest.detector,
        onnxUrl: repoUrl(join(repoRoot, 'models', name, 'build', manifest.file)),
        taskUrl: repoUrl(join(assets, task)),
        wasmLoaderUrl: repoUrl(join(assets, 'vision_wasm_module_internal.mjs')),
        wasmBinaryUrl: repoUrl(join(tasksVisionWasm, 'vision_wasm_module_internal.wasm')),
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
          const twin = theirs.find((e) => iou(d.box, e.box) >= 0.7);
          if (!twin) unmatched++;
          else diffs.push(Math.abs(twin.score - d.score));
        }
      }
    }
    expect(unmatched).toBe(0);
    expect(diffs.length).toBeGreaterThanOrEqual(pairs);
    expect(Math.max(...diffs)).toBeLessThanOrEqual(1e-4);
  });
});

function iou(a: { x: number; y: number; width: number; height: number }, b: typeof a): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? (w * h) / (a.width * a.height + b.width * b.height - w * h) : 0;
}
