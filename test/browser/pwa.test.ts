/**
 * The offline PWA (`examples/pwa`) end to end, built with `vite build` (vite-plugin-pwa, Workbox) and served as a
 * host would: the first visit precaches the app and the SDK's files and reports Chromium's installability checks;
 * the seeds' REST APIs answer on the app's own origin through the service worker (`@emolens/rest`), online and
 * offline, with the seeds' bodies and errors (valid against the JSON Schemas); offline, a reload starts the app
 * and analyses a photo, a video file and the (fake) webcam with no request leaving the page; a second build with
 * another model is offered, applied on consent, and the annotation queue survives it.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { chromium, type BrowserContext, type Page, type Request as PlaywrightRequest } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../bench/server.ts';
import { CollectionServer, freePort } from '../setup/collection-server.ts';
import { assertChromium, CHROMIUM, CHROMIUM_ARGS } from '../setup/chromium.ts';
import { repoRoot, requireData } from '../setup/paths.ts';
import { openTestPage } from './harness.ts';
import { makeTestVideo } from './video-fixture.ts';
import { writeFaceVideo } from './y4m.ts';
import { LEARNING_STATES, UNESTIMATED_LEARNING_STATES, type LearningState } from '@emolens/schema';
import { UPLOAD_SYNC_TAG } from '../../examples/pwa/src/messages.ts';

const pwaRoot = join(repoRoot, 'examples', 'pwa');
const HAPPY = join('wild', 'happy', 'Karin_Stoiber_0002.jpg');

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const schema = (name: string) => JSON.parse(readFileSync(join(repoRoot, 'packages', 'schema', 'schemas', `${name}.schema.json`), 'utf8')) as object;
// The video result refers to the face result by its file name.
ajv.addSchema(schema('wia-face-result'), 'wia-face-result.schema.json');
const validators = {
  wia: ajv.getSchema('wia-face-result.schema.json')!,
  video: ajv.compile(schema('wia-video-result')),
  wiaError: ajv.compile(schema('wia-error')),
  emotion: ajv.compile(schema('emotion-api-response')),
  webcam: ajv.compile(schema('webcam-predict-response')),
  webcamError: ajv.compile(schema('webcam-error')),
  wakee: ajv.compile(schema('wakee-predict-response')),
};

let tmp: string;
/** The served folder: a link to one build, repointed to the second for the update. */
let site: string;
let server: StaticServer;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function buildPwa(outDir: string, classifier?: string): Promise<void> {
  if (classifier) process.env.VITE_EMOLENS_CLASSIFIER = classifier;
  // Vitest sets NODE_ENV=test, which would make the build a development one (no service worker registered).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: pwaRoot, configFile: join(pwaRoot, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  } finally {
    delete process.env.VITE_EMOLENS_CLASSIFIER;
    process.env.NODE_ENV = nodeEnv;
  }
}

function serve(build: string): void {
  try {
    unlinkSync(site);
  } catch {
    // first time: no link yet
  }
  symlinkSync(build, site);
}

async function waitReady(p: Page): Promise<void> {
  await p.waitForFunction(() => document.body.dataset.ready === 'true' || document.body.dataset.failed === 'true', undefined, { timeout: 120_000 });
  const failed = await p.evaluate(() => (document.body.dataset.failed ? document.querySelector('#status')!.textContent : null));
  expect(failed).toBeNull();
}

beforeAll(async () => {
  assertChromium();
  tmp = mkdtempSync(join(tmpdir(), 'emolens-pwa-'));
  await buildPwa(join(tmp, 'v1'));
  await buildPwa(join(tmp, 'v2'), 'emolens-ferplus');
  site = join(tmp, 'site');
  serve(join(tmp, 'v1'));
  server = await startStaticServer([{ prefix: '/', dir: site }]);
  const y4m = join(tmp, 'face.y4m');
  writeFaceVideo(y4m, join(requireData(), HAPPY));
  // An on-disk profile: Chromium does not offer to install an app from an incognito context.
  context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`],
  });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 600_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The service worker versions the browser holds (status, running status), for a failure's message. */
async function serviceWorkerVersions(): Promise<string> {
  const probe = await context.newPage();
  try {
    const cdp = await context.newCDPSession(probe);
    type Version = { versionId: string; status: string; runningStatus: string };
    const versions = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }: { versions: Version[] }) => resolve(versions.map((v) => `${v.versionId}: ${v.status}/${v.runningStatus}`).join(', '))),
    );
    await cdp.send('ServiceWorker.enable');
    return await Promise.race([versions, new Promise<string>((resolve) => setTimeout(() => resolve('(no answer from the browser)'), 10_000))]);
  } finally {
    await probe.close();
  }
}

/** Items in the page's annotation queue. */
function queuedItems(p: Page): Promise<number> {
  return p.evaluate(async () => (await window.__pwa!.uploader.queued()).length);
}

/** A data URL of a wild photo. */
function photoDataUrl(relative: string): string {
  return `data:image/jpeg;base64,${readFileSync(join(requireData(), relative)).toString('base64')}`;
}

/** The seeds' client calls, run in the page against its own origin; each response's status and body. */
async function seedCalls(p: Page, dataUrl: string) {
  return p.evaluate(async (image) => {
    const call = async (path: string, init?: RequestInit) => {
      const response = await fetch(path, init);
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      return { status: response.status, allow: response.headers.get('allow'), body };
    };
    const jpeg = await (await fetch(image)).blob();
    const form = (field: string, blob: Blob) => {
      const f = new FormData();
      f.append(field, blob, 'face.jpg');
      return f;
    };
    const json = (body: unknown) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    // A grey picture: an image with no face.
    const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 240 });
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#808080';
    g.fillRect(0, 0, 320, 240);
    const blank = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg'));
    return {
      // WIA 5.3.1 (curl -H "X-WIA-API-Key: …" -d '{"image_base64": …}')
      wia: await call('/v1/analyze/face', { ...json({ image_base64: image, options: { return_action_units: true, return_dimensions: true, max_faces: 5 } }), headers: { 'Content-Type': 'application/json', 'X-WIA-API-Key': 'sk_live_abc123' } }),
      wiaNoImage: await call('/v1/analyze/face', json({ options: {} })),
      wiaBadJson: await call('/v1/analyze/face', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"image_base64":' }),
      wiaUnknown: await call('/v1/analyze/voice', json({})),
      wiaGet: await call('/v1/analyze/face'),
      wiaHuge: await call('/v1/analyze/face', json({ image_base64: 'A'.repeat(25 * 2 ** 20) })),
      // WIA 5.3.2 with frames instead of a video URL
      wiaVideo: await call('/v1/analyze/face/video', json({ frames_base64: [image, image, image], options: { sample_rate: 1 } })),
      // Face Emotion Recognition API (curl -F "image=@…")
      emotion: await call('/emotion', { method: 'POST', body: form('image', jpeg) }),
      emotionNoImage: await call('/emotion', { method: 'POST', body: form('picture', jpeg) }),
      // Webcam /predict (the seed's fetch snippet), and its error cases
      predict: await call('/predict', json({ image })),
      predictNoImage: await call('/predict', json({})),
      predictBadBase64: await call('/predict', json({ image: 'data:image/png;base64,@@@@' })),
      predictCorrupt: await call('/predict', json({ image: `data:image/jpeg;base64,${btoa('\xff\xd8\xff\xe0 not a jpeg at all')}` })),
      // Wakee /predict (curl -F "file=@…"), and its errors in FastAPI's format
      wakee: await call('/predict', { method: 'POST', body: form('file', jpeg) }),
      wakeeNoFile: await call('/predict', { method: 'POST', body: form('image', jpeg) }),
      wakeeNotImage: await call('/predict', { method: 'POST', body: form('file', new Blob(['not an image'], { type: 'image/jpeg' })) }),
      wakeeNoFace: await call('/predict', { method: 'POST', body: form('file', blank) }),
      // What the page's detector says of the same file, called directly.
      wakeeDirect: await window.__pwa!.detector.predictWakee(jpeg),
      health: await call('/health'),
    };
  }, dataUrl);
}

function expectSeedAnswers(r: Awaited<ReturnType<typeof seedCalls>>): void {
  expect(r.wia.status).toBe(200);
  expect(validators.wia(r.wia.body), JSON.stringify(validators.wia.errors)).toBe(true);
  expect((r.wia.body as { faces: unknown[] }).faces).toHaveLength(1);
  for (const [name, status, kind] of [
    ['wiaNoImage', 400, 'missing_image'],
    ['wiaBadJson', 400, 'invalid_json'],
    ['wiaUnknown', 404, 'not_found'],
    ['wiaGet', 405, 'method_not_allowed'],
    ['wiaHuge', 413, 'too_large'],
  ] as const) {
    expect(r[name].status, name).toBe(status);
    expect(validators.wiaError(r[name].body), `${name}: ${JSON.stringify(validators.wiaError.errors)}`).toBe(true);
    expect((r[name].body as { error: { details: { kind: string } } }).error.details.kind, name).toBe(kind);
  }
  expect(r.wiaGet.allow).toBe('POST');
  expect(r.wiaVideo.status).toBe(200);
  expect(validators.video(r.wiaVideo.body), JSON.stringify(validators.video.errors)).toBe(true);
  expect((r.wiaVideo.body as { timeline: unknown[]; summary: { dominant_emotion: string } }).summary.dominant_emotion).toBe('happiness');

  expect(r.emotion.status).toBe(200);
  expect(validators.emotion(r.emotion.body), JSON.stringify(validators.emotion.errors)).toBe(true);
  expect((r.emotion.body as { emotion: string }[])[0]!.emotion).toBe('happy');
  expect(r.emotionNoImage).toMatchObject({ status: 400, body: { error: 'No image provided' } });

  expect(r.predict).toMatchObject({ status: 200, body: { emotion: 'HAPPY' } });
  expect(validators.webcam(r.predict.body)).toBe(true);
  expect(r.predictNoImage).toMatchObject({ status: 400, body: { error: 'No image provided' } });
  expect(r.predictBadBase64).toMatchObject({ status: 500, body: { error: 'Invalid base64 data' } });
  expect(r.predictCorrupt).toMatchObject({ status: 500, body: { error: 'Failed to decode image' } });
  for (const e of [r.predictNoImage, r.predictBadBase64, r.predictCorrupt]) expect(validators.webcamError(e.body)).toBe(true);

  expect(r.wakee.status).toBe(200);
  expect(validators.wakee(r.wakee.body), JSON.stringify(validators.wakee.errors)).toBe(true);
  for (const state of ['boredom', 'confusion', 'engagement', 'frustration'] as const) {
    expect(Math.abs((r.wakee.body as Record<string, number>)[state]! - r.wakeeDirect[state]), state).toBeLessThanOrEqual(0.02);
  }
  expect(r.wakeeNoFile).toEqual({ status: 422, allow: null, body: { detail: [{ type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null }] } });
  expect(r.wakeeNotImage.status).toBe(400);
  expect(r.wakeeNoFace).toMatchObject({ status: 422, body: { detail: 'No face detected in the image' } });
  for (const e of [r.wakeeNotImage, r.wakeeNoFace]) expect(Object.keys(e.body as object)).toEqual(['detail']);
  expect(r.health).toMatchObject({ status: 200, body: { status: 'healthy', model_loaded: true } });
}

describe('the offline PWA', () => {
  it('first visit: precaches the app and the SDK files with progress, then is installable', async () => {
    server.reset();
    await page.goto(`${server.origin}/`);
    await waitReady(page);
    const state = await page.evaluate(() => ({ ...document.body.dataset }));
    expect(state.offline).toBe('controlled');
    const [stored, total] = state.precached!.split('/').map(Number);
    expect(stored).toBe(total);
    expect(total).toBeGreaterThan(8);
    // Each of the app's and the SDK's files once: the service worker precached it, the page then read it from there.
    const counts = server.snapshot();
    const twice = Object.entries(counts).filter(([path, c]) => c.requests > 1 && path.startsWith('/assets/'));
    expect(twice, JSON.stringify(twice)).toEqual([]);
    // What this build can use, and nothing else: the face mesh (learning states), no WebGPU runtime, no other
    // classifier, no iris model (attention only).
    const served = Object.keys(counts).join('\n');
    expect(served).toMatch(/ort-wasm-simd-threaded\.wasm-[^/]*\.gz/);
    expect(served).toMatch(/face_landmarker/);
    expect(served).toMatch(/vision_wasm_module_internal/);
    expect(served).not.toMatch(/asyncify|ferplus|human-emotion|faceapi-expression|human-iris/);

    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    expect(installabilityErrors).toEqual([]);
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string };
    expect(manifest.errors).toEqual([]);
    await cdp.detach();
  }, 180_000);

  // Before anything is analysed online: what works offline must come from the precache, not from an earlier call.
  it('offline: reloads, analyses a photo, a video file and the webcam, and answers REST, with no request leaving', async () => {
    const maker = await openTestPage();
    const video = await makeTestVideo(maker.page, { codec: 'vp8', name: 'pwa', segments: [{ label: 'happy', seconds: 1 }] }).finally(() => maker.close());

    const leaked: string[] = [];
    // Requests Playwright reports no answer for (it misses some nested workers' script loads, served by the service
    // worker): the server's counters below say whether any reached the network.
    const unanswered: string[] = [];
    const checks: Promise<void>[] = [];
    const fromPage = (request: PlaywrightRequest) => {
      if (request.url().startsWith('http') && !request.serviceWorker()) {
        const silence = new Promise<'silence'>((resolve) => setTimeout(() => resolve('silence'), 15_000));
        checks.push(
          Promise.race([request.response(), silence]).then((response) => {
            if (response === 'silence') unanswered.push(request.url());
            else if (!response?.fromServiceWorker()) leaked.push(`${request.method()} ${request.url()}`);
          }),
        );
      }
    };
    const fromServiceWorker = (request: PlaywrightRequest) => {
      // Requests the service worker itself sends go to the network.
      if (request.serviceWorker() && request.url().startsWith('http')) leaked.push(`(service worker) ${request.url()}`);
    };
    page.on('request', fromPage);
    context.on('request', fromServiceWorker);
    try {
      await context.setOffline(true);
      server.reset();
      await page.reload();
      await waitReady(page);

      await page.setInputFiles('#photo-files', join(requireData(), HAPPY));
      await page.waitForFunction(() => document.body.dataset.photos === '1', undefined, { timeout: 30_000 });
      expect(await page.locator('#photo-rows tr td').nth(2).textContent()).toBe('happiness');
      const read = async (button: string) => {
        const [file] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
        return readFileSync((await file.path())!, 'utf8');
      };
      const csv = (await read('#export-csv')).split('\r\n');
      expect(csv[0]).toBe('file,faces,emotion,confidence,valence,arousal,boredom,confusion,engagement,frustration,error');
      expect(csv[1]).toMatch(/^Karin_Stoiber_0002\.jpg,1,happiness,0\.\d{3},-?\d\.\d{3},\d\.\d{3},(\d\.\d{2},){4}$/);
      const exported = JSON.parse(await read('#export-json')) as { file: string; result: unknown }[];
      expect(exported).toHaveLength(1);
      expect(validators.wia(exported[0]!.result), JSON.stringify(validators.wia.errors)).toBe(true);

      await page.setInputFiles('#video-file', { name: 'pwa.webm', mimeType: video.mimeType, buffer: Buffer.from(video.bytes) });
      await page.waitForFunction(() => Number(document.body.dataset.videoFrames) > 0, undefined, { timeout: 60_000 });

      await page.click('#webcam-toggle');
      await page.waitForFunction(() => Number(document.body.dataset.webcamResults) >= 5, undefined, { timeout: 30_000 });
      expect(await page.locator('#webcam-label').textContent()).toMatch(/happiness|neutral|surprise|sadness|anger|fear|disgust/);
      await page.click('#webcam-toggle');

      expectSeedAnswers(await seedCalls(page, photoDataUrl(HAPPY)));
      await Promise.all(checks);
      expect(leaked).toEqual([]);
      expect(unanswered.filter((url) => new URL(url).origin !== server.origin)).toEqual([]);
      // The one request the server may see is the browser's own update check of /sw.js on navigation, made outside
      // the page (and outside Playwright's offline emulation); it fails harmlessly on a real offline device.
      const { '/sw.js': _updateCheck, ...reached } = server.snapshot();
      expect(reached).toEqual({});
      expect(pageErrors).toEqual([]);
    } finally {
      page.off('request', fromPage);
      context.off('request', fromServiceWorker);
      await context.setOffline(false);
    }
  }, 240_000);

  it('answers the seeds’ REST APIs on its own origin, online, with their bodies and errors', async () => {
    expectSeedAnswers(await seedCalls(page, photoDataUrl(HAPPY)));
  }, 120_000);

  it('offers a new build with another model, applies it on consent, and keeps the queued corrections', async () => {
    // A correction queued while the collection server is unreachable stays in the queue.
    await page.goto(`${server.origin}/?collect=http://127.0.0.1:9/insert`);
    await waitReady(page);
    await page.check('#share-consent');
    await page.setInputFiles('#photo-files', join(requireData(), HAPPY));
    await page.waitForFunction(() => document.body.dataset.photos === '1', undefined, { timeout: 30_000 });
    await page.locator('#photo-rows select').selectOption('neutral');
    await expect.poll(() => queuedItems(page), { timeout: 30_000 }).toBe(1);
    expect(await page.evaluate(() => window.__pwa!.detector.classifier)).toBe('emolens-fer');

    serve(join(tmp, 'v2'));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    await page.waitForFunction(() => document.body.dataset.updateReady === 'true', undefined, { timeout: 120_000 });
    expect(await page.locator('#update').isVisible()).toBe(true);
    const reloaded = page.waitForEvent('load', { timeout: 60_000 }).then(
      () => true,
      () => false,
    );
    await page.click('#update');
    if (!(await reloaded)) expect.fail(`the page did not reload onto the new version: ${await serviceWorkerVersions()}`);
    await waitReady(page);
    expect(await page.evaluate(() => window.__pwa!.detector.classifier)).toBe('emolens-ferplus');
    expect(await page.evaluate(async () => (await window.__pwa!.uploader.queued()).length)).toBe(1);
    expect(pageErrors).toEqual([]);
  }, 300_000);

  it('offline, queues corrections; Background Sync reaches the page; back online, the queue drains to a real server', async () => {
    // The server is not running yet: while "offline" nothing can reach it, even a request Playwright's offline
    // emulation would let through (requests the service worker passes on escape it).
    const collector = new CollectionServer({ port: await freePort(), dataDir: join(tmp, 'collected'), corsOrigins: [server.origin] });
    try {
      await context.setOffline(true);
      await page.goto(`${server.origin}/?collect=${collector.origin}/insert`);
      await waitReady(page);
      // Consent given for the update test's server is not consent for this one: the box names it and asks again.
      expect(await page.textContent('#collect-destination')).toBe(`${new URL(collector.origin).host}/insert`);
      expect(await page.isChecked('#share-consent')).toBe(false);
      await page.check('#share-consent');
      await page.setInputFiles('#photo-files', join(requireData(), HAPPY));
      await page.waitForFunction(() => document.body.dataset.photos === '1', undefined, { timeout: 30_000 });
      await page.locator('#photo-rows select').selectOption('surprise');
      await expect.poll(() => page.locator('#photo-rows .note').textContent(), { timeout: 30_000 }).toBe('queued');
      // It waits (a queue per endpoint: the update test's item is in the queue of its own endpoint).
      await page.waitForTimeout(2000);
      expect(await queuedItems(page)).toBe(1);

      await collector.start();
      await context.setOffline(false); // the page's `online` event: the uploader drains at once
      // Background Sync, as the browser fires it once the network is back (never while offline): the service worker
      // asks the page to drain.
      const cdp = await context.newCDPSession(page);
      const registered = new Promise<string>((resolve) =>
        cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }: { registrations: { registrationId: string; isDeleted: boolean }[] }) => {
          const live = registrations.find((r) => !r.isDeleted);
          if (live) resolve(live.registrationId);
        }),
      );
      await context.grantPermissions(['background-sync'], { origin: server.origin });
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: server.origin, registrationId: await registered, tag: UPLOAD_SYNC_TAG, lastChance: false });
      await page.waitForFunction(() => Number(document.body.dataset.syncFlushes) >= 1, undefined, { timeout: 10_000 });
      await cdp.detach();

      await expect.poll(() => queuedItems(page), { timeout: 60_000 }).toBe(0);
      type Row = Record<string, unknown> & { meta: { source: string }; wia_face: { learning_states?: Record<LearningState, number> } };
      const load = (await (await fetch(`${collector.origin}/load?limit=10`)).json()) as { data: Row[]; statistics: { total: number } };
      expect(load.statistics.total, collector.output.join('\n')).toBe(1);
      const row = load.data[0]!;
      expect(row.meta.source).toBe('emolens-pwa');
      // The prediction sent is the face's own learning states (not the scale's midpoint), as the table showed them;
      // the user's, which this app does not ask for, stay at the midpoint.
      const states = row.wia_face.learning_states!;
      expect(states).toBeDefined();
      const shown = await page.locator('#photo-rows tr').first().locator('td').allTextContents();
      for (const [i, state] of LEARNING_STATES.entries()) {
        expect(row[`predicted_${state}`], state).toBe(states[state]);
        expect(shown[6 + i], state).toBe(states[state].toFixed(2));
        expect(row[`user_${state}`], state).toBe(UNESTIMATED_LEARNING_STATES[state]);
      }
      expect(LEARNING_STATES.map((state) => row[`predicted_${state}`])).not.toEqual(LEARNING_STATES.map((state) => UNESTIMATED_LEARNING_STATES[state]));
      expect(await page.evaluate(async () => (await window.__pwa!.uploader.deadLetters()).length)).toBe(0);
    } finally {
      await collector.stop();
    }
  }, 180_000);
});
