/**
 * Loading: progress events, the Cache API (a second visit downloads nothing), self-hosting through
 * `baseUrl`, typed errors for bad configuration, and WASM threads on a cross-origin isolated page.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectOptions, LoadProgressEvent } from '@emolens/core';
import type { WiaFace } from '@emolens/schema';
import { repoRoot } from '../setup/paths.ts';
import { openTestPage, repoUrl, type TestPage } from './harness.ts';
import { wildPhotos } from './photos.ts';

const photo = () => wildPhotos()[20]!.url;
const ASSET_REQUEST = /\.(onnx|task|wasm)(\.gz)?(\?|$)|vision_wasm_module_internal\.mjs(\?|$)|ort-wasm-simd-threaded[.a-z]*\.mjs(\?|$)/;

/** A fresh test page for the enclosing `describe`, and the URL of every request its context makes. */
function pageRecordingRequests(): { readonly t: TestPage; requests: string[] } {
  let page: TestPage | undefined;
  const requests: string[] = [];
  beforeAll(async () => {
    page = await openTestPage();
    page.context.on('request', (r) => requests.push(r.url()));
  });
  afterAll(async () => {
    await page?.close();
  });
  return {
    get t() {
      if (!page) throw new Error('the test page is not open');
      return page;
    },
    requests,
  };
}

/**
 * The page's workers but the nested inference worker: Playwright sometimes keeps listing a nested worker long after
 * its parent was terminated (its detach event never arrives), so tests count the workers the page started.
 */
function pipelineWorkers(page: TestPage['page']): string[] {
  return page.workers().map((w) => w.url()).filter((url) => !/\/worker\/inference-worker\.js/.test(url));
}

/**
 * On a new detector, one `detect` of the photo with `options` (which take the mesh path), then `dispose`; resolves
 * with the first face once the pipeline worker, where MediaPipe runs, has ended, so whatever it sent or printed has
 * reached the page (the inference worker nested in it ends with it; see {@link pipelineWorkers}).
 */
async function meshThenDispose(page: TestPage['page'], options: DetectOptions): Promise<WiaFace | undefined> {
  const face = await page.evaluate(
    async ({ url, options }) => {
      const detector = await window.emolens.createDetector({ backend: 'wasm' });
      const result = await detector.detect(await (await fetch(url)).blob(), options);
      detector.dispose();
      return result.faces[0];
    },
    { url: photo(), options },
  );
  await expect.poll(() => pipelineWorkers(page), { timeout: 30_000 }).toEqual([]);
  return face;
}

describe('first and second visit', () => {
  const session = pageRecordingRequests();

  const load = () =>
    session.t.page.evaluate(async (url) => {
      const events: LoadProgressEvent[] = [];
      const detector = await window.emolens.createDetector({ backend: 'wasm', onProgress: (e) => events.push(e) });
      const faces = (await detector.detect(await (await fetch(url)).blob())).faces.length;
      detector.dispose();
      return { events, faces };
    }, photo());

  it('on the first visit downloads each asset once, with progress that never goes down, then reports ready', async () => {
    session.requests.length = 0;
    const { events, faces } = await load();
    expect(faces).toBe(1);
    const assets = events.filter((e) => e.type === 'asset');
    expect(assets.map((e) => e.asset).sort()).toEqual(['blazeface-short', 'emolens-fer', 'ort-glue', 'ort-wasm']);
    for (const asset of assets) {
      expect(asset.source).toBe('network');
      const downloads = events.filter((e): e is Extract<LoadProgressEvent, { type: 'download' }> => e.type === 'download' && e.asset === asset.asset);
      expect(downloads.length).toBeGreaterThan(0);
      downloads.forEach((d, i) => i > 0 && expect(d.loaded).toBeGreaterThanOrEqual(downloads[i - 1]!.loaded));
      expect(downloads.at(-1)!.loaded).toBe(asset.bytes);
    }
    expect(events.filter((e) => e.type === 'compile').length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toMatchObject({ type: 'ready', backend: 'wasm' });
    expect(events.filter((e) => e.type === 'ready')).toHaveLength(1);
    // The start-up budget: every step once, in time order, all within the start.
    const ready = events.at(-1) as Extract<LoadProgressEvent, { type: 'ready' }>;
    expect(ready.steps.map((s) => s.step).sort()).toEqual(['classifier-session', 'classifier-warmup', 'detector-session', 'pipeline-warmup', 'runtime']);
    const times = ready.steps.map((s) => s.ms);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(times[0]).toBeGreaterThan(0);
    expect(times.at(-1)).toBeLessThanOrEqual(ready.elapsedMs + 1);
    const order = (name: string) => ready.steps.findIndex((s) => s.step === name);
    expect(order('runtime')).toBeLessThan(order('detector-session'));
    expect(order('classifier-session')).toBeLessThan(order('classifier-warmup'));
    const fetched = session.requests.filter((u) => ASSET_REQUEST.test(u));
    expect(fetched.length).toBe(4);
  });

  it('on a second visit (page reloaded) takes every asset from the Cache API and fetches none', async () => {
    await session.t.page.reload();
    await session.t.page.waitForFunction(() => document.body.dataset.ready === 'true');
    session.requests.length = 0;
    const { events, faces } = await load();
    expect(faces).toBe(1);
    const assets = events.filter((e) => e.type === 'asset');
    expect(assets).toHaveLength(4);
    for (const asset of assets) expect(asset.source).toBe('cache');
    expect(events.some((e) => e.type === 'download')).toBe(false);
    expect(session.requests.filter((u) => ASSET_REQUEST.test(u))).toEqual([]);
  });
});

describe('MediaPipe on demand', () => {
  const session = pageRecordingRequests();

  it('is loaded only when a call first asks for landmarks, once, and then serves every later call', async () => {
    const out = await session.t.page.evaluate(async (url) => {
      const assets: string[][] = [[], [], []];
      let phase = 0;
      const detector = await window.emolens.createDetector({ backend: 'wasm', onProgress: (e) => e.type === 'asset' && assets[phase]!.push(e.asset) });
      const image = await (await fetch(url)).blob();
      const plain = await detector.detect(image);
      phase = 1;
      const mesh = await detector.detect(image, { returnLandmarks: true });
      phase = 2;
      const again = await detector.detect(image, { returnLandmarks: true });
      detector.dispose();
      return { assets, faces: [plain, mesh, again].map((r) => r.faces.length), points: mesh.faces[0]?.landmarks?.length };
    }, photo());
    expect(out.faces).toEqual([1, 1, 1]);
    expect(out.points).toBe(468);
    expect(out.assets[0]!.sort()).toEqual(['blazeface-short', 'emolens-fer', 'ort-glue', 'ort-wasm']);
    expect(out.assets[1]!.sort()).toEqual(['mediapipe-face', 'mediapipe-loader', 'mediapipe-wasm']);
    expect(out.assets[2]).toEqual([]);
    expect(session.requests.filter((u) => /vision_wasm_module_internal/.test(u)).length).toBe(2);
  });

  it('sends nothing: tasks-vision’s usage report to Google when its task closes is refused in the worker', async () => {
    const { page, context } = session.t;
    const sent: string[] = [];
    const record = (r: import('playwright-core').Request) => sent.push(`${r.method()} ${r.url()}`);
    context.on('request', record);
    try {
      // Closing the face landmarker (at dispose) is when tasks-vision flushes its usage records.
      const face = await meshThenDispose(page, { returnLearningStates: true, returnLandmarks: true });
      expect(face?.landmarks?.length).toBe(468);
      const origin = new URL(page.url()).origin;
      expect(sent.filter((s) => !s.startsWith(`GET ${origin}/`) && !s.startsWith('GET blob:'))).toEqual([]);
      expect(sent.length).toBeGreaterThan(0);
    } finally {
      context.off('request', record);
    }
  });

  it('prints nothing: MediaPipe’s start-up and shut-down chatter stays out of the app’s console', async () => {
    const { page } = session.t;
    const printed: string[] = [];
    const record = (m: import('playwright-core').ConsoleMessage) => {
      if (!m.text().startsWith('[vite]')) printed.push(`${m.type()}: ${m.text()}`);
    };
    page.on('console', record);
    try {
      // The landmarker's close prints last.
      const face = await meshThenDispose(page, { returnActionUnits: true, returnLandmarks: true });
      expect(face?.action_units?.length).toBeGreaterThan(0);
      expect(printed).toEqual([]);
    } finally {
      page.off('console', record);
    }
  });
});

describe('configuration', () => {
  let t: TestPage;
  beforeAll(async () => {
    t = await openTestPage();
  });
  afterAll(async () => {
    await t?.close();
  });

  const tryCreate = (options: Record<string, unknown>) =>
    t.page.evaluate(async (options) => {
      try {
        const detector = await window.emolens.createDetector(options);
        detector.dispose();
        return { ok: true as const };
      } catch (e) {
        return { ok: false as const, name: (e as Error).name, code: (e as { code: string }).code, details: (e as { details: Record<string, unknown> }).details };
      }
    }, options);

  it('loads every asset from a self-hosted baseUrl', async () => {
    const baseUrl = `${repoUrl(join(repoRoot, 'packages', 'core', 'assets'))}/`;
    const out = await t.page.evaluate(
      async ({ baseUrl, url }) => {
        const urls: string[] = [];
        const detector = await window.emolens.createDetector({ baseUrl, cache: false, onProgress: (e) => e.type === 'download' && urls.push(e.url) });
        const faces = (await detector.detect(await (await fetch(url)).blob())).faces.length;
        detector.dispose();
        return { faces, urls: [...new Set(urls)] };
      },
      { baseUrl, url: photo() },
    );
    expect(out.faces).toBe(1);
    expect(out.urls.length).toBe(4);
    for (const url of out.urls) expect(new URL(url).pathname.startsWith(baseUrl)).toBe(true);
  });

  it('rejects with MODEL_LOAD_FAILED, naming the asset, when the assets are not at baseUrl; the page can try again', async () => {
    const failed = await tryCreate({ baseUrl: '/no-such-folder/', cache: false });
    expect(failed).toMatchObject({ ok: false, name: 'EmoLensError', code: 'MODEL_LOAD_FAILED' });
    expect(failed.ok === false && failed.details).toMatchObject({ asset: expect.any(String), url: expect.stringContaining('/no-such-folder/') });
    expect(await tryCreate({ backend: 'wasm' })).toEqual({ ok: true });
  });

  it('rejects with MODEL_LOAD_FAILED naming the worker when its script does not load (a bundler that did not emit it)', async () => {
    const failed = await t.page.evaluate(async () => {
      try {
        await window.emolens.createDetector({ worker: () => new Worker('/no-such-folder/worker.js', { type: 'module' }), startTimeoutMs: 20_000 });
        return { ok: true as const };
      } catch (e) {
        return { ok: false as const, code: (e as { code: string }).code, details: (e as { details: Record<string, unknown> }).details };
      }
    });
    expect(failed).toMatchObject({ ok: false, code: 'MODEL_LOAD_FAILED', details: { asset: 'worker', suggestion: expect.stringContaining('dist/browser/worker/') } });
  });

  it('rejects with MODEL_LOAD_FAILED when the worker throws as it starts, and reports no crash to onError', async () => {
    const out = await t.page.evaluate(async () => {
      const crashes: string[] = [];
      const script = URL.createObjectURL(new Blob(['throw new Error("broken by a bundler");'], { type: 'text/javascript' }));
      try {
        await window.emolens.createDetector({ worker: () => new Worker(script, { type: 'module' }), onError: (e) => crashes.push(e.code), startTimeoutMs: 20_000 });
        return { ok: true as const, crashes };
      } catch (e) {
        return { ok: false as const, code: (e as { code: string }).code, details: (e as { details: Record<string, unknown> }).details, crashes };
      }
    });
    expect(out).toMatchObject({ ok: false, code: 'MODEL_LOAD_FAILED', details: { asset: 'worker', reason: expect.stringContaining('broken by a bundler') }, crashes: [] });
  });

  it('rejects an unknown classifier and out-of-range options with INVALID_REQUEST naming the field', async () => {
    expect(await tryCreate({ classifier: 'nope' })).toMatchObject({ ok: false, code: 'INVALID_REQUEST', details: { field: 'classifier' } });
    expect(await tryCreate({ maxFaces: 0 })).toMatchObject({ ok: false, code: 'INVALID_REQUEST', details: { field: 'maxFaces' } });
    expect(await tryCreate({ minDetectionConfidence: 2 })).toMatchObject({ ok: false, code: 'INVALID_REQUEST', details: { field: 'minDetectionConfidence' } });
    expect(await tryCreate({ threads: -1 })).toMatchObject({ ok: false, code: 'INVALID_REQUEST', details: { field: 'threads' } });
  });

  it('rejects a start that outlives startTimeoutMs with TIMEOUT naming the step it reached, and ends its workers', async () => {
    const workersBefore = pipelineWorkers(t.page);
    const out = await t.page.evaluate(async () => {
      const unhandled: string[] = [];
      addEventListener('unhandledrejection', (e) => unhandled.push(String(e.reason)));
      let error: { code?: string; details?: Record<string, unknown> } = {};
      try {
        (await window.emolens.createDetector({ backend: 'wasm', cache: false, startTimeoutMs: 30 })).dispose();
      } catch (e) {
        error = e as typeof error;
      }
      await new Promise((r) => setTimeout(r, 500));
      return { code: error.code, details: error.details, unhandled };
    });
    expect(out).toMatchObject({ code: 'TIMEOUT', details: { kind: 'start_timeout', timeoutMs: 30, step: expect.any(String) }, unhandled: [] });
    await expect.poll(() => pipelineWorkers(t.page), { timeout: 10_000 }).toEqual(workersBefore);
    // A later start works.
    expect(await tryCreate({ backend: 'wasm' })).toEqual({ ok: true });
  });

  it('refuses a classifier other than the default given by id without its module or baseUrl, naming the module', async () => {
    const failed = await tryCreate({ classifier: 'human-emotion' });
    expect(failed).toMatchObject({ ok: false, code: 'INVALID_REQUEST', details: { field: 'classifier', suggestion: expect.stringContaining("'@emolens/core/classifiers/human-emotion'") } });
    expect(await tryCreate({ classifier: { id: 'human-emotion', assetUrls: 'nope' } })).toMatchObject({ ok: false, code: 'INVALID_REQUEST', details: { field: 'classifier' } });
    expect(await tryCreate({ webgpu: {} })).toMatchObject({ ok: false, code: 'INVALID_REQUEST', details: { field: 'webgpu' } });
    // Self-hosted, every classifier is there by id.
    const baseUrl = `${repoUrl(join(repoRoot, 'packages', 'core', 'assets'))}/`;
    expect(await tryCreate({ baseUrl, classifier: 'human-emotion', backend: 'wasm' })).toEqual({ ok: true });
  });

  it('lists the shipped classifiers', async () => {
    expect(await t.page.evaluate(() => window.emolens.classifierIds().sort())).toEqual(['emolens-fer', 'emolens-ferplus', 'faceapi-expression', 'human-emotion']);
  });
});

describe('WASM threads', () => {
  it('uses 2 threads on a cross-origin isolated page, 1 elsewhere, with the same result', async () => {
    const run = async (isolated: boolean) => {
      const t = await openTestPage({ isolated });
      try {
        return await t.page.evaluate(async (url) => {
          const detector = await window.emolens.createDetector({ backend: 'wasm' });
          const result = await detector.detect(await (await fetch(url)).blob());
          detector.dispose();
          return { isolated: crossOriginIsolated, threads: detector.threads, all: result.faces[0]!.emotions.all };
        }, photo());
      } finally {
        await t.close();
      }
    };
    const [plain, isolated] = [await run(false), await run(true)];
    expect(plain).toMatchObject({ isolated: false, threads: 1 });
    expect(isolated).toMatchObject({ isolated: true, threads: 2 });
    for (const score of isolated.all) {
      const same = plain.all.find((s) => s.label === score.label)!;
      expect(Math.abs(same.confidence - score.confidence)).toBeLessThan(1e-5);
    }
  });
});
