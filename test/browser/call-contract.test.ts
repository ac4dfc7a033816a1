/**
 * The call contract in a real browser: every call settles, bad options are typed errors naming the field, and
 * sizes the caller gives are in the pixels of the image it gave.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Detector } from '@emolens/core';
import { openDetectorPage, openTestPage, type TestPage } from './harness.ts';
import { happyPhoto } from './photos.ts';

let t: TestPage;
beforeAll(async () => {
  t = await openDetectorPage();
});
afterAll(async () => {
  await t?.close();
});


describe('every call settles', () => {
  it('rejects the calls in flight with DISPOSED when the detector is disposed', async () => {
    const outcome = await t.page.evaluate(async (url) => {
      const blob = await (await fetch(url)).blob();
      const detector = await window.emolens.createDetector({ backend: 'wasm' });
      const ids: string[] = [];
      const failed = (e: { code?: string; toJSON?(): { request_id: string } }) => (ids.push(e.toJSON?.().request_id ?? 'no body'), e.code ?? String(e));
      const calls = Array.from({ length: 20 }, () => detector.detect(blob).then(() => 'result', failed));
      await calls[0]; // the others are queued in the worker, one of them in the classifier
      detector.dispose();
      // A call that never settles shows up as 'pending' (the test's own guard, not a timing figure).
      const guard = new Promise<string>((r) => setTimeout(() => r('pending'), 20_000));
      const settled = await Promise.all(calls.map((c) => Promise.race([c, guard])));
      return { settled, ids, after: await detector.detect(blob).then(() => 'result', (e: { code?: string }) => e.code) };
    }, happyPhoto());
    expect(outcome.settled).not.toContain('pending');
    expect(new Set(outcome.settled.filter((s) => s !== 'result'))).toEqual(new Set(['DISPOSED']));
    expect(outcome.settled.filter((s) => s === 'DISPOSED').length).toBeGreaterThan(0);
    expect(outcome.after).toBe('DISPOSED');
    // Each call's error carries its own request id, though one dispose rejected them all.
    for (const id of outcome.ids) expect(id).toMatch(/^req_[a-z0-9]+$/);
    expect(new Set(outcome.ids).size).toBe(outcome.ids.length);
  });

  it('gives every error of a call the call’s request_id (options, request body, decoding); createDetector’s its own', async () => {
    const bodies = await t.page.evaluate(async () => {
      const detector = (window as unknown as { detector: Detector }).detector;
      const body = (p: Promise<unknown>) => p.then(() => undefined, (e: { toJSON(): { error: { code: string }; request_id: string } }) => e.toJSON());
      return [
        await body(detector.detect(new ImageData(8, 8), { maxFaces: 0 })),
        await body(detector.analyzeFace({ options: {} })),
        await body(detector.detect(new Blob(['not an image']))),
        await body(detector.profile('data:image/png;base64,@@@')),
        await body(window.emolens.createDetector({ backend: 'cuda' as 'wasm' })),
      ];
    });
    expect(bodies.map((b) => b?.error.code)).toEqual(['INVALID_REQUEST', 'INVALID_REQUEST', 'INVALID_IMAGE', 'INVALID_IMAGE', 'INVALID_REQUEST']);
    const ids = bodies.map((b) => b!.request_id);
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{16}$/);
    expect(new Set(ids).size).toBe(5);
  });
});

describe('options', () => {
  it('rejects a bad options object, callback, worker, baseUrl or signal with INVALID_REQUEST naming it', async () => {
    const fields = await t.page.evaluate(async () => {
      const detector = (window as unknown as { detector: Detector }).detector;
      const field = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string; details?: { field?: string } }) => `${e.code}:${e.details?.field}`);
      const create = (o: unknown) => field(window.emolens.createDetector(o as Parameters<typeof window.emolens.createDetector>[0]));
      const tiny = new ImageData(8, 8);
      return [
        await create(null),
        await create({ onProgress: 'nope' }),
        await create({ onError: 42 }),
        await create({ worker: 'worker.js' }),
        await create({ baseUrl: 'http://[' }),
        await create({ backend: 'cuda' }),
        await field(detector.detect(tiny, null as never)),
        await field(detector.detect(tiny, { signal: { aborted: false } as AbortSignal })),
        await field(detector.detect(tiny, { returnDimensions: 'false' as unknown as boolean })),
        await field(detector.analyzeFace({ image_base64: 'AAAA' }, null as never)),
      ];
    });
    expect(fields).toEqual([
      'INVALID_REQUEST:options',
      'INVALID_REQUEST:onProgress',
      'INVALID_REQUEST:onError',
      'INVALID_REQUEST:worker',
      'INVALID_REQUEST:baseUrl',
      'INVALID_REQUEST:backend',
      'INVALID_REQUEST:options',
      'INVALID_REQUEST:signal',
      'INVALID_REQUEST:returnDimensions',
      'INVALID_REQUEST:options',
    ]);
  });
});

describe('sizes are in source pixels', () => {
  it('keeps a face larger than minFaceSize in an image the detector downscales', async () => {
    const out = await t.page.evaluate(async (url) => {
      const detector = (window as unknown as { detector: Detector }).detector;
      const bitmap = await createImageBitmap(await (await fetch(url)).blob());
      // The photo scaled to fill most of a 4096×3072 canvas: its face is several hundred source pixels wide, and
      // the detector works on a copy downscaled to 2048 px.
      const canvas = new OffscreenCanvas(4096, 3072);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#777';
      ctx.fillRect(0, 0, 4096, 3072);
      const side = 2400;
      ctx.drawImage(bitmap, 800, 300, side, (side * bitmap.height) / bitmap.width);
      const all = await detector.detect(canvas);
      const size = Math.max(all.faces[0]!.bbox.width, all.faces[0]!.bbox.height);
      const kept = await detector.detect(canvas, { minFaceSize: Math.round(size * 0.8) });
      const dropped = await detector.detect(canvas, { minFaceSize: Math.round(size * 1.2) });
      const wia = await detector.analyzeFace({ image_base64: await toBase64(canvas), options: { min_face_size: Math.round(size * 0.8) } });
      return { faces: all.faces.length, size, kept: kept.faces.length, dropped: dropped.faces.length, wia: wia.faces.length };

      async function toBase64(c: OffscreenCanvas): Promise<string> {
        const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(binary);
      }
    }, happyPhoto());
    expect(out.faces).toBe(1);
    expect(out.size).toBeGreaterThan(600);
    expect(out).toMatchObject({ kept: 1, dropped: 0, wia: 1 });
  });
});

describe('strings', () => {
  it('decodes a percent-encoded data URL as the browser would, and refuses URL schemes it does not fetch', async () => {
    const out = await t.page.evaluate(async (url) => {
      const detector = (window as unknown as { detector: Detector }).detector;
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      let base64 = '';
      for (let i = 0; i < bytes.length; i += 0x8000) base64 += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      base64 = btoa(base64);
      const percent = 'data:image/jpeg,' + Array.from(bytes, (b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`).join('');
      const outcome = (p: Promise<{ faces: { bbox: unknown }[] }>) => p.then((r) => JSON.stringify(r.faces.map((f) => f.bbox)), (e: { code?: string; details?: { kind?: string } }) => `${e.code}:${e.details?.kind}`);
      return {
        base64: await outcome(detector.detect(base64)),
        percent: await outcome(detector.detect(percent)),
        badPercent: await outcome(detector.detect('data:image/jpeg,%E0%A4%A')),
        schemes: [
          await outcome(detector.detect('javascript:alert(1)')),
          await outcome(detector.detect('file:///etc/passwd')),
          await outcome(detector.detect('ftp://example.com/face.jpg')),
        ],
      };
    }, happyPhoto());
    expect(out.base64).toMatch(/^\[\{/);
    expect(out.percent).toBe(out.base64);
    expect(out.badPercent).toMatch(/^INVALID_IMAGE:/);
    expect(out.schemes).toEqual(['INVALID_IMAGE:unsupported_type', 'INVALID_IMAGE:unsupported_type', 'INVALID_IMAGE:unsupported_type']);
  });

  it('never fetches what a WIA request body puts in image_base64', async () => {
    const requested: string[] = [];
    const onRequest = (request: { url(): string }) => requested.push(request.url());
    t.page.on('request', onRequest);
    const out = await t.page.evaluate(async (url) => {
      const detector = (window as unknown as { detector: Detector }).detector;
      const absolute = new URL(`${url}?probe=wia-base64`, location.href).href;
      const code = (p: Promise<unknown>) => p.then(() => 'result', (e: { code?: string; details?: { kind?: string } }) => `${e.code}:${e.details?.kind}`);
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return {
        url: await code(detector.analyzeFace({ image_base64: absolute })),
        path: await code(detector.analyzeFace({ image_base64: '/probe/wia-base64.jpg' })),
        dataUrl: await code(detector.analyzeFace({ image_base64: `data:image/jpeg;base64,${btoa(binary)}` })),
      };
    }, happyPhoto());
    t.page.off('request', onRequest);
    expect(out).toEqual({ url: 'INVALID_IMAGE:invalid_base64', path: 'INVALID_IMAGE:invalid_base64', dataUrl: 'result' });
    expect(requested.filter((u) => u.includes('probe'))).toEqual([]);
  });
});

describe('a failed start', () => {
  it('leaves no uncaught error behind in the page or its workers', async () => {
    const page = await openTestPage();
    try {
      const code = await page.page.evaluate(async () =>
        window.emolens.createDetector({ backend: 'wasm', baseUrl: '/no-such-assets/' }).then(
          () => 'started',
          (e: { code?: string }) => e.code,
        ),
      );
      await new Promise((r) => setTimeout(r, 1500)); // rejections left unhandled are reported after the call settles
      expect(code).toBe('MODEL_LOAD_FAILED');
      expect(page.logs.filter((line) => /pageerror|uncaught|unhandled/i.test(line))).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('an app callback that throws', () => {
  it('is the page\'s error to report: createDetector still starts, and no worker has an uncaught error', async () => {
    const page = await openTestPage();
    try {
      const out = await page.page.evaluate(async () => {
        const reported: string[] = [];
        window.addEventListener('error', (event) => {
          reported.push(String((event.error as Error | undefined)?.message));
          event.preventDefault();
        });
        let calls = 0;
        const detector = await window.emolens.createDetector({
          backend: 'wasm',
          onProgress: () => {
            calls += 1;
            throw new Error('progress boom');
          },
        });
        detector.dispose();
        return { calls, reported };
      });
      await new Promise((r) => setTimeout(r, 1500)); // rejections left unhandled are reported after the call settles
      expect(out.calls).toBeGreaterThan(2);
      expect(out.reported).toEqual(Array.from({ length: out.calls }, () => 'progress boom'));
      expect(page.logs.filter((line) => /pageerror|uncaught|unhandled/i.test(line))).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('platform errors are typed', () => {
  it('reads an SVG <image>, refuses a cross-origin image without CORS with INVALID_IMAGE (cross_origin) and a detached array as empty, and goes on', async () => {
    const out = await t.page.evaluate(
      async ({ url, otherOrigin }) => {
        const detector = (window as unknown as { detector: Detector }).detector;
        const outcome = (p: Promise<{ faces: unknown[] }>) => p.then((r) => `faces:${r.faces.length}`, (e: { code?: string; details?: { kind?: string } }) => `${e.code}:${e.details?.kind}`);
        const img = new Image(); // another origin, no crossorigin attribute: drawable, not readable
        img.src = new URL(url, otherOrigin).href;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        canvas.getContext('2d')!.drawImage(img, 0, 0);
        const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
        structuredClone(bytes.buffer, { transfer: [bytes.buffer] }); // detaches it
        const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
        const image = document.createElementNS('http://www.w3.org/2000/svg', 'image');
        image.setAttribute('width', String(img.naturalWidth));
        image.setAttribute('height', String(img.naturalHeight));
        const loaded = new Promise((r) => image.addEventListener('load', r, { once: true }));
        image.setAttribute('href', url);
        svg.append(image);
        document.body.append(svg);
        await loaded;
        const svgImage = await outcome(detector.detect(image as unknown as HTMLImageElement));
        svg.remove();
        return {
          svgImage,
          img: await outcome(detector.detect(img)),
          canvas: await outcome(detector.detect(canvas)),
          detached: await outcome(detector.detect(bytes)),
          after: await outcome(detector.detect(url)),
        };
      },
      { url: happyPhoto(), otherOrigin: inject('isolatedOrigin') },
    );
    expect(out).toEqual({ svgImage: 'faces:1', img: 'INVALID_IMAGE:cross_origin', canvas: 'INVALID_IMAGE:cross_origin', detached: 'INVALID_IMAGE:empty', after: 'faces:1' });
  });
});

describe('deadlines', () => {
  it('sends no frame to a worker still busy with calls given up on: retrying on a 1 ms deadline cannot pile frames up', async () => {
    const out = await t.page.evaluate(async (url) => {
      const detector = (window as unknown as { detector: Detector }).detector;
      const photo = await createImageBitmap(await (await fetch(url)).blob());
      const canvas = Object.assign(document.createElement('canvas'), { width: photo.width, height: photo.height });
      canvas.getContext('2d')!.drawImage(photo, 0, 0);
      // Frames sent to the worker: the messages that transfer an ImageBitmap.
      let sent = 0;
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: unknown) {
        if (Array.isArray(transfer) && transfer.some((item) => item instanceof ImageBitmap)) sent++;
        return (post as (message: unknown, transfer?: unknown) => void).call(this, message, transfer);
      } as typeof Worker.prototype.postMessage;
      try {
        const loop = async (timeoutMs?: number) => {
          const counts = { results: 0, timeouts: 0, other: 0, sent: 0 };
          const sentBefore = sent;
          for (const end = performance.now() + 2000; performance.now() < end; ) {
            await detector.detect(canvas, { returnActionUnits: true, ...(timeoutMs === undefined ? {} : { timeoutMs }) }).then(
              () => counts.results++,
              (e: { code: string }) => (e.code === 'TIMEOUT' ? counts.timeouts++ : counts.other++),
            );
          }
          counts.sent = sent - sentBefore;
          return counts;
        };
        const paced = await loop();
        const late = await loop(1);
        const after = await detector.detect(canvas).then((r) => r.faces.length, (e: { code: string }) => e.code);
        return { paced, late, after };
      } finally {
        Worker.prototype.postMessage = post;
      }
    }, happyPhoto());
    expect(out.after).toBe(1);
    expect(out.paced.results).toBeGreaterThan(5);
    expect(out.paced.sent).toBe(out.paced.results);
    expect(out.late.other).toBe(0);
    // Many more calls than the worker could have taken, each given up on after 1 ms…
    expect(out.late.timeouts, JSON.stringify(out)).toBeGreaterThan(4 * out.paced.results);
    // …but frames went to the worker only as it became free: most calls gave up before sending one.
    expect(out.late.sent, JSON.stringify(out)).toBeLessThanOrEqual(out.late.timeouts / 4);
    expect(out.late.sent, JSON.stringify(out)).toBeLessThanOrEqual(5 * out.paced.results + 10);
  });

  it('rejects with TIMEOUT and cancels the download when a URL never answers or a lazy <img> never loads', async () => {
    const failed: string[] = [];
    const onFailed = (request: { url(): string }) => failed.push(request.url());
    t.page.on('requestfailed', onFailed);
    await t.page.route('**/never-answers.jpg', () => undefined); // the request is held, never answered
    try {
      const out = await t.page.evaluate(async (url) => {
        const detector = (window as unknown as { detector: Detector }).detector;
        const outcome = (p: Promise<{ faces: unknown[] }>) => p.then((r) => `faces:${r.faces.length}`, (e: { code?: string }) => e.code);
        const lazy = document.createElement('img');
        lazy.loading = 'lazy';
        lazy.src = `${url}?lazy`;
        const spacer = document.createElement('div');
        spacer.style.height = '20000px';
        document.body.append(spacer, lazy); // far below the fold: the browser does not load it
        const never = await outcome(detector.detect('/never-answers.jpg', { timeoutMs: 500 }));
        const lazyImg = await outcome(detector.detect(lazy, { timeoutMs: 500 }));
        spacer.remove();
        lazy.remove();
        return { never, lazyImg, after: await outcome(detector.detect(url)) };
      }, happyPhoto());
      expect(out).toMatchObject({ never: 'TIMEOUT', lazyImg: 'TIMEOUT', after: 'faces:1' });
      await expect.poll(() => failed.some((u) => u.includes('never-answers'))).toBe(true);
    } finally {
      t.page.off('requestfailed', onFailed);
      await t.page.unroute('**/never-answers.jpg');
    }
  });
});
