/**
 * The core pipeline end to end in real Chromium: faces and boxes on real photos, the WIA result shape,
 * no-face images, bad input, and the worker boundary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WiaFaceResult } from '@emolens/core';
import { join } from 'node:path';
import { gridPhotoIndexes, PORTRAIT_GRID } from '../fixtures/portrait-grid.ts';
import { repoRoot } from '../setup/paths.ts';
import { openTestPage, repoUrl, type TestPage } from './harness.ts';
import { groupPhotos, wildPhotos } from './photos.ts';

let t: TestPage & { pageModules: string[] };
beforeAll(async () => {
  const page = await openTestPage();
  const pageModules = await page.page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  t = Object.assign(page, { pageModules });
  await t.page.evaluate(async () => {
    (window as unknown as { detector: unknown }).detector = await window.emolens.createDetector({ backend: 'wasm', maxFaces: 10 });
  });
});
afterAll(async () => {
  await t?.close();
});

type Photo = { url: string; width: number; height: number; result: WiaFaceResult };

/** Runs photos through the page's detector. */
function detectAll(urls: string[], options: Record<string, unknown> = {}): Promise<Photo[]> {
  return t.page.evaluate(
    async ({ urls, options }) => {
      const detector = (window as unknown as { detector: import('@emolens/core').Detector }).detector;
      const out = [];
      for (const url of urls) {
        const blob = await (await fetch(url)).blob();
        const bitmap = await createImageBitmap(blob);
        out.push({ url, width: bitmap.width, height: bitmap.height, result: await detector.detect(blob, options) });
        bitmap.close();
      }
      return out;
    },
    { urls, options },
  );
}

const WIA_LABELS = ['anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'];

describe('faces on real photos', () => {
  let wild: Photo[];
  beforeAll(async () => {
    wild = await detectAll(wildPhotos().map((p) => p.url));
  });

  it('finds exactly one face in each of the 96 wild photos (tight crops included)', () => {
    expect(wild).toHaveLength(96);
    expect(wild.filter((p) => p.result.faces.length === 1).length).toBe(96);
  });

  it('puts one box around the face of every wild photo (centred, large in these close-ups), and no stray box', () => {
    const isFace = (b: { x: number; y: number; width: number; height: number }, width: number, height: number) => {
      const cx = (b.x + b.width / 2) / width;
      const cy = (b.y + b.height / 2) / height;
      return cx > 0.25 && cx < 0.75 && cy > 0.25 && cy < 0.75 && b.width > 0.2 * width;
    };
    let stray = 0;
    for (const { result, width, height } of wild) {
      for (const { bbox } of result.faces) {
        expect(bbox.x).toBeGreaterThanOrEqual(0);
        expect(bbox.y).toBeGreaterThanOrEqual(0);
        expect(bbox.x + bbox.width).toBeLessThanOrEqual(width);
        expect(bbox.y + bbox.height).toBeLessThanOrEqual(height);
      }
      const faces = result.faces.filter((f) => isFace(f.bbox, width, height)).length;
      if (result.faces.length > 0) expect(faces).toBe(1);
      stray += result.faces.length - faces;
    }
    expect(stray).toBe(0);
  });

  it('gives the same box and emotions whether or not the mesh runs (landmarks asked for), on every wild photo', async () => {
    const mesh = await detectAll(wildPhotos().map((p) => p.url), { returnLandmarks: true });
    let compared = 0;
    wild.forEach((fast, i) => {
      const a = fast.result.faces[0];
      const b = mesh[i]!.result.faces[0];
      if (!a || !b) return;
      compared++;
      expect(b.landmarks, fast.url).toBeDefined();
      expect(b.bbox, fast.url).toEqual(a.bbox);
      expect(b.emotions.all, fast.url).toEqual(a.emotions.all);
    });
    expect(compared).toBeGreaterThanOrEqual(92);
  });

  it('classifies the smiling wild photos as happiness', () => {
    const labels = new Map(wildPhotos().map((p) => [p.url, p.label]));
    const happy = wild.filter((p) => labels.get(p.url) === 'happy' && p.result.faces.length === 1);
    const hits = happy.filter((p) => p.result.faces[0]!.emotions.primary.label === 'happiness').length;
    expect(happy.length).toBeGreaterThanOrEqual(12);
    expect(hits / happy.length).toBeGreaterThanOrEqual(0.75);
  });

  it('offers emolens-ferplus (the FER+-leaning model): same faces, its own probabilities, smiles read as happiness', async () => {
    const labels = new Map(wildPhotos().map((p) => [p.url, p.label]));
    const chosen = wild.filter((p, i) => p.result.faces.length === 1 && (labels.get(p.url) === 'happy' || i % 3 === 0));
    const out = await t.page.evaluate(async (urls) => {
      const detector = await window.emolens.createDetector({ backend: 'wasm', classifier: window.extras.classifiers['emolens-ferplus']! });
      const results = [];
      for (const url of urls) results.push(await detector.detect(await (await fetch(url)).blob()));
      detector.dispose();
      return { classifier: detector.classifier, results };
    }, chosen.map((p) => p.url));
    expect(out.classifier).toBe('emolens-ferplus');
    const score = (all: WiaFaceResult['faces'][number]['emotions']['all'], label: string) => all.find((e) => e.label === label)!.confidence;
    let sameTop = 0, happyHits = 0, happy = 0, maxDiff = 0;
    chosen.forEach((p, i) => {
      const a = p.result.faces[0]!;
      const b = out.results[i]!.faces[0]!;
      expect(b.bbox).toEqual(a.bbox); // the same detector and crop; only the classifier differs
      if (b.emotions.primary.label === a.emotions.primary.label) sameTop++;
      for (const label of WIA_LABELS) maxDiff = Math.max(maxDiff, Math.abs(score(b.emotions.all, label) - score(a.emotions.all, label)));
      if (labels.get(p.url) === 'happy') {
        happy++;
        if (b.emotions.primary.label === 'happiness') happyHits++;
      }
    });
    console.log(`emolens-ferplus vs emolens-fer on ${chosen.length} wild photos: same top class ${sameTop}, max |Δp| ${maxDiff.toFixed(3)}, smiles ${happyHits}/${happy}`);
    expect(maxDiff).toBeGreaterThan(0.05); // a different model, not the default under another name
    expect(sameTop / chosen.length).toBeGreaterThanOrEqual(0.6);
    expect(happy).toBeGreaterThanOrEqual(12);
    expect(happyHits / happy).toBeGreaterThanOrEqual(0.75);
  });

  it('finds every visible face in group photos, once each, with boxes of face size', async () => {
    const photos = groupPhotos();
    const results = await detectAll(photos.map((p) => p.url));
    results.forEach(({ result, width, height }, i) => {
      expect(result.faces.length).toBe(photos[i]!.people);
      for (const { bbox } of result.faces) {
        expect(bbox.width).toBeGreaterThan(width * 0.04);
        expect(bbox.width).toBeLessThan(width * 0.25);
        expect(bbox.x + bbox.width).toBeLessThanOrEqual(width);
        expect(bbox.y + bbox.height).toBeLessThanOrEqual(height);
      }
      // No face is reported twice: boxes of different faces barely overlap.
      for (const a of result.faces) {
        for (const b of result.faces) {
          if (a === b) continue;
          const w = Math.min(a.bbox.x + a.bbox.width, b.bbox.x + b.bbox.width) - Math.max(a.bbox.x, b.bbox.x);
          const h = Math.min(a.bbox.y + a.bbox.height, b.bbox.y + b.bbox.height) - Math.max(a.bbox.y, b.bbox.y);
          const overlap = w > 0 && h > 0 ? (w * h) / Math.min(a.bbox.width * a.bbox.height, b.bbox.width * b.bbox.height) : 0;
          expect(overlap).toBeLessThan(0.5);
        }
      }
    });
  });

  it('finds the small faces of a 2×2 grid of photos (second look), one per cell, and no face in background texture', async () => {
    const all = wildPhotos();
    // Grids holding the faces the short-range detector scores below its threshold at 320×240 per photo.
    const grids = [[48, 49, 50, 51], [56, 57, 58, 59], [72, 73, 74, 75], [88, 89, 90, 91]].map((ids) => ids.map((i) => all[i]!.url));
    const out = await t.page.evaluate(async (grids) => {
      const detector = (window as unknown as { detector: import('@emolens/core').Detector }).detector;
      const cells: number[][] = [];
      for (const urls of grids) {
        const bitmaps = await Promise.all(urls.map(async (u) => createImageBitmap(await (await fetch(u)).blob())));
        const canvas = new OffscreenCanvas(640, 480);
        const g = canvas.getContext('2d')!;
        g.fillStyle = '#808080';
        g.fillRect(0, 0, 640, 480);
        bitmaps.forEach((b, i) => {
          const s = Math.min(320 / b.width, 240 / b.height);
          g.drawImage(b, (i % 2) * 320 + (320 - b.width * s) / 2, Math.floor(i / 2) * 240 + (240 - b.height * s) / 2, b.width * s, b.height * s);
        });
        const result = await detector.detect(canvas);
        const count = [0, 0, 0, 0];
        for (const { bbox } of result.faces) count[(bbox.x + bbox.width / 2 >= 320 ? 1 : 0) + (bbox.y + bbox.height / 2 >= 240 ? 2 : 0)]!++;
        cells.push(count);
      }
      // The photo whose background scores 0.5-0.6 as a face at the short range's input size.
      const happy = await detector.detect(await (await fetch(grids[0]![0]!.replace(/wild\/.*$/, 'wild/happy/faceapi_happy.jpg'))).blob());
      return { cells, happy: happy.faces.length };
    }, grids);
    expect(out.cells).toEqual(grids.map(() => [1, 1, 1, 1]));
    expect(out.happy).toBe(1);
  });

  it('finds the faces of a dense 6×5 grid of portraits by searching it tile by tile, one per cell', async () => {
    const all = wildPhotos();
    const urls = gridPhotoIndexes(PORTRAIT_GRID.cols * PORTRAIT_GRID.rows, all.length).map((i) => all[i]!.url);
    const out = await t.page.evaluate(
      async ({ urls, grid, module }) => {
        const { drawPortraitGrid, facesPerCell } = (await window.loadModule(module)) as typeof import('../fixtures/portrait-grid.ts');
        const detector = (window as unknown as { detector: import('@emolens/core').Detector }).detector;
        const canvas = await drawPortraitGrid(urls, grid.cols, grid.rows, grid.cell);
        const runs = [];
        // maxFaces above the detector's (10): a call may ask for more. The mesh path is tiled too.
        for (const returnLandmarks of [false, true]) {
          const { result, timings } = await detector.profile(canvas, { maxFaces: 100, returnLandmarks });
          runs.push({ cells: facesPerCell(result.faces, grid.cols, grid.rows, grid.cell), tiles: timings.tiles, landmarks: result.faces.every((f) => f.landmarks?.length === 468) });
        }
        const few = await detector.profile(canvas, { maxFaces: 3 });
        return { runs, few: { faces: few.result.faces.length, tiles: few.timings.tiles } };
      },
      { urls, grid: PORTRAIT_GRID, module: repoUrl(join(repoRoot, 'test', 'fixtures', 'portrait-grid.ts')) },
    );
    for (const run of out.runs) {
      expect(run.tiles).toBeGreaterThan(0);
      expect(Math.max(...run.cells), 'no face is reported twice').toBe(1);
      // 29 of 30 measured (12 before tiling); one portrait is missed in the grid though found alone.
      expect(run.cells.filter((n) => n === 1).length).toBeGreaterThanOrEqual(28);
    }
    expect(out.runs[1]!.landmarks).toBe(true);
    // Asked for 3 faces, the whole-frame passes give them: no tiles.
    expect(out.few).toEqual({ faces: 3, tiles: 0 });
  });

  it('does not tile photos of a few people (the whole-image passes find them all)', async () => {
    const tiles = await t.page.evaluate(async (urls) => {
      const detector = (window as unknown as { detector: import('@emolens/core').Detector }).detector;
      const out = [];
      for (const url of urls) out.push((await detector.profile(await (await fetch(url)).blob())).timings.tiles);
      return out;
    }, groupPhotos().map((p) => p.url));
    expect(tiles).toEqual(groupPhotos().map(() => 0));
  });

  it('returns faces: [] for an image with no face', async () => {
    const result = await t.page.evaluate(async () => {
      const canvas = new OffscreenCanvas(640, 480);
      const g = canvas.getContext('2d')!;
      const sky = g.createLinearGradient(0, 0, 0, 480);
      sky.addColorStop(0, '#6af');
      sky.addColorStop(1, '#fff');
      g.fillStyle = sky;
      g.fillRect(0, 0, 640, 480);
      g.fillStyle = '#3a3';
      g.fillRect(0, 330, 640, 150);
      g.fillStyle = '#840';
      g.fillRect(100, 200, 40, 140);
      const detector = (window as unknown as { detector: import('@emolens/core').Detector }).detector;
      return detector.detect(await canvas.convertToBlob({ type: 'image/png' }));
    });
    expect(result.faces).toEqual([]);
    expect(result.request_id).toMatch(/^req_/);
  });
});

describe('the WIA /v1/analyze/face result', () => {
  let photo: Photo;
  beforeAll(async () => {
    [photo] = (await detectAll([wildPhotos()[40]!.url], { returnLandmarks: true, returnHeadPose: true })) as [Photo];
  });

  it('has request_id, processing_time_ms and faces with face_id and an integer pixel bbox', () => {
    const { result } = photo;
    expect(Object.keys(result).sort()).toEqual(['faces', 'processing_time_ms', 'request_id']);
    expect(result.request_id).toMatch(/^req_[a-z0-9]+$/);
    expect(result.processing_time_ms).toBeGreaterThan(0);
    expect(result.faces).toHaveLength(1);
    const face = result.faces[0]!;
    expect(face.face_id).toBe(0);
    expect(Object.keys(face.bbox).sort()).toEqual(['height', 'width', 'x', 'y']);
    for (const v of Object.values(face.bbox)) expect(Number.isInteger(v)).toBe(true);
  });

  it('gives all seven WIA labels, sorted, summing to 1, with primary = the first', () => {
    const { emotions } = photo.result.faces[0]!;
    expect(emotions.all.map((e) => e.label).sort()).toEqual(WIA_LABELS);
    for (let i = 1; i < emotions.all.length; i++) expect(emotions.all[i - 1]!.confidence).toBeGreaterThanOrEqual(emotions.all[i]!.confidence);
    expect(Math.abs(emotions.all.reduce((s, e) => s + e.confidence, 0) - 1)).toBeLessThan(1e-6);
    expect(emotions.primary).toEqual(emotions.all[0]);
  });

  it('gives valence in [-1, 1] and arousal in [0, 1]', () => {
    const { dimensions } = photo.result.faces[0]!;
    expect(dimensions!.valence).toBeGreaterThanOrEqual(-1);
    expect(dimensions!.valence).toBeLessThanOrEqual(1);
    expect(dimensions!.arousal).toBeGreaterThanOrEqual(0);
    expect(dimensions!.arousal).toBeLessThanOrEqual(1);
  });

  it('gives 468 landmarks on the face and a head pose when asked, and neither by default', async () => {
    const face = photo.result.faces[0]!;
    expect(face.landmarks).toHaveLength(468);
    // The box is the detector's whatever was asked (the mesh runs or not): most of the mesh lies in it, the chin's
    // and brow's edges just outside.
    const { x, y, width, height } = face.bbox;
    const within = (margin: number) => face.landmarks!.filter((p) => p.x >= x - margin * width && p.x <= x + (1 + margin) * width && p.y >= y - margin * height && p.y <= y + (1 + margin) * height).length;
    expect(within(0)).toBeGreaterThanOrEqual(420);
    expect(within(0.2)).toBe(468);
    expect(Math.abs(face.head_pose!.yaw)).toBeLessThan(60);
    expect(Math.abs(face.head_pose!.roll)).toBeLessThan(45);
    const [plain] = await detectAll([photo.url]);
    expect(plain!.result.faces[0]!.landmarks).toBeUndefined();
    expect(plain!.result.faces[0]!.head_pose).toBeUndefined();
  });
});

describe('bad input', () => {
  it('rejects bytes that are not an image with INVALID_IMAGE, and the next call works', async () => {
    const url = wildPhotos()[0]!.url;
    const out = await t.page.evaluate(async (url) => {
      const detector = (window as unknown as { detector: import('@emolens/core').Detector }).detector;
      const garbage = new Blob([new Uint8Array(4096).map((_, i) => (i * 7919) % 251)], { type: 'image/jpeg' });
      let error: { name: string; code: string; isEmoLens: boolean; json: unknown } | undefined;
      try {
        await detector.detect(garbage);
      } catch (e) {
        error = { name: (e as Error).name, code: (e as { code: string }).code, isEmoLens: window.emolens.isEmoLensError(e), json: (e as { toJSON(): unknown }).toJSON() };
      }
      const next = await detector.detect(await (await fetch(url)).blob());
      return { error, faces: next.faces.length };
    }, url);
    expect(out.error).toMatchObject({ name: 'EmoLensError', code: 'INVALID_IMAGE', isEmoLens: true });
    expect(out.error!.json).toMatchObject({ error: { code: 'INVALID_IMAGE', details: { reason: expect.any(String), suggestion: expect.any(String) } } });
    expect(out.faces).toBe(1);
  });
});

describe('the worker', () => {
  it('runs every model in workers (MediaPipe in the pipeline worker, onnxruntime in its classifier worker): the page loads none', async () => {
    // The page's own module graph, before any detector existed, as loaded by openTestPage.
    const pageModules = t.pageModules;
    expect(pageModules.some((n) => n.includes('/packages/core/dist/index.js'))).toBe(true);
    expect(pageModules.filter((n) => /tasks-vision|onnxruntime-web|vision_wasm|ort-wasm|\/inference\/|\/pipeline\/(find|frame|classify|format|track|pipeline|run-frame)/.test(n))).toEqual([]);
    // No model or wasm was fetched by the page; the worker fetched them.
    const fetchedByPage = await t.page.evaluate(() => performance.getEntriesByType('resource').filter((e) => (e as PerformanceResourceTiming).initiatorType === 'fetch').map((e) => e.name));
    expect(fetchedByPage.filter((n) => /\.(onnx|task|wasm)(\.gz)?(\?|$)/.test(n))).toEqual([]);
    // MediaPipe runs in the pipeline worker, onnxruntime in the inference worker the pipeline starts.
    const pipeline = t.page.workers().find((w) => /\/worker\/worker\.js/.test(w.url()));
    const classifier = t.page.workers().find((w) => /\/worker\/inference-worker\.js/.test(w.url()));
    expect(pipeline).toBeDefined();
    expect(classifier).toBeDefined();
    const fetchedBy = (w: typeof pipeline) => w!.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    const byPipeline = await fetchedBy(pipeline);
    const byClassifier = await fetchedBy(classifier);
    expect(byPipeline.filter((n) => /\.task(\?|$)/.test(n)).length).toBeGreaterThan(0);
    expect(byPipeline.filter((n) => /vision_wasm_module_internal.*\.wasm(\.gz)?(\?|$)/.test(n)).length).toBeGreaterThan(0);
    expect(byPipeline.filter((n) => /\.onnx(\.gz)?(\?|$)|ort-wasm/.test(n))).toEqual([]);
    expect(byClassifier.filter((n) => /\.onnx(\.gz)?(\?|$)/.test(n)).length).toBeGreaterThan(0);
    expect(byClassifier.filter((n) => /ort-wasm.*\.wasm(\.gz)?(\?|$)/.test(n)).length).toBeGreaterThan(0);
    // The MediaPipe wasm loader (which leaves a `custom_dbg` global behind when it runs) ran in the
    // pipeline worker's realm only.
    expect(await pipeline!.evaluate(() => typeof (self as { custom_dbg?: unknown }).custom_dbg)).toBe('function');
    expect(await t.page.evaluate(() => typeof (window as { custom_dbg?: unknown }).custom_dbg)).toBe('undefined');
  });

  it('gives the same result with the classifier in its own worker (default) and inline in the pipeline worker', async () => {
    const url = wildPhotos()[3]!.url;
    const out = await t.page.evaluate(async (url) => {
      const blob = await (await fetch(url)).blob();
      const own = await window.emolens.createDetector({ backend: 'wasm', threads: 1 });
      const inline = await window.emolens.createDetector({ backend: 'wasm', threads: 1, classifierWorker: false });
      const a = await own.detect(blob);
      const b = await inline.detect(blob);
      const placements = [own.classifierPlacement, inline.classifierPlacement];
      own.dispose();
      inline.dispose();
      return { placements, a: a.faces.map((f) => f.emotions.all), b: b.faces.map((f) => f.emotions.all) };
    }, url);
    expect(out.placements).toEqual(['worker', 'inline']);
    expect(out.a).toHaveLength(1);
    expect(out.b).toEqual(out.a);
  });

  it('runs the classifier in the pipeline worker where a worker cannot start a worker', async () => {
    const url = wildPhotos()[3]!.url;
    const out = await t.page.evaluate(async (url) => {
      // The SDK's worker entry with `Worker` removed from its realm (test/browser/page/no-nested-worker.ts).
      const detector = await window.emolens.createDetector({ backend: 'wasm', threads: 1, worker: () => new Worker('/no-nested-worker.ts', { type: 'module' }) });
      const result = await detector.detect(await (await fetch(url)).blob());
      detector.dispose();
      return { placement: detector.classifierPlacement, faces: result.faces.length, label: result.faces[0]?.emotions.primary.label ?? null };
    }, url);
    expect(out).toEqual({ placement: 'inline', faces: 1, label: expect.any(String) });
  });

  it('lets a second detector run in the same page beside the first, and dispose leaves the other working', async () => {
    const url = wildPhotos()[10]!.url;
    const out = await t.page.evaluate(async (url) => {
      const first = (window as unknown as { detector: import('@emolens/core').Detector }).detector;
      const second = await window.emolens.createDetector({ backend: 'wasm', classifier: window.extras.classifiers['faceapi-expression']! });
      const blob = await (await fetch(url)).blob();
      const [a, b] = await Promise.all([first.detect(blob), second.detect(blob)]);
      second.dispose();
      let code = '';
      try {
        await second.detect(blob);
      } catch (e) {
        code = (e as { code: string }).code;
      }
      const again = await first.detect(blob);
      return { a: a.faces.length, b: b.faces.length, code, again: again.faces.length, classifier: second.classifier };
    }, url);
    expect(out).toEqual({ a: 1, b: 1, code: 'DISPOSED', again: 1, classifier: 'faceapi-expression' });
  });

  it('warms up: after warmup() the first call on a face is as fast as later ones', async () => {
    const url = wildPhotos()[30]!.url;
    const out = await t.page.evaluate(async (url) => {
      const detector = await window.emolens.createDetector({ backend: 'wasm' });
      await detector.warmup();
      const blob = await (await fetch(url)).blob();
      const first = (await detector.profile(blob)).timings.classify;
      const later: number[] = [];
      for (let i = 0; i < 5; i++) later.push((await detector.profile(blob)).timings.classify);
      detector.dispose();
      return { first, later: later.sort((a, b) => a - b)[2]! };
    }, url);
    // Without a warmed-up session the first classification takes several times longer (allocation).
    expect(out.first).toBeLessThan(out.later * 3 + 5);
  });

  it('reports no page error', () => {
    expect(t.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
