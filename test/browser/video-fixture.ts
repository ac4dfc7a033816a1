/**
 * Test videos with a known truth, made in the test's Chromium: each frame shows one of the shared wild photos
 * (a photo per segment, e.g. happy 0–1 s, sad 1–2 s, happy 2–3 s) and its own frame index as a bar code along the
 * bottom, encoded with WebCodecs (`VideoEncoder`) and muxed by mediabunny into WebM (VP8, VP9) or MP4 (H.264).
 * The photos are read from the shared data, never copied into the repository.
 *
 * Runs on any test page with `window.loadModule` (the detector page `index.html`, or `video.html`); the encoding
 * itself is `page/video-fixture.ts`. Also used by the tests of `detector.analyzeVideo()`: the segments say which
 * expression each frame shows.
 */
import type { Page } from 'playwright-core';
import type { EncodedFixture, FixtureCodec, FixtureSpec } from './page/video-fixture.ts';
import { happyPhoto, wildPhotos } from './photos.ts';

export type { FixtureCodec } from './page/video-fixture.ts';

/** One segment of a test video: a photo shown for `seconds`. */
export interface VideoSegmentSpec {
  /** The expression shown (a FER2013 word, a folder of `wild/`). */
  label: string;
  seconds: number;
  /** The photo, relative to `wild/` (`happy/Karin_Stoiber_0002.jpg`); default: {@link defaultPhoto} of the label. */
  photo?: string;
}

/** What to make; every field has a default: 640×480, 30 fps, VP8, a key frame a second, happy–sad–happy. */
export interface TestVideoSpec {
  /** The key of the file in `window.testVideos`. Default: the codec. */
  name?: string;
  codec?: FixtureCodec;
  fps?: number;
  width?: number;
  height?: number;
  keyFrameInterval?: number;
  segments?: VideoSegmentSpec[];
  /** MP4 only: the frame table (moov) at the end of the file, as a camera writes it. Default: at the start. */
  moovAtEnd?: boolean;
  /** The container's clockwise rotation (a phone's portrait video: frames stored landscape). Default 0. */
  rotation?: 0 | 90 | 180 | 270;
  /** MP4 only: the first this many frames lie before the video's start, trimmed by an edit list (a cut file). Default 0. */
  preRollFrames?: number;
}

/** A segment of a made video, in frames and in ms: frames `[firstFrame, endFrame)` show `label`. */
export interface TruthSegment {
  label: string;
  /** URL of the photo on the test server. */
  photoUrl: string;
  firstFrame: number;
  endFrame: number;
  startMs: number;
  endMs: number;
}

/** A made video and its ground truth. The file is also in the page as `window.testVideos[name]` (a Blob). */
export interface TestVideo {
  name: string;
  codec: FixtureCodec;
  container: 'webm' | 'mp4';
  mimeType: string;
  /** The encoder's codec string (`vp8`, `vp09.00.10.08`, `avc1.42001f`). */
  codecString: string;
  fps: number;
  width: number;
  height: number;
  keyFrameInterval: number;
  /** The container's clockwise rotation: a player shows the frames `height × width` when it is 90 or 270. */
  rotation: 0 | 90 | 180 | 270;
  frameCount: number;
  /** `frameCount / fps`, in ms. */
  durationMs: number;
  /** Frame `i`'s timestamp in ms in the container's time base (whole ms in WebM; `i·1000/fps` to the µs in MP4). */
  timestampsMs: number[];
  segments: TruthSegment[];
  /** The file's bytes. */
  bytes: Uint8Array;
}

/** happy 0–1 s, sad 1–2 s, happy 2–3 s. */
export const DEFAULT_SEGMENTS: readonly VideoSegmentSpec[] = [
  { label: 'happy', seconds: 1 },
  { label: 'sad', seconds: 1 },
  { label: 'happy', seconds: 1 },
];

/** URL of the page module that encodes, on the test server. */
const FIXTURE_MODULE = '/video-fixture.ts';

/** The photo a segment of `label` shows by default: for happy the clear smile other tests use, else the label's first. */
export function defaultPhoto(label: string): string {
  if (label === 'happy') return happyPhoto();
  const photo = wildPhotos().find((p) => p.label === label);
  if (!photo) throw new Error(`no wild photo is labelled ${label}`);
  return photo.url;
}

/** Whether this Chromium's `VideoEncoder` encodes the codec (H.264 needs a build with an H.264 encoder). */
export async function canEncodeVideo(page: Page, codec: FixtureCodec, width = 640, height = 480): Promise<boolean> {
  return page.evaluate(
    async ({ module, codec, width, height }) => ((await window.loadModule(module)) as typeof import('./page/video-fixture.ts')).canEncode(codec, width, height),
    { module: FIXTURE_MODULE, codec, width, height },
  );
}

/** Makes a test video in `page`: see {@link TestVideoSpec} for the defaults. */
export async function makeTestVideo(page: Page, spec: TestVideoSpec = {}): Promise<TestVideo> {
  const codec = spec.codec ?? 'vp8';
  const fps = spec.fps ?? 30;
  const segments = (spec.segments ?? DEFAULT_SEGMENTS).map((s) => ({
    label: s.label,
    photoUrl: s.photo ? wildPhotos().find((p) => p.url.endsWith(`/wild/${s.photo}`))?.url ?? fail(`no wild photo ${s.photo}`) : defaultPhoto(s.label),
    frames: Math.round(s.seconds * fps),
  }));
  const full: FixtureSpec = {
    name: spec.name ?? codec,
    codec,
    fps,
    width: spec.width ?? 640,
    height: spec.height ?? 480,
    keyFrameInterval: spec.keyFrameInterval ?? fps,
    segments,
    moovAtEnd: spec.moovAtEnd ?? false,
    rotation: spec.rotation ?? 0,
    preRollFrames: spec.preRollFrames ?? 0,
  };
  const encoded: EncodedFixture = await page.evaluate(
    async ({ module, spec }) => ((await window.loadModule(module)) as typeof import('./page/video-fixture.ts')).encodeFixture(spec),
    { module: FIXTURE_MODULE, spec: full },
  );
  let frame = 0;
  const truth = segments.map((s) => {
    const firstFrame = frame;
    frame += s.frames;
    return { label: s.label, photoUrl: s.photoUrl, firstFrame, endFrame: frame, startMs: (firstFrame * 1000) / fps, endMs: (frame * 1000) / fps };
  });
  return {
    name: full.name,
    codec,
    container: encoded.container,
    mimeType: encoded.container === 'webm' ? 'video/webm' : 'video/mp4',
    codecString: encoded.codecString,
    fps,
    width: full.width,
    height: full.height,
    keyFrameInterval: full.keyFrameInterval,
    rotation: full.rotation ?? 0,
    frameCount: frame,
    durationMs: (frame * 1000) / fps,
    timestampsMs: encoded.timestampsMs,
    segments: truth,
    bytes: new Uint8Array(Buffer.from(encoded.base64, 'base64')),
  };
}

/** Makes `window.testVideos.hevc`: an MP4 of a codec this Chromium cannot decode (H.265). */
export async function makeUnsupportedVideo(page: Page): Promise<void> {
  await page.evaluate(async (module) => ((await window.loadModule(module)) as typeof import('./page/video-fixture.ts')).unsupportedHevc(), FIXTURE_MODULE);
}

function fail(message: string): never {
  throw new Error(message);
}
