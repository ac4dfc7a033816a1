/**
 * `@emolens/uploader` in Chromium against a scripted `/insert` server (Playwright routes, `scripted-insert.ts`):
 * the consent gate, the body (checked against the JSON Schema), image re-encoding, order, retries (500, 429 with
 * Retry-After), dead letters, offline, reload mid-queue, two tabs, the byte budget.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import jpeg from 'jpeg-js';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { queueDatabaseName, type UploaderOptions } from '@emolens/uploader';
import { openTestPage, type TestPage } from './harness.ts';
import { scriptInsert, wiaError, type ScriptedInsert } from './scripted-insert.ts';

const SCHEMAS = new URL('../../packages/schema/schemas/', import.meta.url);
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
ajv.addSchema(JSON.parse(readFileSync(new URL('wia-face-result.schema.json', SCHEMAS), 'utf8')) as object, 'wia-face-result.schema.json');
const validateInsert = ajv.compile(JSON.parse(readFileSync(new URL('wakee-insert-request.schema.json', SCHEMAS), 'utf8')) as object);

const SCORES = { boredom: 0.5, confusion: 1, engagement: 2.5, frustration: 0 };
const CORRECTED = { boredom: 1, confusion: 0, engagement: 3, frustration: 0 };

let browser: Browser;
let t: TestPage;
let endpoint: string;
let server: ScriptedInsert | undefined;

beforeAll(async () => {
  browser = await chromium.connect(inject('browserEndpoint'));
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await t?.close();
});

/** A fresh context (fresh IndexedDB) on the uploader page, and the scripted server on `<origin>/api/insert`. */
async function open(script?: Parameters<typeof scriptInsert>[2]): Promise<ScriptedInsert> {
  t = await openTestPage({ browser, path: 'uploader.html' });
  endpoint = `${inject('pageOrigin')}/api/insert`;
  server = await scriptInsert(t.context, endpoint, script);
  return server;
}

/** Starts `window.uploaderTest.up` on the page with test-friendly retry times. */
async function start(options: Partial<UploaderOptions> = {}, page = t.page): Promise<void> {
  await page.evaluate((o) => void window.uploaderTest.start(o), { endpoint, consent: true, retryBaseMs: 50, retryMaxMs: 200, ...options });
}

/** Submits `n` generated images of `width` × `height` from the page; resolves to their ids. */
async function submit(n: number, width = 320, height = 240, page = t.page): Promise<string[]> {
  return page.evaluate(
    async ({ n, width, height, scores, corrected }) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const image = await window.uploaderTest.makeImage(width, height);
        ids.push((await window.uploaderTest.up!.submit({ image, predicted: scores, corrected, meta: { i } })).id);
      }
      return ids;
    },
    { n, width, height, scores: SCORES, corrected: CORRECTED },
  );
}

async function flush(page = t.page) {
  return page.evaluate(() => window.uploaderTest.up!.flush());
}

async function state(page = t.page) {
  return page.evaluate(() => window.uploaderTest.up!.state());
}

/** The code and details of what `submit` rejects with, from the page. */
async function submitError(page = t.page, image: 'png' | 'garbage' | 'text' = 'png') {
  return page.evaluate(
    async ({ image, scores }) => {
      const blob = image === 'png' ? await window.uploaderTest.makeImage(64, 64) : image === 'garbage' ? new Blob([new Uint8Array(100).fill(7)]) : 'not base64!';
      try {
        await window.uploaderTest.up!.submit({ image: blob, predicted: scores, corrected: scores });
        return null;
      } catch (e) {
        const err = e as { name: string; code: string; details: Record<string, unknown> };
        return { name: err.name, code: err.code, details: err.details };
      }
    },
    { image, scores: SCORES },
  );
}

function decodeJpeg(base64: string) {
  const bytes = Buffer.from(base64, 'base64');
  return { magic: [...bytes.subarray(0, 3)], ...jpeg.decode(bytes, { useTArray: true }) };
}

describe('consent', () => {
  it('queues and sends nothing without consent, and starts when it is given', async () => {
    const s = await open();
    await start({ consent: false });
    expect(await submitError()).toEqual({
      name: 'EmoLensError',
      code: 'CONSENT_REQUIRED',
      details: { reason: 'consent is false', suggestion: 'ask the user, then call uploader.setConsent(true)' },
    });
    expect(await state()).toMatchObject({ consent: false, queued: { items: 0, bytes: 0 } });
    expect(await t.page.evaluate(() => window.uploaderTest.up!.queued())).toEqual([]);
    // Detached, as a checkbox handler would take it.
    await t.page.evaluate(() => {
      const { setConsent } = window.uploaderTest.up!;
      setConsent(true);
    });
    await submit(1);
    expect(await t.page.evaluate(() => window.uploaderTest.up!.flush.call(undefined))).toEqual({ status: 'empty' });
    expect(s.requests).toHaveLength(1);
  });

  it('gives way when the page deletes its database: the deletion completes, and an uploader after it works', async () => {
    const s = await open();
    await start();
    await submit(1);
    expect(await flush()).toEqual({ status: 'empty' });
    const out = await t.page.evaluate(async (name) => {
      const deleted = await new Promise<string>((resolve) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve('error');
        setTimeout(() => resolve('still blocked after 5 s'), 5000);
      });
      const again = window.emolensUploader.createUploader({ endpoint: window.uploaderTest.up!.options.endpoint, consent: true });
      const image = await window.uploaderTest.makeImage(64, 48);
      const scores = { boredom: 1, confusion: 1, engagement: 1, frustration: 1 };
      const within = <T,>(p: Promise<T>) => Promise.race([p, new Promise<string>((r) => setTimeout(() => r('hung'), 5000))]);
      const queued = await within(again.submit({ image, predicted: scores, corrected: scores }).then(() => 'queued'));
      const flushed = await within(again.flush().then((r) => r.status));
      void again.close();
      return { deleted, queued, flushed };
    }, queueDatabaseName(endpoint));
    expect(out).toEqual({ deleted: 'deleted', queued: 'queued', flushed: 'empty' });
    expect(s.requests).toHaveLength(2);
  });

  it('closes its database connection on close(): the database can be deleted then', async () => {
    await open();
    await start();
    await submit(1);
    const deleted = await t.page.evaluate(async (name) => {
      await window.uploaderTest.up!.close();
      return new Promise<string>((resolve) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = () => resolve('deleted');
        request.onblocked = () => resolve('blocked');
      });
    }, queueDatabaseName(endpoint));
    expect(deleted).toBe('deleted');
  });

  it('after close(), every call rejects with DISPOSED, and a new uploader finds the queue as it was', async () => {
    await open(() => ({ status: 503, body: wiaError('INTERNAL_ERROR', 'busy') }));
    await start();
    await submit(2);
    const codes = await t.page.evaluate(async () => {
      const up = window.uploaderTest.up!;
      await up.close();
      const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code);
      return [await code(up.queued()), await code(up.deadLetters()), await code(up.deleteDead('x')), await code(up.clear()), await code(up.retryDead('x'))];
    });
    expect(codes).toEqual(['DISPOSED', 'DISPOSED', 'DISPOSED', 'DISPOSED', 'DISPOSED']);
    await start();
    // The new uploader reads the queue's counts in the background.
    await expect.poll(async () => (await state()).queued.items).toBe(2);
  });

  it('on a page without IndexedDB: submit rejects with storage_unavailable, and the background failure is an error event', async () => {
    await open();
    const out = await t.page.evaluate(async (scores) => {
      Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
      const errors: string[] = [];
      const up = window.uploaderTest.start({ endpoint: '/api/insert', consent: true });
      up.on('error', (e) => errors.push(`${e.code} ${String(e.details.kind)}`));
      const image = await window.uploaderTest.makeImage(64, 64);
      const submitted = await up.submit({ image, predicted: scores, corrected: scores }).then(
        () => 'queued',
        (e: { code: string; details: { kind: string } }) => `${e.code} ${e.details.kind}`,
      );
      await up.flush().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
      await up.close();
      return { submitted, errors: [...new Set(errors)] };
    }, SCORES);
    expect(out).toEqual({ submitted: 'INTERNAL_ERROR storage_unavailable', errors: ['INTERNAL_ERROR storage_unavailable'] });
    expect(t.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });

  it('stops sending when consent is withdrawn, keeps the items until clear()', async () => {
    const s = await open((_, i) => (i === 0 ? { status: 503, headers: { 'Retry-After': '1' } } : undefined));
    await start();
    await submit(3);
    await expect.poll(() => s.requests.length).toBe(1);
    await t.page.evaluate(() => window.uploaderTest.up!.setConsent(false));
    expect(await flush()).toEqual({ status: 'no_consent' });
    await t.page.waitForTimeout(1500);
    expect(s.requests).toHaveLength(1);
    expect(await state()).toMatchObject({ consent: false, queued: { items: 3 } });
    expect((await submitError())?.code).toBe('CONSENT_REQUIRED');
    // Read in the same task as clear() resolves: its promise settles only once state() shows the empty queue.
    const cleared = await t.page.evaluate(async () => {
      await window.uploaderTest.up!.clear();
      return window.uploaderTest.up!.state();
    });
    expect(cleared).toMatchObject({ queued: { items: 0, bytes: 0 }, dead: { items: 0, bytes: 0 } });
    await t.page.evaluate(() => window.uploaderTest.up!.setConsent(true));
    expect(await flush()).toEqual({ status: 'empty' });
    expect(s.requests).toHaveLength(1);
  });
});

describe('the request', () => {
  it('posts the Wakee /insert body (valid against the JSON Schema) with Idempotency-Key, X-API-Key and JSON', async () => {
    const s = await open();
    await start({ apiKey: 'k-test' });
    const all = [
      { label: 'happiness', confidence: 0.7 },
      ...['sadness', 'anger', 'fear', 'disgust', 'surprise', 'neutral'].map((label) => ({ label, confidence: 0.05 })),
    ];
    const face = { face_id: 0, bbox: { x: 1, y: 2, width: 30, height: 40 }, emotions: { primary: all[0], all } };
    const id = await t.page.evaluate(
      async ({ scores, corrected, face }) => {
        const image = await window.uploaderTest.makeImage(200, 100);
        const probabilities = { happiness: 0.7, sadness: 0.05, anger: 0.05, fear: 0.05, disgust: 0.05, surprise: 0.05, neutral: 0.05 };
        const item = await window.uploaderTest.up!.submit({
          image,
          predicted: scores,
          corrected,
          extensions: { predicted_emotion: 'happiness', user_emotion: 'neutral', predicted_probabilities: probabilities, wia_face: face as never },
          meta: { session: 's-1', screen: 'lesson', round: 3, ok: true, none: null },
        });
        await window.uploaderTest.up!.flush();
        return item.id;
      },
      { scores: SCORES, corrected: CORRECTED, face },
    );
    expect(s.requests).toHaveLength(1);
    const [r] = s.requests;
    expect(r!.key).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r!.apiKey).toBe('k-test');
    expect(r!.contentType).toBe('application/json');
    expect(validateInsert(r!.body), ajv.errorsText(validateInsert.errors)).toBe(true);
    const { image_base64, ...fields } = r!.body;
    expect(fields).toEqual({
      predicted_boredom: 0.5,
      predicted_confusion: 1,
      predicted_engagement: 2.5,
      predicted_frustration: 0,
      user_boredom: 1,
      user_confusion: 0,
      user_engagement: 3,
      user_frustration: 0,
      predicted_emotion: 'happiness',
      user_emotion: 'neutral',
      predicted_probabilities: { happiness: 0.7, sadness: 0.05, anger: 0.05, fear: 0.05, disgust: 0.05, surprise: 0.05, neutral: 0.05 },
      wia_face: face,
      meta: { session: 's-1', screen: 'lesson', round: 3, ok: true, none: null },
    });
    expect(decodeJpeg(image_base64)).toMatchObject({ magic: [0xff, 0xd8, 0xff], width: 200, height: 100 });
  });

  it('sends no X-API-Key without apiKey, and refuses bad fields with INVALID_REQUEST before queuing', async () => {
    const s = await open();
    await start();
    await submit(1);
    await flush();
    expect(s.requests[0]!.apiKey).toBeNull();
    const error = await t.page.evaluate(async (scores) => {
      const image = await window.uploaderTest.makeImage(10, 10);
      return window.uploaderTest
        .up!.submit({ image, predicted: scores, corrected: { ...scores, engagement: 4 } })
        .catch((e: { code: string; details: unknown }) => ({ code: e.code, details: e.details }));
    }, SCORES);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'corrected.engagement' } });
    await expect.poll(async () => (await state()).queued.items).toBe(0);
  });
});

describe('images', () => {
  it('downscales to maxSide and re-encodes every input form as JPEG', async () => {
    const s = await open();
    await start({ maxSide: 160, jpegQuality: 0.7 });
    const sizes = await t.page.evaluate(async (scores) => {
      const blob = await window.uploaderTest.makeImage(800, 600);
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      const base64 = btoa(binary);
      const bitmap = await createImageBitmap(blob);
      const canvas = document.createElement('canvas');
      canvas.width = 800;
      canvas.height = 600;
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      const offscreen = new OffscreenCanvas(600, 800);
      offscreen.getContext('2d')!.drawImage(bitmap, 0, 0);
      const img = new Image();
      img.src = URL.createObjectURL(blob);
      const imageData = canvas.getContext('2d')!.getImageData(0, 0, 800, 600);
      const file = new File([await window.uploaderTest.makeImage(100, 50, 'image/webp')], 'small.webp');
      const inputs = [blob, file, `data:image/png;base64,${base64}`, base64, bitmap, canvas, offscreen, img, imageData];
      const out: [number, number][] = [];
      const up = window.uploaderTest.up!;
      up.on('queued', (e) => out.push([e.width, e.height]));
      for (const image of inputs) await up.submit({ image, predicted: scores, corrected: scores });
      await up.flush();
      return out;
    }, SCORES);
    expect(sizes).toEqual([[160, 120], [100, 50], [160, 120], [160, 120], [160, 120], [160, 120], [120, 160], [160, 120], [160, 120]]);
    const decoded = s.requests.map((r) => decodeJpeg(r.body.image_base64));
    expect(decoded.map((d) => [d.width, d.height])).toEqual(sizes);
    for (const d of decoded) expect(d.magic).toEqual([0xff, 0xd8, 0xff]);
  });

  it('queues the picture passed, even when the app draws on its canvas or closes its bitmap right after submit()', async () => {
    const s = await open();
    await start();
    await t.page.evaluate(async (scores) => {
      const paint = (canvas: HTMLCanvasElement | OffscreenCanvas, colour: string) => {
        const context = canvas.getContext('2d') as CanvasRenderingContext2D;
        context.fillStyle = colour;
        context.fillRect(0, 0, canvas.width, canvas.height);
      };
      const up = window.uploaderTest.up!;
      const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 48 });
      const offscreen = new OffscreenCanvas(64, 48);
      const red = new OffscreenCanvas(64, 48);
      paint(red, '#f00');
      const bitmap = await createImageBitmap(red);
      const calls: Promise<unknown>[] = [];
      paint(canvas, '#f00');
      calls.push(up.submit({ image: canvas, predicted: scores, corrected: scores }));
      paint(canvas, '#00f'); // the next frame, drawn at once
      paint(offscreen, '#f00');
      calls.push(up.submit({ image: offscreen, predicted: scores, corrected: scores }));
      paint(offscreen, '#00f');
      calls.push(up.submit({ image: bitmap, predicted: scores, corrected: scores }));
      bitmap.close();
      await Promise.all(calls);
      await up.flush();
    }, SCORES);
    const centres = await t.page.evaluate(async (images) => {
      const out: number[][] = [];
      for (const base64 of images) {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes]));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d')!;
        context.drawImage(bitmap, 0, 0);
        out.push([...context.getImageData(bitmap.width >> 1, bitmap.height >> 1, 1, 1).data.slice(0, 3)]);
      }
      return out;
    }, s.requests.map((r) => r.body.image_base64 as string));
    expect(centres).toHaveLength(3);
    for (const [r, g, b] of centres) expect([r! > 200, g! < 60, b! < 60]).toEqual([true, true, true]); // red, as passed
  });

  it("takes images made in a same-origin iframe (a Blob, a canvas, an <img>, ImageData), as the page's own", async () => {
    const s = await open();
    await start({ maxSide: 160 });
    const sizes = await t.page.evaluate(async (scores) => {
      const frame = document.createElement('iframe');
      document.body.append(frame);
      const inner = frame.contentWindow as Window & typeof globalThis;
      const blob = await window.uploaderTest.makeImage(320, 240);
      const canvas = inner.document.createElement('canvas');
      Object.assign(canvas, { width: 320, height: 240 });
      canvas.getContext('2d')!.drawImage(await createImageBitmap(blob), 0, 0);
      const innerBlob = new inner.Blob([await blob.arrayBuffer()], { type: 'image/png' });
      const img = inner.document.createElement('img');
      img.src = URL.createObjectURL(blob);
      await img.decode();
      const data = canvas.getContext('2d')!.getImageData(0, 0, 320, 240);
      const out: [number, number][] = [];
      const up = window.uploaderTest.up!;
      up.on('queued', (e) => out.push([e.width, e.height]));
      for (const image of [innerBlob, canvas, img, data]) await up.submit({ image, predicted: scores, corrected: scores });
      await up.flush();
      frame.remove();
      return out;
    }, SCORES);
    expect(sizes).toEqual([[160, 120], [160, 120], [160, 120], [160, 120]]);
    expect(s.requests).toHaveLength(4);
  });

  it('takes the default max side of 640', async () => {
    const s = await open();
    await start();
    await submit(1, 1600, 900);
    await flush();
    expect(decodeJpeg(s.requests[0]!.body.image_base64)).toMatchObject({ width: 640, height: 360 });
  });

  it('refuses undecodable images with INVALID_IMAGE', async () => {
    await open();
    await start();
    expect(await submitError(t.page, 'garbage')).toMatchObject({ code: 'INVALID_IMAGE', details: { kind: 'undecodable' } });
    expect(await submitError(t.page, 'text')).toMatchObject({ code: 'INVALID_IMAGE', details: { kind: 'invalid_base64' } });
    await expect.poll(async () => (await state()).queued.items).toBe(0);
  });
});

describe('delivery', () => {
  it('sends in submission order, one at a time', async () => {
    const s = await open(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return undefined;
    });
    await start();
    const ids = await submit(8);
    await expect.poll(() => s.requests.length).toBe(8);
    expect(s.requests.map((r) => r.key)).toEqual(ids);
    expect(s.requests.map((r) => (r.body.meta as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(s.maxInFlight).toBe(1);
    expect(await flush()).toEqual({ status: 'empty' });
  });

  it('retries a 500 with the same key and body, then forgets the item', async () => {
    const s = await open((_, i) => (i === 0 ? { status: 500, body: wiaError('INTERNAL_ERROR', 'boom') } : undefined));
    await start();
    const [id] = await submit(1);
    await expect.poll(() => s.database().size).toBe(1);
    // Polled: the scripted server stores the row before its answer is fulfilled, and records the status after.
    await expect.poll(() => s.requests.map((r) => [r.key, r.status])).toEqual([
      [id, 500],
      [id, 201],
    ]);
    expect(s.requests[1]!.body).toEqual(s.requests[0]!.body);
    await expect.poll(() => state()).toMatchObject({ queued: { items: 0 }, dead: { items: 0 } });
    const events = await t.page.evaluate(() => window.uploaderTest.events);
    expect(events).toEqual([`queued ${id}`, `sending ${id}`, `failed ${id}`, `sending ${id}`, `sent ${id}`]);
  });

  it('waits as long as 429 Retry-After says, and the items behind wait too', async () => {
    const s = await open((_, i) => (i === 0 ? { status: 429, headers: { 'Retry-After': '2' }, body: wiaError('RATE_LIMITED', 'slow down') } : undefined));
    await start({ retryBaseMs: 10, retryMaxMs: 20 });
    const ids = await submit(2);
    await expect.poll(() => s.requests.length, { timeout: 10_000 }).toBe(3);
    expect(s.requests.map((r) => r.key)).toEqual([ids[0], ids[0], ids[1]]);
    // Loose: the retry came after about two seconds, not after the 10-20 ms backoff.
    expect(s.requests[1]!.at - s.requests[0]!.at).toBeGreaterThan(1500);
  });

  it('moves a 400 to the dead letters with the server body; retryDead sends it again, deleteDead forgets it', async () => {
    let refuse = true;
    const s = await open((r) => (refuse && (r.body.meta as { i: number } | undefined)?.i === 0 ? { status: 400, body: wiaError('INVALID_REQUEST', 'no', { field: 'x' }) } : undefined));
    await start();
    const [a] = await submit(1);
    await flush();
    const [b] = await submit(1);
    expect(await flush()).toEqual({ status: 'empty' });
    const letters = await t.page.evaluate(() => window.uploaderTest.up!.deadLetters());
    expect(letters.map((l) => [l.id, l.reason, l.status, l.attempts])).toEqual([
      [a, 'rejected', 400, 1],
      [b, 'rejected', 400, 1],
    ]);
    expect(letters[0]!.error).toMatchObject({ error: { code: 'INVALID_REQUEST', message: 'no', details: { field: 'x' } } });
    expect(letters[0]!.message).toBe('HTTP 400: INVALID_REQUEST: no');
    expect(await state()).toMatchObject({ queued: { items: 0 }, dead: { items: 2 } });
    refuse = false;
    expect(await t.page.evaluate((id) => window.uploaderTest.up!.retryDead(id), a!)).toBe(true);
    expect(await flush()).toEqual({ status: 'empty' });
    expect(await t.page.evaluate((id) => window.uploaderTest.up!.deleteDead(id), b!)).toBe(true);
    expect(await t.page.evaluate((id) => window.uploaderTest.up!.deleteDead(id), b!)).toBe(false);
    expect(await t.page.evaluate(() => window.uploaderTest.up!.deadLetters())).toEqual([]);
    expect([...s.database().keys()]).toEqual([a]);
    expect(await state()).toMatchObject({ queued: { items: 0, bytes: 0 }, dead: { items: 0, bytes: 0 } });
    const events = await t.page.evaluate(() => window.uploaderTest.events);
    expect(events.filter((e) => e.startsWith('dead'))).toEqual([`dead ${a}`, `dead ${b}`]);
  });

  it('dead-letters a 409 (another body under the same key)', async () => {
    await open(() => ({ status: 409, body: wiaError('CONFLICT', 'idempotency key reused with another body') }));
    await start();
    const [id] = await submit(1);
    await flush();
    const letters = await t.page.evaluate(() => window.uploaderTest.up!.deadLetters());
    expect(letters.map((l) => [l.id, l.reason, l.status])).toEqual([[id, 'conflict', 409]]);
  });
});

describe('offline, reload, tabs', () => {
  it('holds items while offline and drains them when the network returns', async () => {
    const s = await open();
    await start();
    await t.context.setOffline(true);
    await expect.poll(() => state()).toMatchObject({ online: false });
    const ids = await submit(3);
    expect(await flush()).toEqual({ status: 'offline' });
    expect(s.requests).toHaveLength(0);
    await t.context.setOffline(false);
    await expect.poll(() => s.stored().size).toBe(3);
    expect(s.requests.map((r) => r.key)).toEqual(ids);
    await expect.poll(() => state()).toMatchObject({ online: true, queued: { items: 0 } });
    const events = await t.page.evaluate(() => window.uploaderTest.events);
    expect(events.indexOf('offline')).toBeLessThan(events.indexOf('online'));
  });

  it('keeps the queue across a reload mid-queue; the server stores each item once', async () => {
    let held = true;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const s = await open(async () => {
      if (held) await gate;
      return undefined;
    });
    await start();
    const ids = await submit(5);
    await expect.poll(() => s.requests.length).toBe(1); // The first is in flight, held by the server.
    // Polled: state() is the queue as last read, refreshed after each submit in the background.
    await expect.poll(async () => (await state()).queued.items).toBe(5);
    await t.page.reload();
    await t.page.waitForFunction(() => document.body.dataset.ready === 'true');
    held = false;
    release();
    await start();
    await expect.poll(() => s.database().size).toBe(5);
    expect(await flush()).toEqual({ status: 'empty' });
    expect([...s.database().keys()]).toEqual(ids);
    // At least once: the request in flight at the reload is sent again after it, under the same key and with the same
    // body, so the server answers it from its first record; every other item is sent once.
    const perKey = ids.map((id) => s.requests.filter((r) => r.key === id));
    expect(perKey.map((r) => r.length)).toEqual([2, 1, 1, 1, 1]);
    expect(perKey[0]![1]!.body).toEqual(perKey[0]![0]!.body);
  });

  it('two tabs draining one queue send each item once, one request at a time', async () => {
    const s = await open(async () => {
      await new Promise((r) => setTimeout(r, 15));
      return undefined;
    });
    const second = await t.context.newPage();
    await second.goto(`${inject('pageOrigin')}/uploader.html`);
    await second.waitForFunction(() => document.body.dataset.ready === 'true');
    await start();
    await start({}, second);
    const [a, b] = await Promise.all([submit(12, 64, 48), submit(12, 64, 48, second)]);
    await expect.poll(() => s.stored().size, { timeout: 20_000 }).toBe(24);
    expect(new Set([...a, ...b]).size).toBe(24);
    // Each key reached the server exactly once: no retry was needed, and no two tabs sent the same item.
    expect(s.requests).toHaveLength(24);
    expect(s.maxInFlight).toBe(1);
    // Both tabs see the empty queue (the other tab's changes arrive over BroadcastChannel).
    await expect.poll(() => state(second)).toMatchObject({ queued: { items: 0 } });
    await expect.poll(() => state()).toMatchObject({ queued: { items: 0 } });
    await second.close();
  });
});

describe('byte budget', () => {
  it('refuses a submission over maxQueueBytes with QUEUE_FULL, and takes it once there is room', async () => {
    let hold = true;
    const s = await open(() => (hold ? { status: 503, body: wiaError('INTERNAL_ERROR', 'busy') } : undefined));
    await start({ maxQueueBytes: 40_000 });
    const outcome = await t.page.evaluate(async (scores) => {
      const up = window.uploaderTest.up!;
      const image = await window.uploaderTest.makeImage(320, 240);
      for (let i = 0; i < 100; i++) {
        try {
          await up.submit({ image, predicted: scores, corrected: scores });
        } catch (e) {
          const err = e as { code: string; details: Record<string, number> };
          return { accepted: i, code: err.code, details: err.details };
        }
      }
      return null;
    }, SCORES);
    expect(outcome).not.toBeNull();
    expect(outcome!.code).toBe('QUEUE_FULL');
    expect(outcome!.accepted).toBeGreaterThan(0);
    expect(outcome!.details.maxBytes).toBe(40_000);
    expect(outcome!.details.usedBytes).toBeLessThanOrEqual(40_000);
    expect(outcome!.details.usedBytes! + outcome!.details.itemBytes!).toBeGreaterThan(40_000);
    await expect.poll(async () => (await state()).queued.items).toBe(outcome!.accepted);
    // Room again once the line drains.
    hold = false;
    await expect.poll(() => s.database().size).toBe(outcome!.accepted);
    expect(await submitError()).toBeNull();
  });

  it("at the browser's storage quota, clear() and draining still work: removals only delete", async () => {
    let hold = true;
    const s = await open(() => (hold ? { status: 503, body: wiaError('INTERNAL_ERROR', 'busy') } : undefined));
    const cdp = await t.context.newCDPSession(t.page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: inject('pageOrigin'), quotaSize: 700 * 1024 });
    await start();
    /** Submits noise images (which JPEG cannot shrink) until the browser's quota refuses one. */
    const fill = () =>
      t.page.evaluate(async (scores) => {
        const up = window.uploaderTest.up!;
        const canvas = new OffscreenCanvas(200, 200);
        const g = canvas.getContext('2d')!;
        for (let i = 0; i < 60; i++) {
          const pixels = g.createImageData(200, 200);
          for (let j = 0; j < pixels.data.length; j++) pixels.data[j] = (Math.imul(j + 1, 2654435761 + i) >>> 24) & 255;
          g.putImageData(pixels, 0, 0);
          try {
            await up.submit({ image: await canvas.convertToBlob(), predicted: scores, corrected: scores });
          } catch (e) {
            return { accepted: i, code: (e as { code: string }).code };
          }
        }
        return { accepted: 60, code: 'none' };
      }, SCORES);
    const first = await fill();
    expect(first.code).toBe('QUEUE_FULL');
    expect(first.accepted).toBeGreaterThan(3);
    await t.page.evaluate(() => window.uploaderTest.up!.clear());
    await expect.poll(async () => (await state()).queued.items).toBe(0);
    const second = await fill();
    expect(second.code).toBe('QUEUE_FULL');
    hold = false;
    await expect.poll(() => s.database().size, { timeout: 20_000 }).toBe(second.accepted);
    await expect.poll(async () => (await state()).queued.items).toBe(0);
  });
});
