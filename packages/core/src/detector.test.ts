/**
 * Request ids of detector calls, in Node: a real `createDetector` on the main-thread side, talking through Comlink
 * to a fake pipeline worker in the same realm (messages pass uncloned, so a fake bitmap crosses). Every error a
 * call rejects with carries the call's id — the id its result would have had — whichever stage failed.
 */
import { expose, type Endpoint } from 'comlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACTION_UNITS, EmoLensError } from '@emolens/schema';
import type { FrameOptions } from './options.js';
import type { Baseline } from './pipeline/derive/baseline.js';
import { createDetector, type Detector } from './detector.js';
import { forRequest } from './error-boundary.js';
import { fakeFrame } from './testing/fake-inference.js';
import type { FrameResult, PipelineApi, PipelineInfo, StreamFrameRef } from './worker/pipeline-api.js';
import { rejection } from './testing/rejection.js';

/** What the fake worker does with a frame. */
type Mode = 'answer' | 'throw' | 'hang';

/** The pipeline worker's API, answering from a script; `seen` lists the request ids it was given. */
class FakePipeline implements PipelineApi {
  readonly seen: string[] = [];
  /** Stream calls, in order: `open 1`, `frame 1 at 33.333`, `close 1`. */
  readonly streams: string[] = [];
  private nextStream = 1;
  mode: Mode = 'answer';
  /** Rejecters of the calls left hanging, for {@link FakePipeline.failHung}. */
  private hung: ((error: unknown) => void)[] = [];

  /** Ends every hanging call with an error, as a worker that finally gets to them would. */
  failHung(): void {
    for (const reject of this.hung.splice(0)) reject(new EmoLensError('INTERNAL_ERROR', 'given up', { kind: 'unexpected' }));
  }

  async init(): Promise<PipelineInfo> {
    return { backend: 'wasm', classifier: 'emolens-fer', threads: 1, classifierPlacement: 'inline' };
  }
  /** The `calibration` each analysed frame was given. */
  readonly calibrations: unknown[] = [];
  async calibrate(_frame: ImageBitmap, _options: FrameOptions, requestId: string): Promise<Baseline> {
    this.seen.push(requestId);
    if (this.mode === 'hang') return new Promise<never>((_, reject) => this.hung.push(reject));
    if (this.mode === 'throw') throw new EmoLensError('NO_FACE_DETECTED', 'calibrate() found no face to measure in the frame', { kind: 'calibration' });
    return { version: 1, actionUnits: ACTION_UNITS.map((_, i) => i / 10) };
  }
  async analyze(_frame: ImageBitmap, options: FrameOptions, requestId: string, stream?: StreamFrameRef): Promise<FrameResult> {
    this.seen.push(requestId);
    this.calibrations.push(options.calibration);
    if (stream) this.streams.push(`frame ${stream.id} at ${stream.timestampMs}`);
    if (this.mode === 'throw') throw new EmoLensError('INTERNAL_ERROR', 'Model output has the wrong shape', { kind: 'model_mismatch' });
    if (this.mode === 'hang') return new Promise<never>((_, reject) => this.hung.push(reject));
    const timings = { landmarks: 0, detectionReused: false, tiles: 0, tilesMs: 0, crop: 0, classify: 0, format: 0, total: 0 };
    return { result: { request_id: requestId, processing_time_ms: 0, faces: [] }, timings };
  }
  openStream(): number {
    this.streams.push(`open ${this.nextStream}`);
    return this.nextStream++;
  }
  closeStream(id: number): void {
    this.streams.push(`close ${id}`);
  }
  async warmup(): Promise<void> {}
  crashForTesting(): void {}
  async dispose(): Promise<void> {}
}

/** A `Worker` whose other end is `api`, in this realm: what one side posts, the other receives as it is. */
function fakeWorker(api: PipelineApi): Worker {
  const main = new EventTarget();
  const inside = new EventTarget();
  const poster = (to: EventTarget) => (data: unknown) => setTimeout(() => to.dispatchEvent(new MessageEvent('message', { data })));
  expose(api, Object.assign(inside, { postMessage: poster(main) }) as unknown as Endpoint);
  return Object.assign(main, { postMessage: poster(inside), terminate: () => undefined }) as unknown as Worker;
}

/** The first bytes of a 4×4 PNG: enough for the header sniff (`createImageBitmap` is stubbed). */
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 4, 0, 0, 0, 4, 8, 6, 0, 0, 0, 0, 0, 0, 0]);
const png = () => new Blob([PNG], { type: 'image/png' });

/** Checks that `error` carries a request id, in its field and its WIA body, and returns it. */
function idOf(error: EmoLensError): string {
  expect(error.requestId).toMatch(/^req_[0-9a-z]+$/);
  expect(error.toJSON().request_id).toBe(error.requestId);
  return error.requestId!;
}

/** A detector on a fresh {@link FakePipeline} for each test of the calling `describe` block. */
function fakeDetectorEach(): { readonly pipeline: FakePipeline; readonly detector: Detector } {
  const current = {} as { pipeline: FakePipeline; detector: Detector };
  beforeEach(async () => {
    vi.stubGlobal('createImageBitmap', async () => fakeFrame(4, 4));
    current.pipeline = new FakePipeline();
    current.detector = await createDetector({ worker: fakeWorker(current.pipeline) });
  });
  afterEach(() => {
    current.detector.dispose();
    vi.unstubAllGlobals();
  });
  return current;
}

describe('request ids of detector calls', () => {
  let pipeline: FakePipeline;
  let crashes: EmoLensError[];
  let detector: Detector;
  let worker: Worker;

  beforeEach(async () => {
    vi.stubGlobal('createImageBitmap', async () => fakeFrame(4, 4));
    pipeline = new FakePipeline();
    crashes = [];
    worker = fakeWorker(pipeline);
    detector = await createDetector({ worker, onError: (error) => crashes.push(error) });
  });
  afterEach(() => {
    detector.dispose();
    vi.unstubAllGlobals();
  });

  it('gives each result a new id, the one the worker was given', async () => {
    const first = await detector.detect(png());
    const second = (await detector.profile(png())).result;
    // The fake worker finds no face: the WIA call rejects (NO_FACE_DETECTED) under the id its result would have had.
    const third = await rejection(detector.analyzeFace({ image_base64: Buffer.from(PNG).toString('base64') }));
    expect(third.code).toBe('NO_FACE_DETECTED');
    expect(pipeline.seen).toEqual([first.request_id, second.request_id, idOf(third)]);
    expect(new Set(pipeline.seen).size).toBe(3);
  });

  it('gives an error from the worker the id the worker was given', async () => {
    pipeline.mode = 'throw';
    const error = await rejection(detector.detect(png()));
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(idOf(error)).toBe(pipeline.seen[0]);
  });

  it('gives an id to errors thrown before the worker is reached: options, request body, decoding, abort', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const errors = await Promise.all([
      rejection(detector.detect(png(), { maxFaces: 0 })),
      rejection(detector.profile(png(), { timeoutMs: -1 })),
      rejection(detector.analyzeFace({ image_url: 'https://example.test/a.jpg', options: { max_faces: 1000 } })),
      rejection(detector.analyzeFace(undefined)),
      rejection(detector.detect(new Blob([]))),
      rejection(detector.detect(new Blob(['%PDF-1.7']))),
      rejection(detector.detect(png(), { signal: aborted.signal })),
    ]);
    expect(errors.map((e) => e.code)).toEqual(['INVALID_REQUEST', 'INVALID_REQUEST', 'INVALID_REQUEST', 'INVALID_REQUEST', 'INVALID_IMAGE', 'INVALID_IMAGE', 'ABORTED']);
    expect(new Set(errors.map(idOf)).size).toBe(errors.length);
    expect(pipeline.seen).toEqual([]);
  });

  it('gives TIMEOUT and ABORTED during a call the id the worker was given', async () => {
    pipeline.mode = 'hang';
    const timedOut = await rejection(detector.detect(png(), { timeoutMs: 20 }));
    pipeline.failHung(); // the next call waits for the worker to be done with the one given up on
    const controller = new AbortController();
    const call = rejection(detector.detect(png(), { signal: controller.signal }));
    await vi.waitFor(() => expect(pipeline.seen).toHaveLength(2));
    controller.abort();
    const aborted = await call;
    expect([timedOut.code, aborted.code]).toEqual(['TIMEOUT', 'ABORTED']);
    expect([idOf(timedOut), idOf(aborted)]).toEqual(pipeline.seen);
  });

  it('sends no frame to the worker while it still runs a call given up on, and sends it once that call is done', async () => {
    pipeline.mode = 'hang';
    expect((await rejection(detector.detect(png(), { timeoutMs: 20 }))).code).toBe('TIMEOUT');
    const late = rejection(detector.detect(png(), { timeoutMs: 30 }));
    const next = rejection(detector.detect(png()));
    expect((await late).code).toBe('TIMEOUT'); // its deadline passed while it waited: never sent
    expect(pipeline.seen).toHaveLength(1);
    pipeline.failHung();
    await vi.waitFor(() => expect(pipeline.seen).toHaveLength(2));
    pipeline.failHung();
    expect((await next).code).toBe('INTERNAL_ERROR');
  });

  it('holds calibrate() back behind a call given up on, as it holds detect()', async () => {
    pipeline.mode = 'hang';
    expect((await rejection(detector.calibrate(png(), { timeoutMs: 20 }))).code).toBe('TIMEOUT');
    expect((await rejection(detector.calibrate(png(), { timeoutMs: 30 }))).code).toBe('TIMEOUT');
    expect(pipeline.seen).toHaveLength(1);
    const next = rejection(detector.detect(png()));
    pipeline.failHung();
    await vi.waitFor(() => expect(pipeline.seen).toHaveLength(2));
    pipeline.failHung();
    expect((await next).code).toBe('INTERNAL_ERROR');
  });

  it('gives each call in flight its own DISPOSED error with its own id, and later calls theirs', async () => {
    pipeline.mode = 'hang';
    const calls = [rejection(detector.detect(png())), rejection(detector.detect(png()))];
    await vi.waitFor(() => expect(pipeline.seen).toHaveLength(2));
    detector.dispose();
    const errors = [...(await Promise.all(calls)), await rejection(detector.detect(png()))];
    expect(errors.map((e) => e.code)).toEqual(['DISPOSED', 'DISPOSED', 'DISPOSED']);
    expect(errors.slice(0, 2).map(idOf)).toEqual(pipeline.seen);
    expect(new Set(errors.map(idOf)).size).toBe(3);
  });

  it('gives each call a crash rejects its own id; onError gets the crash with none', async () => {
    pipeline.mode = 'hang';
    const calls = [rejection(detector.detect(png())), rejection(detector.detect(png()))];
    await vi.waitFor(() => expect(pipeline.seen).toHaveLength(2));
    // Node has no ErrorEvent: the host reads `message` from one. A wasm trap's message: both the crash event and
    // the calls it fails end the worker (once).
    class ErrorEvent extends Event {
      readonly message = 'RuntimeError: unreachable';
    }
    vi.stubGlobal('ErrorEvent', ErrorEvent);
    worker.dispatchEvent(new ErrorEvent('error'));
    const errors = await Promise.all(calls);
    expect(errors.map((e) => e.details['kind'])).toEqual(['worker_crashed', 'worker_crashed']);
    expect(errors.map(idOf)).toEqual(pipeline.seen);
    expect(errors.map((e) => e.details['reason'])).toEqual(['RuntimeError: unreachable', 'RuntimeError: unreachable']);
    expect(crashes).toHaveLength(1);
    // The report no call claims has an id of its own.
    expect(crashes[0]!.requestId).toMatch(/^req_[0-9a-f]{16}$/);
    expect(pipeline.seen).not.toContain(crashes[0]!.requestId);
  });
});

describe('a detector\'s methods, detached from it', () => {
  const t = fakeDetectorEach();

  it('work as they do on the detector (destructured, passed as callbacks)', async () => {
    const { detect, calibrate, profile, warmup, setCalibration, dispose } = t.detector;
    expect((await detect(png())).faces).toEqual([]);
    expect((await profile(png())).result.faces).toEqual([]);
    await warmup();
    setCalibration(await calibrate(png()));
    expect(t.detector.calibration).toBeDefined();
    dispose();
    expect((await rejection(detect(png()))).code).toBe('DISPOSED');
  });
});

describe('the detector\'s calibration', () => {
  const t = fakeDetectorEach();

  it('keeps what calibrate() learned and sends it with every later frame, unless a call gives its own or null', async () => {
    expect(t.detector.calibration).toBeUndefined();
    await t.detector.detect(png());
    const baseline = await t.detector.calibrate(png());
    expect(t.detector.calibration).toEqual(baseline);
    await t.detector.detect(png());
    const own = { version: 1 as const, actionUnits: ACTION_UNITS.map(() => 0) };
    await t.detector.detect(png(), { calibration: own });
    await t.detector.detect(png(), { calibration: null });
    t.detector.setCalibration(null);
    await t.detector.detect(png());
    expect(t.pipeline.calibrations).toEqual([undefined, baseline, own, null, undefined]);
  });

  it('refuses a foreign calibration with INVALID_REQUEST, keeping the one it had; a failed calibrate() keeps it too', async () => {
    const baseline = await t.detector.calibrate(png());
    expect(() => t.detector.setCalibration({ version: 2 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => t.detector.setCalibration(new Proxy({}, { get: () => { throw new TypeError('trap'); } }) as never)).toThrow(EmoLensError);
    expect((await rejection(t.detector.detect(png(), { calibration: { version: 1, actionUnits: [] } as never }))).details).toMatchObject({ field: 'calibration' });
    t.pipeline.mode = 'throw';
    expect((await rejection(t.detector.calibrate(png()))).code).toBe('NO_FACE_DETECTED');
    expect(t.detector.calibration).toEqual(baseline);
  });
});

describe('analyzeVideo and analyzeFaceVideo, on frame arrays', () => {
  const t = fakeDetectorEach();
  const frames = (n: number) => Array.from({ length: n }, () => `data:image/png;base64,${Buffer.from(PNG).toString('base64')}`);

  it('sends every frame of one request to one stream at 30 fps, closes it, and gives the WIA video result', async () => {
    const result = await t.detector.analyzeVideo(frames(3));
    expect(result).toMatchObject({ frame_count: 3, analyzed_frames: 3, duration_ms: 100, timeline: [{ timestamp_ms: 0 }, { timestamp_ms: 33.333 }, { timestamp_ms: 66.667 }] });
    expect(result.summary).toEqual({ dominant_emotion: null, average_valence: null, average_arousal: null, emotion_transitions: 0 });
    expect(t.pipeline.streams).toEqual(['open 1', 'frame 1 at 0', 'frame 1 at 33.333', 'frame 1 at 66.667', 'close 1']);
    expect(t.pipeline.seen).toEqual([result.request_id, result.request_id, result.request_id]);
  });

  it('sends still images, and opens no stream, without track_faces', async () => {
    const result = await t.detector.analyzeFaceVideo({ frames_base64: frames(4), options: { track_faces: false, sample_rate: 2 } });
    expect(result).toMatchObject({ frame_count: 4, analyzed_frames: 2 });
    expect(t.pipeline.streams).toEqual([]);
    expect(t.pipeline.seen).toHaveLength(2);
  });

  it('closes the stream on an error, at the deadline and on abort, each error with the call’s id', async () => {
    t.pipeline.mode = 'throw';
    const failed = await rejection(t.detector.analyzeVideo(frames(3)));
    t.pipeline.mode = 'hang';
    const timedOut = await rejection(t.detector.analyzeVideo(frames(3), { timeoutMs: 30 }));
    const controller = new AbortController();
    const call = rejection(t.detector.analyzeFaceVideo({ frames_base64: frames(3) }, { signal: controller.signal }));
    await vi.waitFor(() => expect(t.pipeline.streams).toContain('open 3'));
    controller.abort();
    const aborted = await call;
    expect([failed.code, timedOut.code, aborted.code]).toEqual(['INTERNAL_ERROR', 'TIMEOUT', 'ABORTED']);
    await vi.waitFor(() => expect(t.pipeline.streams.filter((s) => s.startsWith('close'))).toEqual(['close 1', 'close 2', 'close 3']));
    const ids = [failed, timedOut, aborted].map(idOf);
    expect(new Set(ids).size).toBe(3);
    expect(new Set(t.pipeline.seen)).toEqual(new Set(ids));
  });

  it('names the bad option, frame or request field, with the call’s id', async () => {
    const errors = await Promise.all([
      rejection(t.detector.analyzeVideo(frames(2), { sample_rate: 0 })),
      rejection(t.detector.analyzeVideo(frames(2), { start_time_ms: 10, end_time_ms: 5 })),
      rejection(t.detector.analyzeVideo([...frames(1), 'not base64!'])),
      rejection(t.detector.analyzeVideo(new Array(10_000).fill('AAAA'))),
      rejection(t.detector.analyzeFaceVideo({ frames_base64: frames(1), options: { sample_rate: -1 } })),
      rejection(t.detector.analyzeFaceVideo({})),
    ]);
    expect(errors.map((e) => [e.code, e.details['field']])).toEqual([
      ['INVALID_REQUEST', 'sample_rate'],
      ['INVALID_REQUEST', 'end_time_ms'],
      ['INVALID_IMAGE', 'frames_base64.1'],
      ['INVALID_REQUEST', 'frames_base64'],
      ['INVALID_REQUEST', 'options.sample_rate'],
      ['INVALID_REQUEST', 'video_url'],
    ]);
    expect(new Set(errors.map(idOf)).size).toBe(errors.length);
    // The frame that failed to decode came after one the stream had: the stream was closed all the same.
    expect(t.pipeline.streams.filter((s) => s.startsWith('open'))).toEqual(['open 1']);
    await vi.waitFor(() => expect(t.pipeline.streams).toContain('close 1'));
  });
});

describe('forRequest', () => {
  it('sets the id of an error that has none, and keeps the same object', () => {
    const error = new EmoLensError('TIMEOUT', 'late');
    expect(forRequest(error, 'req_a')).toBe(error);
    expect(error.requestId).toBe('req_a');
    expect(forRequest(error, 'req_a')).toBe(error);
  });

  it('copies an error that belongs to another request, leaving that one as it was', () => {
    const error = new EmoLensError('MODEL_LOAD_FAILED', 'no model', { asset: 'x' }, { cause: 'why', requestId: 'req_a' });
    const copy = forRequest(error, 'req_b');
    expect(copy).not.toBe(error);
    expect(copy).toMatchObject({ code: 'MODEL_LOAD_FAILED', message: 'no model', details: { asset: 'x' }, cause: 'why', requestId: 'req_b', stack: error.stack });
    expect(error.requestId).toBe('req_a');
  });
});

describe('a worker function given to createDetector', () => {
  it('that throws, or returns no Worker, is INVALID_REQUEST naming worker, with what it threw', async () => {
    const thrown = await createDetector({
      worker: () => {
        throw new Error('no workers here');
      },
    }).catch((e: unknown) => e);
    expect(thrown).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'worker', reason: 'no workers here' } });
    const nothing = await createDetector({ worker: () => undefined as unknown as Worker }).catch((e: unknown) => e);
    expect(nothing).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'worker', reason: 'undefined' } });
  });
});

describe('createDetector where there are no Web Workers (Node, a server-side render)', () => {
  it('rejects with BACKEND_UNAVAILABLE saying it needs a browser, not an unexpected ReferenceError', async () => {
    expect(typeof Worker).toBe('undefined');
    const error = await rejection(createDetector());
    expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: 'createDetector needs a browser: there are no Web Workers here' });
    expect(error.details['suggestion']).toContain('useEffect');
  });
});
