/**
 * `openVideoFrames` (packages/core/dist/video/) in real Chromium, on videos made in the page with known frames
 * (video-fixture.ts): the frame count, each delivered frame's index, timestamp and pixels (its index is drawn in
 * it) for every sample rate and window, in WebM (VP8, VP9) and MP4 (H.264); every way a file or a read goes wrong
 * gives a typed error (or the documented partial result) in seconds, never a hang; abort stops the decoder; and
 * the decoder waits for a consumer that does not pull.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoFramesOptions } from '../../packages/core/src/video/video-frames.ts';
import { openTestPage, type TestPage } from './harness.ts';
import type { ReadRecord } from './page/video-frames.ts';
import { canEncodeVideo, makeTestVideo, makeUnsupportedVideo, type FixtureCodec, type TestVideo } from './video-fixture.ts';

type PageModule = typeof import('./page/video-frames.ts');
type Videos = { testVideos: Record<string, Blob> };

/** The page module that reads videos, on the test server. */
const READER = '/video-frames.ts';
/** Every error must come within this (a file that makes the decoder wait is a hang). */
const SECONDS = 5_000;

let t: TestPage;
const videos: Partial<Record<FixtureCodec, TestVideo>> = {};

beforeAll(async () => {
  // The video page (`page/video.html`) is a module loader only: no SDK is started.
  t = await openTestPage({ path: 'video.html' });
  videos.vp8 = await makeTestVideo(t.page, { codec: 'vp8' });
  videos.vp9 = await makeTestVideo(t.page, { codec: 'vp9' });
  if (await canEncodeVideo(t.page, 'avc')) videos.avc = await makeTestVideo(t.page, { codec: 'avc' });
  else console.warn('This Chromium has no H.264 encoder: the MP4 cases are skipped.');
});
afterAll(async () => {
  await t?.close();
});

/** Reads the page's video `name` with `options`; `pauseMs`: a consumer that takes that long over each frame. */
function read(name: string, options: VideoFramesOptions, pauseMs = 0): Promise<ReadRecord> {
  return t.page.evaluate(
    async ({ reader, name, options, deadlineMs, pauseMs }) => {
      const m = (await window.loadModule(reader)) as PageModule;
      const afterFrame = pauseMs > 0 ? () => new Promise((resolve) => setTimeout(resolve, pauseMs)) : undefined;
      return m.readVideo((window as unknown as Videos).testVideos[name]!, options, { deadlineMs, ...(afterFrame ? { afterFrame } : {}) });
    },
    { reader: READER, name, options, deadlineMs: SECONDS, pauseMs },
  );
}

/** Frames `first, first + step, …` below `end` of `video`, as a read records them. */
function expected(video: TestVideo, first: number, end: number, step: number) {
  const frames = [];
  for (let i = first; i < end; i += step) frames.push({ index: i, marker: i, width: video.width, height: video.height });
  return frames;
}

describe.each(['vp8', 'vp9', 'avc'] as const)('%s', (codec) => {
  const video = () => videos[codec]!;
  const skip = (context: { skip: (note?: string) => void }) => {
    if (!videos[codec]) context.skip('this Chromium cannot encode it');
  };

  it('gives the frame count of the whole track, its duration, size and codec', async (context) => {
    skip(context);
    const out = await read(codec, { sampleRate: 1, startMs: 0 });
    expect(out.error).toBeUndefined();
    expect(out).toMatchObject({ frameCount: 90, durationMs: 3000, width: 640, height: 480 });
    expect(out.codec).toMatch({ vp8: /^vp8$/, vp9: /^vp09\./, avc: /^avc1\./ }[codec]);
  });

  it.for([1, 5, 7])('sampleRate %i: delivers those frames with their own index, timestamp and pixels', async (sampleRate, context) => {
    skip(context);
    const out = await read(codec, { sampleRate, startMs: 0 });
    expect(out.error).toBeUndefined();
    expect(out.frames.map(({ index, marker, width, height }) => ({ index, marker, width, height }))).toEqual(expected(video(), 0, 90, sampleRate));
    for (const frame of out.frames) expect(frame.timestampMs, `frame ${frame.index}`).toBeCloseTo(video().timestampsMs[frame.index]!, 3);
  });

  it('counts the rate from the first frame at or after startMs, decoding from the key frame before it, and stops before endMs', async (context) => {
    skip(context);
    // Key frames are at 0, 30, 60. 1010 ms falls between frame 30 (1000 ms) and 31 (1033 ms): 31 is the first.
    const cases: [VideoFramesOptions, [number, number, number]][] = [
      [{ sampleRate: 5, startMs: 500, endMs: 1500 }, [15, 45, 5]],
      [{ sampleRate: 7, startMs: 1010, endMs: 2000 }, [31, 60, 7]],
      [{ sampleRate: 1, startMs: 2900 }, [87, 90, 1]],
      [{ sampleRate: 4, startMs: 0, endMs: 1e9 }, [0, 90, 4]],
    ];
    for (const [options, [first, end, step]] of cases) {
      const out = await read(codec, options);
      expect(out.error, JSON.stringify(options)).toBeUndefined();
      expect(out.frameCount).toBe(90);
      expect(out.frames.map(({ index, marker, width, height }) => ({ index, marker, width, height })), JSON.stringify(options)).toEqual(expected(video(), first, end, step));
      for (const frame of out.frames) expect(frame.timestampMs).toBeCloseTo(video().timestampsMs[frame.index]!, 3);
    }
  });

  it('delivers nothing for a window after the last frame', async (context) => {
    skip(context);
    const out = await read(codec, { sampleRate: 1, startMs: 3500 });
    expect(out).toMatchObject({ frameCount: 90, frames: [] });
    expect(out.error).toBeUndefined();
  });
});

describe('rotation', () => {
  it.for([90, 270] as const)('delivers the frames of a video rotated %i° upright, at their display size', async (rotation) => {
    await makeTestVideo(t.page, { codec: 'vp8', name: `rotated-${rotation}`, rotation, segments: [{ label: 'happy', seconds: 0.5 }] });
    const out = await t.page.evaluate(
      async ({ reader, name, rotation, deadlineMs }) => {
        const m = (await window.loadModule(reader)) as PageModule;
        return m.readVideo((window as unknown as Videos).testVideos[name]!, { sampleRate: 3, startMs: 0 }, { deadlineMs, rotation });
      },
      { reader: READER, name: `rotated-${rotation}`, rotation, deadlineMs: SECONDS },
    );
    expect(out.error).toBeUndefined();
    expect(out).toMatchObject({ frameCount: 15, width: 480, height: 640 });
    expect(out.frames.map(({ index, marker, width, height }) => ({ index, marker, width, height }))).toEqual(
      [0, 3, 6, 9, 12].map((i) => ({ index: i, marker: i, width: 480, height: 640 })),
    );
  });
});

describe('edit lists', () => {
  it("starts an MP4 cut with an edit list where a player does: its pre-roll frames are decoded, never delivered", async (context) => {
    if (!videos.avc) context.skip('this Chromium cannot encode H.264');
    // Frames 0–9 (the key frame among them) lie before the start: the video is frames 10–89, from 0 ms.
    const cut = await makeTestVideo(t.page, { codec: 'avc', name: 'avc-pre-roll', preRollFrames: 10 });
    const whole = await read(cut.name, { sampleRate: 1, startMs: 0 });
    expect(whole.error).toBeUndefined();
    expect(whole).toMatchObject({ frameCount: 80, durationMs: expect.closeTo(2666.667, 2) });
    expect(whole.frames.map(({ index, marker }) => ({ index, marker }))).toEqual(Array.from({ length: 80 }, (_, i) => ({ index: i, marker: i + 10 })));
    for (const frame of whole.frames) expect(frame.timestampMs, `frame ${frame.index}`).toBeCloseTo((frame.index * 1000) / 30, 3);
    // 500 ms is the 16th frame shown (marker 25), decoded from the key frame at -333 ms.
    const window = await read(cut.name, { sampleRate: 5, startMs: 500, endMs: 1000 });
    expect(window.frames.map(({ index, marker }) => ({ index, marker }))).toEqual([15, 20, 25].map((i) => ({ index: i, marker: i + 10 })));
  });
});

describe('inputs', () => {
  it('reads a URL (relative, blob:) and a <video> playing a file, and caps a download at maxBytes', async () => {
    await t.context.route('**/clips/**', (route) =>
      route.request().url().endsWith('/clips/clip.webm') ? route.fulfill({ status: 200, body: Buffer.from(videos.vp8!.bytes), headers: { 'content-type': 'video/webm' } }) : route.fulfill({ status: 404, body: 'no' }),
    );
    const out = await t.page.evaluate(
      async ({ reader, deadlineMs }) => {
        const m = (await window.loadModule(reader)) as PageModule;
        const blob = (window as unknown as Videos).testVideos['vp8']!;
        const options = { sampleRate: 30, startMs: 0 };
        const video = document.createElement('video');
        video.muted = true;
        video.src = '/clips/clip.webm';
        const indices = (r: ReadRecord) => r.error ?? r.frames.map((f) => f.marker);
        return {
          relative: indices(await m.readVideo('clips/clip.webm', options, { deadlineMs })),
          absolute: indices(await m.readVideo(new URL('/clips/clip.webm', location.href).href, options, { deadlineMs })),
          blobUrl: indices(await m.readVideo(URL.createObjectURL(blob), options, { deadlineMs })),
          element: indices(await m.readVideo(video, options, { deadlineMs })),
          file: indices(await m.readVideo(new File([blob], 'clip.webm'), options, { deadlineMs })),
          tooLarge: (await m.readVideo('/clips/clip.webm', { ...options, maxBytes: 1000 }, { deadlineMs })).error,
          missing: (await m.readVideo('/clips/none.webm', options, { deadlineMs })).error,
        };
      },
      { reader: READER, deadlineMs: SECONDS },
    );
    for (const key of ['relative', 'absolute', 'blobUrl', 'element', 'file'] as const) expect(out[key], key).toEqual([0, 30, 60]);
    expect(out.tooLarge).toMatchObject({ code: 'IMAGE_TOO_LARGE', details: { field: 'video', kind: 'too_large', maxBytes: 1000 } });
    expect(out.missing).toMatchObject({ code: 'INVALID_IMAGE', details: { field: 'video', kind: 'fetch_failed', status: 404 } });
  });

  it('refuses what is not a video input, a <video> showing a MediaStream, and options out of range', async () => {
    const out = await t.page.evaluate(
      async ({ reader, deadlineMs }) => {
        const m = (await window.loadModule(reader)) as PageModule;
        const blob = (window as unknown as Videos).testVideos['vp8']!;
        const canvas = document.createElement('canvas');
        canvas.getContext('2d')!.fillRect(0, 0, 10, 10);
        const live = document.createElement('video');
        live.srcObject = canvas.captureStream(10);
        const options = { sampleRate: 1, startMs: 0 };
        const error = async (input: unknown, o: object = options) => (await m.readVideo(input as Blob, o as typeof options, { deadlineMs })).error;
        return {
          undefined: await error(undefined),
          empty: await error('  '),
          number: await error(42),
          script: await error('javascript:alert(1)'),
          unset: await error(document.createElement('video')),
          fake: await error(Object.create(HTMLVideoElement.prototype)),
          proxy: await error(new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } })),
          live: await error(live),
          noOptions: await error(blob, null as unknown as object),
          rate: await error(blob, { sampleRate: 0, startMs: 0 }),
          start: await error(blob, { sampleRate: 1, startMs: -5 }),
          end: await error(blob, { sampleRate: 1, startMs: 100, endMs: 50 }),
        };
      },
      { reader: READER, deadlineMs: SECONDS },
    );
    expect(out.undefined).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'video', kind: 'missing_image' } });
    expect(out.empty).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'video', kind: 'missing_image' } });
    expect(out.number).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'video', kind: 'unsupported_type' } });
    expect(out.script).toMatchObject({ code: 'INVALID_IMAGE', details: { field: 'video', kind: 'unsupported_type' } });
    expect(out.unset).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'video', kind: 'missing_image' } });
    expect(out.fake).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'video', kind: 'unsupported_type' } });
    expect(out.proxy).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'video', kind: 'unsupported_type' } });
    expect(out.live).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'video', kind: 'unsupported_type' } });
    expect(out.live!.details['suggestion']).toContain('detector.stream()');
    expect(out.noOptions).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'options' } });
    expect(out.rate).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'sampleRate' } });
    expect(out.start).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'startMs' } });
    expect(out.end).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'endMs' } });
  });
});

describe('files that are not (whole) videos', () => {
  it('refuses a PNG posing as a video, random bytes, an empty Blob and a codec this browser cannot decode, in seconds', async () => {
    await makeUnsupportedVideo(t.page);
    const out = await t.page.evaluate(
      async ({ reader, deadlineMs }) => {
        const m = (await window.loadModule(reader)) as PageModule;
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = 64;
        canvas.getContext('2d')!.fillRect(0, 0, 32, 32);
        const png = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
        let seed = 7;
        const random = new Uint8Array(256 * 1024).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
        const options = { sampleRate: 1, startMs: 0 };
        const error = async (blob: Blob) => {
          const r = await m.readVideo(blob, options, { deadlineMs });
          return { ...r.error, ms: r.ms };
        };
        return {
          png: await error(new File([png], 'clip.mp4', { type: 'video/mp4' })),
          random: await error(new Blob([random], { type: 'video/webm' })),
          empty: await error(new Blob([], { type: 'video/webm' })),
          hevc: await error((window as unknown as Videos).testVideos['hevc']!),
          hevcDecodable: (await VideoDecoder.isConfigSupported({ codec: 'hev1.1.6.L93.90', codedWidth: 640, codedHeight: 480 })).supported === true,
        };
      },
      { reader: READER, deadlineMs: SECONDS },
    );
    expect(out.png).toMatchObject({ code: 'INVALID_IMAGE', at: 'open', details: { field: 'video', kind: 'not_a_video' } });
    expect(out.png.details!['reason']).toContain('PNG image');
    expect(out.random).toMatchObject({ code: 'INVALID_IMAGE', at: 'open', details: { field: 'video', kind: 'not_a_video' } });
    expect(out.empty).toMatchObject({ code: 'INVALID_IMAGE', at: 'open', details: { field: 'video', kind: 'empty' } });
    if (out.hevcDecodable) console.warn('This Chromium decodes HEVC: the unsupported-codec case is not exercised.');
    else expect(out.hevc).toMatchObject({ code: 'INVALID_IMAGE', at: 'open', details: { field: 'video', kind: 'unsupported_codec', codec: expect.stringMatching(/^hev1\./) } });
    for (const [name, r] of Object.entries(out)) if (typeof r === 'object') expect(r.ms, name).toBeLessThan(SECONDS);
  });

  it('delivers the frames before the cut of a truncated file: a WebM ends there, an MP4 then rejects as cut short', async () => {
    if (videos.avc) await makeTestVideo(t.page, { codec: 'avc', name: 'avc-moov-at-end', moovAtEnd: true });
    const out = await t.page.evaluate(
      async ({ reader, deadlineMs, mp4 }) => {
        const m = (await window.loadModule(reader)) as PageModule;
        const v = (window as unknown as Videos).testVideos;
        const half = (blob: Blob) => blob.slice(0, Math.floor(blob.size / 2));
        const options = { sampleRate: 1, startMs: 0 };
        const summary = (r: ReadRecord) => ({ frameCount: r.frameCount, durationMs: r.durationMs, markers: r.frames.map((f) => f.marker), indices: r.frames.map((f) => f.index), error: r.error, ms: r.ms });
        return {
          vp8: summary(await m.readVideo(half(v['vp8']!), options, { deadlineMs })),
          vp9: summary(await m.readVideo(half(v['vp9']!), options, { deadlineMs })),
          header: summary(await m.readVideo(v['vp8']!.slice(0, 200), options, { deadlineMs })),
          ...(mp4
            ? {
                mp4: summary(await m.readVideo(half(v['avc']!), options, { deadlineMs })),
                moovAtEnd: summary(await m.readVideo(half(v['avc-moov-at-end']!), options, { deadlineMs })),
              }
            : {}),
        };
      },
      { reader: READER, deadlineMs: SECONDS, mp4: videos.avc !== undefined },
    );
    for (const codec of ['vp8', 'vp9'] as const) {
      const r = out[codec];
      // Every frame whose block is whole, in the cluster the cut runs through too (here the cut falls in its key
      // frame, the largest: the first second's 30 frames at least).
      expect(r.error, codec).toBeUndefined();
      expect(r.frameCount!, codec).toBeGreaterThanOrEqual(30);
      expect(r.frameCount!, codec).toBeLessThan(90);
      expect(r.markers, codec).toEqual(Array.from({ length: r.frameCount! }, (_, i) => i));
      expect(r.indices, codec).toEqual(r.markers);
      expect(r.durationMs!, codec).toBeCloseTo((r.frameCount! * 1000) / 30, -1);
    }
    expect(out.header.error).toMatchObject({ code: 'INVALID_IMAGE', at: 'open', details: { field: 'video' } });
    expect(['undecodable', 'not_a_video']).toContain(out.header.error!.details['kind']);
    if (out.mp4 && out.moovAtEnd) {
      expect(out.mp4.frameCount).toBe(90);
      expect(out.mp4.markers.length).toBeGreaterThan(0);
      expect(out.mp4.markers).toEqual(Array.from({ length: out.mp4.markers.length }, (_, i) => i));
      expect(out.mp4.error).toMatchObject({ code: 'INVALID_IMAGE', at: 'frames', details: { field: 'video', kind: 'undecodable', truncated: true, framesRead: out.mp4.markers.length, frameCount: 90 } });
      expect(out.moovAtEnd.error).toMatchObject({ code: 'INVALID_IMAGE', at: 'open', details: { field: 'video', kind: 'undecodable' } });
    }
    for (const [name, r] of Object.entries(out)) expect(r.ms, name).toBeLessThan(SECONDS);
  });
  it('reads a MediaRecorder recording cut short, written whole or in slices, up to the cut', async () => {
    const out = await t.page.evaluate(
      async ({ reader, deadlineMs }) => {
        const m = (await window.loadModule(reader)) as PageModule;
        /** 2 s of a changing canvas, recorded as VP8 WebM: at the end in one piece, or in slices of 200 ms. */
        const record = async (sliceMs?: number) => {
          const canvas = document.createElement('canvas');
          canvas.width = 160;
          canvas.height = 120;
          const g = canvas.getContext('2d')!;
          const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm;codecs=vp8' });
          const chunks: Blob[] = [];
          recorder.ondataavailable = (e) => chunks.push(e.data);
          recorder.start(sliceMs);
          for (let start = performance.now(), i = 0; performance.now() - start < 2000; i++) {
            g.fillStyle = `hsl(${i * 7}, 60%, 50%)`;
            g.fillRect(0, 0, 160, 120);
            await new Promise((r) => requestAnimationFrame(r));
          }
          await new Promise((r) => {
            recorder.onstop = r;
            recorder.stop();
          });
          return new Blob(chunks, { type: 'video/webm' });
        };
        const options = { sampleRate: 1, startMs: 0 };
        const times = (r: ReadRecord) => ({ times: r.frames.map((f) => f.timestampMs), error: r.error });
        const result: Record<string, { whole: ReturnType<typeof times>; half: ReturnType<typeof times> }> = {};
        for (const [name, sliceMs] of [['whole', undefined], ['sliced', 200]] as const) {
          const webm = await record(sliceMs);
          result[name] = {
            whole: times(await m.readVideo(webm, options, { deadlineMs })),
            half: times(await m.readVideo(webm.slice(0, Math.floor(webm.size / 2)), options, { deadlineMs })),
          };
        }
        return result;
      },
      { reader: READER, deadlineMs: SECONDS },
    );
    for (const [name, r] of Object.entries(out)) {
      expect(r.whole.error, name).toBeUndefined();
      expect(r.half.error, name).toBeUndefined();
      expect(r.whole.times.length, name).toBeGreaterThan(20);
      // The frames before the cut, about half of them (the first is a key frame, larger than the rest).
      expect(r.half.times.length, name).toBeGreaterThan(r.whole.times.length / 4);
      expect(r.half.times.length, name).toBeLessThan(r.whole.times.length);
      expect(r.half.times, name).toEqual(r.whole.times.slice(0, r.half.times.length));
    }
  });
});

describe('damaged data', () => {
  it.for(['vp8', 'avc'] as const)('%s: a damaged frame loses the frames from it to the next key frame, and the pass goes on there', async (codec, context) => {
    if (!videos[codec]) context.skip('this Chromium cannot encode it');
    // Frame 40's bytes overwritten; key frames at 0, 30, 60. A consumer as fast as the decoder has taken every frame
    // before the damage when the decoder refuses it; decoding starts again at frame 60.
    await t.page.evaluate(async ({ codec }) => {
      const fixture = (await window.loadModule('/video-fixture.ts')) as typeof import('./page/video-fixture.ts');
      await fixture.damageFrames(codec, [40], `${codec}-damaged`);
    }, { codec });
    const out = await read(`${codec}-damaged`, { sampleRate: 1, startMs: 0 });
    expect(out.error).toBeUndefined();
    // H.264's decoder needs the packet after a frame to give it: frame 39 goes with the damaged 40.
    const reached = codec === 'avc' ? 39 : 40;
    const kept = [...Array.from({ length: reached }, (_, i) => i), ...Array.from({ length: 30 }, (_, i) => 60 + i)];
    expect(out.frames.map(({ index, marker }) => ({ index, marker }))).toEqual(kept.map((i) => ({ index: i, marker: i })));
    expect(out.undecodableFrames).toBe(60 - reached);
    // Every 4th frame from 2: the lost ones are counted as the sampling would have taken them.
    const sampled = await read(`${codec}-damaged`, { sampleRate: 4, startMs: 50 });
    expect(sampled.frames.at(-1)?.index).toBe(86);
    expect(sampled.frames.length + sampled.undecodableFrames!).toBe(Math.ceil(88 / 4));
  });

  it('with one key frame, a consumer slower than the decoder still gets every frame decoded before the damage', async () => {
    // One key frame for the whole video, frame 30 damaged. The decoder runs up to 40 frames ahead of a slow consumer
    // (the detector's worker is one); when it refuses frame 30, the frames it decoded ahead are delivered, and the
    // frames from the damage to the end (no key frame follows) are counted as lost.
    await makeTestVideo(t.page, { codec: 'vp8', name: 'vp8-one-key', keyFrameInterval: 1000 });
    await t.page.evaluate(async () => {
      const fixture = (await window.loadModule('/video-fixture.ts')) as typeof import('./page/video-fixture.ts');
      await fixture.damageFrames('vp8-one-key', [30], 'vp8-one-key-damaged');
    });
    const firstThirty = Array.from({ length: 30 }, (_, i) => i);
    for (const [endMs, lost] of [[990, 0], [undefined, 60]] as const) {
      for (const consumerMs of [10, 0]) {
        const out = await read('vp8-one-key-damaged', { sampleRate: 1, startMs: 0, ...(endMs === undefined ? {} : { endMs }) }, consumerMs);
        expect(out.error, `${endMs} ${consumerMs}`).toBeUndefined();
        expect(out.frames.map((f) => f.marker), `${endMs} ${consumerMs}`).toEqual(firstThirty);
        expect(out.undecodableFrames, `${endMs} ${consumerMs}`).toBe(lost);
      }
    }
  });

  it('counts the frames a damaged key frame costs though the decoder says nothing about them', async () => {
    await t.page.evaluate(async () => {
      const fixture = (await window.loadModule('/video-fixture.ts')) as typeof import('./page/video-fixture.ts');
      await fixture.damageFrames('vp8', [0], 'vp8-first-key-damaged');
    });
    const out = await read('vp8-first-key-damaged', { sampleRate: 3, startMs: 0 });
    expect(out.error).toBeUndefined();
    expect(out.frames[0]!.index).toBeGreaterThanOrEqual(30);
    expect(out.frames.length + out.undecodableFrames!).toBe(30);
  });

  it('rejects with INVALID_IMAGE undecodable when not one frame decodes, in seconds', async () => {
    await t.page.evaluate(async () => {
      const fixture = (await window.loadModule('/video-fixture.ts')) as typeof import('./page/video-fixture.ts');
      await fixture.damageFrames('vp8', [0, 30, 60], 'vp8-keys-damaged');
    });
    const out = await read('vp8-keys-damaged', { sampleRate: 1, startMs: 0 });
    expect(out.frames).toEqual([]);
    expect(out.error).toMatchObject({ code: 'INVALID_IMAGE', at: 'frames', details: { kind: 'undecodable' } });
  });
});

describe('abort, close and back-pressure', () => {
  it('rejects with ABORTED for a signal aborted before, during the download, or mid-way, and the decoder stops', async () => {
    await t.context.route('**/slow/**', () => undefined); // never answered
    const out = await t.page.evaluate(
      async ({ reader, deadlineMs }) => {
        const m = (await window.loadModule(reader)) as PageModule;
        const blob = (window as unknown as Videos).testVideos['vp8']!;
        const before = new AbortController();
        before.abort();
        const download = new AbortController();
        setTimeout(() => download.abort(), 200);
        const during = new AbortController();
        const watch = m.watchDecoders();
        let atAbort = 0;
        const midway = await m.readVideo(blob, { sampleRate: 1, startMs: 0, signal: during.signal }, {
          deadlineMs,
          afterFrame: (n) => {
            if (n === 10) {
              during.abort();
              atAbort = watch.decodes;
            }
          },
        });
        await new Promise((r) => setTimeout(r, 500));
        const after = { decodes: watch.decodes, held: watch.held };
        watch.restore();
        return {
          before: (await m.readVideo(blob, { sampleRate: 1, startMs: 0, signal: before.signal }, { deadlineMs })).error,
          download: await m.readVideo('/slow/clip.webm', { sampleRate: 1, startMs: 0, signal: download.signal }, { deadlineMs }),
          midway: { frames: midway.frames.length, error: midway.error },
          decodes: { atAbort, after: after.decodes },
          held: after.held,
        };
      },
      { reader: READER, deadlineMs: SECONDS },
    );
    expect(out.before).toMatchObject({ code: 'ABORTED', at: 'open' });
    expect(out.download.error).toMatchObject({ code: 'ABORTED', at: 'open' });
    expect(out.download.ms).toBeLessThan(2_000);
    expect(out.midway).toEqual({ frames: 10, error: expect.objectContaining({ code: 'ABORTED', at: 'frames' }) });
    // Decoding stopped: no packet went to the decoder after the abort, and every decoded frame was closed.
    expect(out.decodes.after).toBe(out.decodes.atAbort);
    expect(out.decodes.atAbort).toBeLessThan(90);
    expect(out.held).toBe(0);
  });

  it('decodes a bounded number of frames ahead of a consumer that stops pulling, and frees them all on close()', async () => {
    const out = await t.page.evaluate(async (reader) => {
      const m = (await window.loadModule(reader)) as PageModule;
      const blob = (window as unknown as Videos).testVideos['vp8']!;
      const watch = m.watchDecoders();
      const pause = () => new Promise((r) => setTimeout(r, 400));
      const video = await m.openVideoFrames(blob, { sampleRate: 1, startMs: 0 });
      const frames = video.frames();
      (await frames.next()).value?.bitmap.close();
      await pause();
      const paused = { decodes: watch.decodes, held: watch.held };
      await pause();
      const stillPaused = { decodes: watch.decodes, held: watch.held };
      for (let i = 0; i < 20; i++) (await frames.next()).value?.bitmap.close();
      await pause();
      const pulled = { decodes: watch.decodes, held: watch.held };
      video.close();
      await pause();
      const closed = { held: watch.held, next: (await frames.next()).done, again: (await video.frames().next()).done };
      watch.restore();
      return { paused, stillPaused, pulled, closed };
    }, READER);
    // mediabunny lets the decoder run up to 40 packets ahead until its first frame comes out (some decoders need many
    // packets before they output one), then keeps at most 8 decoded frames ahead: far from the 90 of the file.
    expect(out.paused.decodes).toBeLessThanOrEqual(45);
    expect(out.paused.held).toBeLessThanOrEqual(42);
    expect(out.stillPaused).toEqual(out.paused);
    // Pulling drains what was decoded ahead before anything more is decoded.
    expect(out.pulled.decodes).toBe(out.paused.decodes);
    expect(out.pulled.held).toBe(out.paused.held - 20);
    expect(out.closed).toEqual({ held: 0, next: true, again: true });
  });
});
