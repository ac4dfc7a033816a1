/**
 * Every input form `detect` takes gives the same face, and the SDK survives what goes wrong around a
 * call: abort, a huge image, a crashed worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detector } from '@emolens/core';
import { openDetectorPage, type TestPage } from './harness.ts';
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { encodeBmp } from '../fixtures/encoders.ts';
import { happyPhoto, happyPhotoPath } from './photos.ts';

let t: TestPage;
beforeAll(async () => {
  t = await openDetectorPage();
});
afterAll(async () => {
  await t?.close();
});


describe('input forms', () => {
  it('gives the same face for a Blob, bytes, data URL, base64, URL, ImageBitmap, ImageData, <img>, <canvas>, OffscreenCanvas, <video> and VideoFrame', async () => {
    const out = await t.page.evaluate(async (url) => {
      const detector = (window as unknown as { detector: Detector }).detector;
      const blob = await (await fetch(url)).blob();
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      const base64 = btoa(binary);
      const bitmap = await createImageBitmap(blob);
      const canvas = document.createElement('canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      const offscreen = new OffscreenCanvas(bitmap.width, bitmap.height);
      offscreen.getContext('2d')!.drawImage(bitmap, 0, 0);
      const imageData = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const img = new Image();
      img.src = URL.createObjectURL(blob);
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = canvas.captureStream(10);
      await video.play();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const frame = new VideoFrame(canvas, { timestamp: 0 });
      const inputs: [string, import('@emolens/core').ImageInput][] = [
        ['Blob', blob], ['ArrayBuffer', bytes.buffer], ['Uint8Array', bytes], ['data URL', `data:image/jpeg;base64,${base64}`],
        ['base64', base64], ['URL', url], ['ImageBitmap', bitmap], ['ImageData', imageData as unknown as ImageBitmap], ['img', img],
        ['canvas', canvas], ['OffscreenCanvas', offscreen], ['video', video], ['VideoFrame', frame],
      ];
      const boxes: Record<string, unknown> = {};
      for (const [name, input] of inputs) {
        try {
          boxes[name] = (await detector.detect(input)).faces.map((f) => f.bbox);
        } catch (e) {
          boxes[name] = `${(e as { code: string }).code}: ${(e as { details: { reason: string } }).details.reason}`;
        }
      }
      frame.close();
      // The caller's ImageBitmap is copied, never detached.
      return { boxes, bitmapStillUsable: bitmap.width > 0 && bitmap.height > 0, size: [bitmap.width, bitmap.height] };
    }, happyPhoto());
    expect(out.bitmapStillUsable).toBe(true);
    const reference = (out.boxes['Blob'] as { x: number; y: number; width: number; height: number }[])[0]!;
    for (const [name, boxes] of Object.entries(out.boxes)) {
      const list = boxes as (typeof reference)[];
      expect(list, name).toHaveLength(1);
      for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(list[0]![key] - reference[key]), `${name}.${key}`).toBeLessThanOrEqual(3);
    }
  });
});

describe('what the caller does after the call', () => {
  it('answers for the input as it was at the call: buffers reused, canvases redrawn, bitmaps and frames closed right after', async () => {
    const out = await t.page.evaluate(async (url) => {
      const detector = (window as unknown as { detector: Detector }).detector;
      const blob = await (await fetch(url)).blob();
      const bitmap = await createImageBitmap(blob);
      const { width, height } = bitmap;
      const draw = <T extends HTMLCanvasElement | OffscreenCanvas>(canvas: T) => {
        canvas.width = width;
        canvas.height = height;
        (canvas.getContext('2d') as CanvasRenderingContext2D).drawImage(bitmap, 0, 0);
        return canvas;
      };
      const grey = (canvas: HTMLCanvasElement | OffscreenCanvas) => {
        const context = canvas.getContext('2d') as CanvasRenderingContext2D;
        context.fillStyle = '#808080';
        context.fillRect(0, 0, width, height);
      };
      const boxes = async (call: Promise<import('@emolens/schema').WiaFaceResult>) =>
        call.then((r) => r.faces.map((f) => f.bbox), (e: { code: string; details: { reason: string } }) => `${e.code}: ${e.details.reason}`);
      const reference = await boxes(detector.detect(blob));
      // Each case calls detect, then at once (no await in between) spoils what it passed.
      const cases: Record<string, () => Promise<unknown>> = {
        Uint8Array: () => blob.arrayBuffer().then((buffer) => {
          const view = new Uint8Array(buffer, 0, buffer.byteLength);
          const call = boxes(detector.detect(view));
          view.fill(0);
          return call;
        }),
        ArrayBuffer: () => blob.arrayBuffer().then((buffer) => {
          const call = boxes(detector.detect(buffer));
          new Uint8Array(buffer).fill(0);
          return call;
        }),
        canvas: () => {
          const canvas = draw(document.createElement('canvas'));
          const call = boxes(detector.detect(canvas));
          grey(canvas);
          return call;
        },
        OffscreenCanvas: () => {
          const canvas = draw(new OffscreenCanvas(1, 1));
          const call = boxes(detector.detect(canvas));
          grey(canvas);
          return call;
        },
        ImageData: () => {
          const data = (draw(document.createElement('canvas')).getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, width, height);
          const call = boxes(detector.detect(data as unknown as ImageBitmap));
          data.data.fill(128);
          return call;
        },
        ImageBitmap: () => createImageBitmap(bitmap).then((own) => {
          const call = boxes(detector.detect(own));
          own.close();
          return call;
        }),
        VideoFrame: () => {
          const frame = new VideoFrame(bitmap, { timestamp: 0 });
          const call = boxes(detector.detect(frame));
          frame.close();
          return call;
        },
      };
      const after: Record<string, unknown> = {};
      for (const [name, run] of Object.entries(cases)) after[name] = await run();
      return { reference, after };
    }, happyPhoto());
    const reference = (out.reference as { x: number; y: number; width: number; height: number }[])[0]!;
    expect(reference).toBeDefined();
    for (const [name, boxes] of Object.entries(out.after)) {
      expect(Array.isArray(boxes) ? boxes.length : boxes, name).toBe(1);
      const box = (boxes as (typeof reference)[])[0]!;
      for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(box[key] - reference[key]), `${name}.${key}`).toBeLessThanOrEqual(3);
    }
  });
});

describe('inputs as the platform takes them', () => {
  it('finds the face upright in a VideoFrame turned a quarter (a rotated camera track or decoder output)', async () => {
    const out = await t.page.evaluate(async (url) => {
      const detector = (window as unknown as { detector: Detector }).detector;
      // A wide picture (a square one comes out right even when turned wrong): the photo on a grey 2:1 canvas.
      const photo = await createImageBitmap(await (await fetch(url)).blob());
      const wide = new OffscreenCanvas(photo.height * 2, photo.height);
      const paint = wide.getContext('2d')!;
      paint.fillStyle = '#808080';
      paint.fillRect(0, 0, wide.width, wide.height);
      paint.drawImage(photo, photo.height / 4, 0);
      const bitmap = wide.transferToImageBitmap();
      const { width, height } = bitmap;
      // Pixels turned back by `degrees`, so that the frame, shown turned by them, is upright.
      const coded = (degrees: number) => {
        const quarter = degrees % 180 !== 0;
        const canvas = new OffscreenCanvas(quarter ? height : width, quarter ? width : height);
        const context = canvas.getContext('2d')!;
        context.translate(canvas.width / 2, canvas.height / 2);
        context.rotate((-degrees * Math.PI) / 180);
        context.drawImage(bitmap, -width / 2, -height / 2);
        return canvas;
      };
      const result: Record<string, unknown> = {};
      for (const degrees of [0, 90, 180, 270]) {
        // As a decoder gives it: a frame of the coded pixels, and its rotation.
        const pixels = new VideoFrame(coded(degrees), { timestamp: 0 });
        const frame = new VideoFrame(pixels, { rotation: degrees } as VideoFrameInit);
        pixels.close();
        try {
          result[degrees] = { display: [frame.displayWidth, frame.displayHeight], boxes: (await detector.detect(frame)).faces.map((f) => f.bbox) };
        } finally {
          frame.close();
        }
      }
      return { size: [width, height], result };
    }, happyPhoto());
    const upright = (out.result[0] as { boxes: { x: number; y: number; width: number; height: number }[] }).boxes[0]!;
    expect(upright).toBeDefined();
    for (const degrees of [90, 180, 270]) {
      const { display, boxes } = out.result[degrees] as { display: number[]; boxes: (typeof upright)[] };
      expect(display, `${degrees}°`).toEqual(out.size);
      expect(boxes, `${degrees}°`).toHaveLength(1);
      for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(boxes[0]![key] - upright[key]), `${degrees}°.${key}`).toBeLessThanOrEqual(4);
    }
  });

  it('takes inputs and signals made in another realm (a same-origin iframe), and an SVG <image> sized by its picture', async () => {
    const out = await t.page.evaluate(async (url) => {
      const detector = (window as unknown as { detector: Detector }).detector;
      const frame = document.createElement('iframe');
      document.body.append(frame);
      const other = frame.contentWindow as unknown as typeof globalThis;
      const bytes = await (await fetch(url)).arrayBuffer();
      const image = other.document.createElement('img');
      image.src = URL.createObjectURL(new Blob([bytes]));
      await image.decode();
      const canvas = other.document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      canvas.getContext('2d')!.drawImage(image, 0, 0);
      const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      const svgImage = document.createElementNS('http://www.w3.org/2000/svg', 'image');
      svgImage.setAttribute('href', image.src);
      svg.append(svgImage);
      document.body.append(svg);
      await new Promise((resolve) => svgImage.addEventListener('load', resolve, { once: true }));
      const inputs: Record<string, unknown> = {
        Blob: new other.Blob([bytes]),
        File: new other.File([bytes], 'face.jpg'),
        ArrayBuffer: new other.Uint8Array(bytes).buffer.slice(0),
        img: image,
        canvas,
        ImageData: canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height),
        ImageBitmap: await other.createImageBitmap(canvas),
        VideoFrame: new other.VideoFrame(canvas, { timestamp: 0 }),
        'SVG <image> with no size': svgImage,
      };
      const faces: Record<string, unknown> = {};
      for (const [name, input] of Object.entries(inputs)) {
        faces[name] = await detector.detect(input as ImageBitmap).then((r) => r.faces.length, (e: { code: string; details: { reason: string } }) => `${e.code}: ${e.details.reason}`);
      }
      const aborted = new other.AbortController();
      aborted.abort();
      const signal = await detector.detect(inputs['Blob'] as Blob, { signal: aborted.signal }).then(() => 'resolved', (e: { code: string }) => e.code);
      const live = await detector.detect(inputs['Blob'] as Blob, { signal: new other.AbortController().signal }).then((r) => r.faces.length, (e: { code: string }) => e.code);
      return { faces, signal, live };
    }, happyPhoto());
    for (const [name, faces] of Object.entries(out.faces)) expect(faces, name).toBe(1);
    expect(out.signal).toBe('ABORTED');
    expect(out.live).toBe(1);
  });
});

describe('files as browsers read them', () => {
  it('reads data URLs as fetch does, an OS/2 bitmap, and refuses from the header a bomb behind a stray byte or a signature followed by markup', async () => {
    const out = await t.page.evaluate(async ({ url, os2Bitmap }) => {
      const detector = (window as unknown as { detector: Detector }).detector;
      const file = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const outcome = (input: Blob | string) =>
        detector.detect(input).then((r) => r.faces.length, (e: { code: string; details: { kind: string; width?: number } }) => `${e.code} ${e.details.kind}${e.details.width ? ` ${e.details.width}` : ''}`);
      let binary = '';
      for (const b of file) binary += String.fromCharCode(b);
      const base64 = btoa(binary);
      const dataUrls = {
        'space before base64': `data:image/jpeg; base64,${base64}`,
        'space after base64': `data:image/jpeg;base64 ,${base64}`,
        'upper case': `data:image/jpeg;  BASE64,${base64}`,
        'percent-escaped + and /': `data:image/jpeg;base64,${base64.replace(/\+/g, '%2B').replace(/\//g, '%2F')}`,
      };
      const results: Record<string, unknown> = {};
      for (const [name, dataUrl] of Object.entries(dataUrls)) results[name] = await outcome(dataUrl);

      results['OS/2 bitmap'] = await outcome(new Blob([Uint8Array.from(os2Bitmap)]));

      // The photo's JPEG claiming 20000 × 20000 in its frame header, with one stray byte after its first segment.
      const bomb = new Uint8Array(file.length + 1);
      const first = 4 + ((file[4]! << 8) | file[5]!);
      bomb.set(file.subarray(0, first));
      bomb[first] = 0;
      bomb.set(file.subarray(first), first + 1);
      for (let at = 2; at < bomb.length - 9; at++) {
        if (bomb[at] === 0xff && [0xc0, 0xc1, 0xc2].includes(bomb[at + 1]!)) {
          bomb.set([0x4e, 0x20, 0x4e, 0x20], at + 5);
          break;
        }
      }
      results['stray byte before a huge frame'] = await outcome(new Blob([bomb]));
      results['PNG signature then HTML'] = await outcome(new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), '<html><body>hello</body></html>']));
      return results;
    }, { url: happyPhoto(), os2Bitmap: [...encodeBmp(jpeg.decode(readFileSync(happyPhotoPath()), { useTArray: true, formatAsRGBA: true }), { os2: true })] });
    expect(out).toEqual({
      'space before base64': 1,
      'space after base64': 1,
      'upper case': 1,
      'percent-escaped + and /': 1,
      'OS/2 bitmap': 1,
      'stray byte before a huge frame': 'IMAGE_TOO_LARGE too_large 20000',
      'PNG signature then HTML': 'INVALID_IMAGE undecodable',
    });
  });
});

describe('around a call', () => {
  it('rejects with ABORTED when the signal fires (before or during the call), and the detector stays usable', async () => {
    const out = await t.page.evaluate(async (url) => {
      const detector = (window as unknown as { detector: Detector }).detector;
      const blob = await (await fetch(url)).blob();
      const code = async (p: Promise<unknown>) => p.then(() => 'resolved', (e) => (e as { code: string }).code);
      const before = new AbortController();
      before.abort();
      const during = new AbortController();
      const pending = code(detector.detect(blob, { signal: during.signal }));
      during.abort();
      return { before: await code(detector.detect(blob, { signal: before.signal })), during: await pending, after: (await detector.detect(blob)).faces.length };
    }, happyPhoto());
    expect(out).toEqual({ before: 'ABORTED', during: 'ABORTED', after: 1 });
  });

  it('downscales a very large image for detection and reports the box in source pixels', async () => {
    const out = await t.page.evaluate(async (url) => {
      const detector = (window as unknown as { detector: Detector }).detector;
      const photo = await createImageBitmap(await (await fetch(url)).blob());
      const small = (await detector.detect(photo)).faces[0]!.bbox;
      // The same photo, 8× larger, at (1000, 500) in a 6000×4000 image.
      const canvas = new OffscreenCanvas(6000, 4000);
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#777';
      g.fillRect(0, 0, 6000, 4000);
      g.drawImage(photo, 1000, 500, photo.width * 8, photo.height * 8);
      const big = (await detector.detect(await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 }))).faces;
      return { small, big: big.map((f) => f.bbox) };
    }, happyPhoto());
    expect(out.big).toHaveLength(1);
    const b = out.big[0]!;
    const expected = { x: 1000 + out.small.x * 8, y: 500 + out.small.y * 8, width: out.small.width * 8, height: out.small.height * 8 };
    for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(b[key] - expected[key]), key).toBeLessThan(0.08 * expected.width);
  });

  it('refuses images over the pixel cap with IMAGE_TOO_LARGE, from the header alone for encoded files', async () => {
    const out = await t.page.evaluate(async () => {
      const code = async (p: Promise<unknown>) => p.then(() => 'resolved', (e) => [(e as { code: string }).code, (e as { details: { kind: string } }).details.kind].join(':'));
      const detector = (window as unknown as { detector: Detector }).detector;
      // A PNG header that claims 20000×20000, followed by nothing decodable.
      const header = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20, 8, 2, 0, 0, 0]);
      const huge = await code(detector.detect(new Blob([header])));
      const capped = await window.emolens.createDetector({ backend: 'wasm', maxPixels: 10_000 });
      const canvas = new OffscreenCanvas(640, 480);
      canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
      const overCap = await code(capped.detect(canvas));
      capped.dispose();
      return { huge, overCap };
    });
    expect(out.huge).toBe('IMAGE_TOO_LARGE:too_large');
    expect(out.overCap).toBe('IMAGE_TOO_LARGE:too_large');
  });

  it('notices a crashed worker, reports it once, and starts a new worker on the next call', async () => {
    const out = await t.page.evaluate(async (url) => {
      const errors: { code: string; kind: unknown }[] = [];
      const detector = await window.emolens.createDetector({ backend: 'wasm', onError: (e) => errors.push({ code: e.code, kind: e.details.kind }) });
      const blob = await (await fetch(url)).blob();
      const before = (await detector.detect(blob)).faces.length;
      // The testing hook throws an uncaught error inside the worker, as a crash does.
      const host = (detector as unknown as { host: { call(f: (api: { crashForTesting(): Promise<void> }) => Promise<void>): Promise<void> } }).host;
      await host.call((api) => api.crashForTesting());
      for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const after = (await detector.detect(blob)).faces.length;
      const again = (await detector.detect(blob)).faces.length;
      detector.dispose();
      return { before, errors, after, again };
    }, happyPhoto());
    expect(out.before).toBe(1);
    expect(out.errors).toEqual([{ code: 'INTERNAL_ERROR', kind: 'worker_crashed' }]);
    expect(out.after).toBe(1);
    expect(out.again).toBe(1);
  });

  it('notices a crashed classifier worker the same way: reported once, both workers restarted on the next call', async () => {
    const out = await t.page.evaluate(async (url) => {
      const errors: { code: string; kind: unknown }[] = [];
      const detector = await window.emolens.createDetector({ backend: 'wasm', onError: (e) => errors.push({ code: e.code, kind: e.details.kind }) });
      const blob = await (await fetch(url)).blob();
      const before = (await detector.detect(blob)).faces.length;
      const host = (detector as unknown as { host: { call(f: (api: { crashForTesting(target: string): Promise<void> }) => Promise<void>): Promise<void> } }).host;
      await host.call((api) => api.crashForTesting('inference'));
      for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const after = await detector.detect(blob);
      detector.dispose();
      return { before, errors, after: after.faces.length, emotion: after.faces[0]?.emotions.primary.label ?? null, placement: detector.classifierPlacement };
    }, happyPhoto());
    expect(out.before).toBe(1);
    expect(out.errors).toEqual([{ code: 'INTERNAL_ERROR', kind: 'worker_crashed' }]);
    expect(out.after).toBe(1);
    expect(out.emotion).toEqual(expect.any(String));
    expect(out.placement).toBe('worker');
  });
});
