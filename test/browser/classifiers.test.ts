/**
 * Both shipped classifiers run in the worker, and their converted ONNX agrees with the original tfjs
 * model, run by the peer library's own code in the same browser, on the SDK's crop of real photos.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from '../../models/lib/files.ts';
import { repoRoot } from '../setup/paths.ts';
import { openTestPage, repoUrl, type TestPage } from './harness.ts';
import { wildPhotos } from './photos.ts';

const faceapiDir = packageDir('@vladmandic/face-api');
const humanDir = packageDir('@vladmandic/human');

const CLASSIFIERS = {
  'faceapi-expression': {
    library: 'faceapi' as const,
    libraryUrl: repoUrl(join(faceapiDir, 'dist', 'face-api.esm.js')),
    originalUrl: repoUrl(join(faceapiDir, 'model')),
  },
  'human-emotion': {
    library: 'human' as const,
    libraryUrl: repoUrl(join(humanDir, 'dist', 'human.esm.js')),
    originalUrl: repoUrl(join(humanDir, 'models', 'emotion.json')),
  },
};

let t: TestPage;
beforeAll(async () => {
  t = await openTestPage();
});
afterAll(async () => {
  await t?.close();
});

// Two photos per class, spread over the set.
const photos = wildPhotos().filter((_, i) => i % 7 === 3);

describe.each(Object.entries(CLASSIFIERS))('%s', (name, original) => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'models', name, 'manifest.json'), 'utf8'));
  const onnxUrl = repoUrl(join(repoRoot, 'models', name, 'build', manifest.file));

  it('runs in the worker and agrees with the original tfjs model on the same crop (max |Δp| ≤ 1e-5)', async () => {
    const rows = await t.page.evaluate(
      async ({ name, photos, manifest, onnxUrl, original }) => {
        const { parity } = (await window.loadModule('/parity.ts')) as typeof import('./page/parity.ts');
        const detector = await window.emolens.createDetector({ backend: 'wasm', classifier: window.extras.classifiers[name]! });
        const out = [];
        for (const url of photos) {
          const result = await detector.detect(await (await fetch(url)).blob(), { returnLandmarks: true });
          const face = result.faces[0];
          if (!face) continue;
          const mesh = face.landmarks!.flatMap((p) => [p.x, p.y, p.z]);
          const both = await parity({ photoUrl: url, mesh, manifest, onnxUrl, ...original });
          out.push({ worker: face.emotions.all, ...both, classifier: detector.classifier });
        }
        detector.dispose();
        return out;
      },
      { name, photos: photos.map((p) => p.url), manifest, onnxUrl, original },
    );
    expect(rows.length).toBeGreaterThanOrEqual(photos.length - 1);
    for (const row of rows) {
      expect(row.classifier).toBe(name);
      expect(row.onnx).toHaveLength(7);
      const diff = Math.max(...row.onnx.map((p, i) => Math.abs(p - row.original[i]!)));
      expect(diff).toBeLessThanOrEqual(1e-5);
    }
  });
});
