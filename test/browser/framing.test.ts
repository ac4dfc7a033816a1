/**
 * The crop a classifier gets must be framed like the faces it was trained on. FER2013-trained models
 * (vocabulary `fer2013`) declare their framing in the manifest; this measures the real FER2013 framing
 * relative to the SDK's eye-levelled mesh box on Training faces and checks the manifest against it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meshFrame } from '../../packages/core/src/pipeline/frame/face-frame.ts';
import { repoRoot } from '../setup/paths.ts';
import { trainingFaces } from './fer-faces.ts';
import { openTestPage, type TestPage } from './harness.ts';

let t: TestPage;
beforeAll(async () => {
  t = await openTestPage();
});
afterAll(async () => {
  await t?.close();
});

const SIDE = 192; // FER faces are upscaled 4× so the landmarker sees them at a usual size

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe('crop framing of FER2013-trained classifiers', () => {
  it('matches the framing of FER2013 faces (scale within 0.05, vertical offset within 0.03)', async () => {
    const faces = trainingFaces(200, 120);
    const meshes = await t.page.evaluate(
      async ({ faces, side }) => {
        const detector = await window.emolens.createDetector({ backend: 'wasm' });
        const out: (number[] | null)[] = [];
        for (const pixels of faces) {
          const small = new ImageData(48, 48);
          pixels.forEach((v, i) => small.data.set([v, v, v, 255], i * 4));
          const canvas = new OffscreenCanvas(48, 48);
          canvas.getContext('2d')!.putImageData(small, 0, 0);
          const big = new OffscreenCanvas(side, side);
          big.getContext('2d')!.drawImage(canvas, 0, 0, side, side);
          const result = await detector.detect(await createImageBitmap(big), { returnLandmarks: true, faceRange: 'short' });
          out.push(result.faces[0] ? result.faces[0].landmarks!.flatMap((p) => [p.x, p.y, p.z]) : null);
        }
        detector.dispose();
        return out;
      },
      { faces, side: SIDE },
    );
    const found = meshes.filter((m): m is number[] => m !== null);
    expect(found.length).toBeGreaterThanOrEqual(0.9 * faces.length);
    const scales: number[] = [];
    const offsets: number[] = [];
    for (const mesh of found) {
      const crop = meshFrame(Float32Array.from(mesh));
      const dx = SIDE / 2 - crop.cx, dy = SIDE / 2 - crop.cy;
      // The FER image centre in the eye-levelled frame, in crop sides.
      const v = dx * Math.sin(-crop.angle) + dy * Math.cos(-crop.angle);
      scales.push(SIDE / crop.side);
      offsets.push(v / crop.side / (SIDE / crop.side));
    }
    const manifests = readdirSync(join(repoRoot, 'models'))
      .filter((name) => existsSync(join(repoRoot, 'models', name, 'manifest.json')))
      .map((name) => JSON.parse(readFileSync(join(repoRoot, 'models', name, 'manifest.json'), 'utf8')))
      .filter((m) => m.vocabulary === 'fer2013');
    expect(manifests.length).toBeGreaterThan(0);
    for (const manifest of manifests) {
      expect(Math.abs(manifest.crop.scale - median(scales))).toBeLessThan(0.05);
      expect(Math.abs(manifest.crop.offsetY - median(offsets))).toBeLessThan(0.03);
    }
  });
});
