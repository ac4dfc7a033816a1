/**
 * The main-thread side of a detector: starts the worker, decodes inputs, and talks to the pipeline
 * through the one typed interface of `worker/api.ts`. No inference runs on this thread.
 */
import { transfer, type Remote } from 'comlink';
import { bindMethods, EmoLensError, newRequestId, parseWiaFaceRequest, parseWiaVideoRequest, summarizeTimeline, toWakeePrediction, type WakeePrediction, type WiaFaceResult, type WiaVideoResult } from '@emolens/schema';
import { availableBackend, requireClassifierAsset, resolveAssetUrls } from './assets/asset-urls.js';
import type { Backend } from './assets/progress.js';
import { decodeImage, type DecodeLimits, type ImageInput, type StringRules } from './input/decode.js';
import { requestSignal, detectOptionsFromWia, type FrameOptions, resolveCallOptions, resolveDetectorOptions, type DetectOptions, type DetectorOptions, type SignalOption } from './options.js';
import { round } from './round.js';
import type { PipelineApi, StageTimings } from './worker/pipeline-api.js';
import { registerErrorTransfer } from './worker/error-transfer.js';
import { AbandonedCalls } from './abandoned-calls.js';
import { abortError, callStop, stoppable } from './call-stop.js';
import { asEmoLensError, typed } from './error-boundary.js';
import { parseBaseline, type Baseline } from './pipeline/derive/baseline.js';
import { StartSteps, withStartDeadline } from './start-deadline.js';
import { disposedError, WorkerHost } from './worker-host.js';
import { resolveStreamOptions, resolveVideoOptions, type ResolvedVideoOptions, type StreamOptions, type VideoOptions } from './options.js';
import { latestResults } from './stream/latest-results.js';
import { startLiveStream, type LiveStream, type StreamFrameResult, type StreamPort } from './stream/live-stream.js';
import { assertStreamSource, type StreamSource } from './stream/stream-source.js';
import { isFrameArray, openFrames, type VideoAnalysisInput } from './video-analysis/open-frames.js';
import { readTimeline, type FramePort } from './video-analysis/timeline.js';

/** Time spent per stage of one call, in milliseconds (see {@link Detector.profile}). */
export interface CallTimings extends StageTimings {
  /** Decoding the input on the main thread. */
  decode: number;
  /** From the call to the result, as the caller sees it. */
  endToEnd: number;
}

/**
 * A running detector (see {@link createDetector}).
 *
 * Each call of `detect`, `profile`, `analyzeFace`, `analyzeVideo` and `analyzeFaceVideo` is a request with its own id: the result's `request_id`, or,
 * when the call rejects, the error's `requestId` (and `request_id` of its `toJSON()` body), whatever stage failed
 * — options, decoding, `ABORTED`, `TIMEOUT`, `DISPOSED` or the worker. `warmup`'s errors carry an id of that warm-up.
 */
export interface Detector {
  /** The backend the classifier runs on. */
  readonly backend: Backend;
  /** The classifier in use. */
  readonly classifier: string;
  /** WASM threads the classifier uses. */
  readonly threads: number;
  /**
   * Where the classifier runs: `worker`, a worker of its own started by the pipeline worker (the default,
   * see {@link DetectorOptions.classifierWorker}), or `inline`, in the pipeline worker.
   */
  readonly classifierPlacement: 'worker' | 'inline';
  /** Every face in the image, as the WIA `POST /v1/analyze/face` response object. */
  detect(input: ImageInput, options?: DetectOptions): Promise<WiaFaceResult>;
  /**
   * Answers a WIA `POST /v1/analyze/face` request body as written in the standard
   * (`{ image_url | image_base64, options: { max_faces, min_face_size, return_landmarks, return_dimensions,
   * return_action_units } }`) with the WIA response. The body is validated first: unknown or out-of-range
   * fields reject with `INVALID_REQUEST` naming the field (`details.field`, e.g. `options.max_faces`).
   * `image_base64` is only ever decoded (base64 or a data URL), never fetched, whatever it holds.
   * `max_faces` is honoured as given (1–100), whatever the detector's `maxFaces`; `return_action_units: true` adds
   * each face's `action_units`. As the standard's error table says, an image with no face (none at least
   * `min_face_size`) rejects with `NO_FACE_DETECTED` (HTTP 400), where `detect` answers `faces: []`.
   */
  analyzeFace(body: unknown, options?: { signal?: AbortSignal }): Promise<WiaFaceResult>;
  /**
   * Analyses a video file, or a sequence of frames, into the WIA `POST /v1/analyze/face/video` result: every
   * `sample_rate`-th frame of the span from `start_time_ms` to `end_time_ms` (or the end), each frame's faces in
   * `timeline`, and their `summary` (`summarizeTimeline`). The file is decoded off the page's rendering, faster than
   * real time (WebCodecs; the demuxer is loaded on first use), never played.
   *
   * `input`: a `File` or `Blob` (MP4, MOV, WebM, Matroska, MPEG-TS whose codec the browser decodes: H.264, VP8, VP9,
   * AV1, …), a URL (fetched whole under `maxBytes`, with CORS), a `<video>` playing a file (its source is fetched the
   * same way), or an array of frames as WIA `frames_base64` has them (data URLs or base64 images, at most
   * `MAX_FRAMES_BASE64`, never fetched; frame `i` is at `i × 1000 / frame_rate` ms, 30 fps by default).
   *
   * The result: `timestamp_ms` is each frame's own time from the video's start, as a player shows it (an MP4's edit
   * list honoured); `frame_count` the frames within the span; `analyzed_frames` the timeline's length,
   * `⌈frame_count / sample_rate⌉` less `undecodable_frames` (present when damaged data cost frames: decoding starts
   * again at the next key frame); `duration_ms` the span's length.
   * With `track_faces` (the default) the frames are one stream: a face keeps its `face_id` through the video, its
   * emotions and dimensions are smoothed over the video's own timestamps (the frame's own values in `raw`), and
   * `emotions.primary` is held by hysteresis, so `emotion_transitions` counts real changes of expression. With
   * `track_faces: false` each frame is analysed as a still image: `face_id` is a face's position within its frame
   * (0, 1, …), nothing is smoothed, and `emotion_transitions` counts every change of the frame-by-frame label at each
   * position — a face's own changes, flicker included, when one face is in view; not a face's when several are.
   *
   * `timeoutMs` (default: the detector's) is the deadline of the whole analysis, download and decoding included:
   * raise it (or pass `Infinity`) for long videos. Aborting `signal` or passing the deadline stops the download,
   * the decoder and the worker's stream, and rejects with `ABORTED` or `TIMEOUT`.
   *
   * @throws EmoLensError, with the call's `requestId`: `INVALID_REQUEST` (a bad option, `details.field` naming it;
   * no video, or a value that is not one: `field: 'video'`; a bad frames array: `field: 'frames_base64'` or
   * `'frames_base64.<i>'`), `INVALID_IMAGE` (`details.kind`: `not_a_video`, `unsupported_codec`, `undecodable` — a
   * truncated MP4 has `truncated: true` —, `empty`, `fetch_failed`; for an array entry, the image kinds),
   * `IMAGE_TOO_LARGE` (a download past `maxBytes`, frames past `maxPixels`), `ABORTED`, `TIMEOUT`, `DISPOSED`.
   *
   * @example
   * ```ts
   * const result = await detector.analyzeVideo(file, { sample_rate: 5, onProgress: (p) => bar.update(p) });
   * result.summary; // { dominant_emotion: 'happiness', average_valence: 0.41, average_arousal: 0.55, emotion_transitions: 2 }
   * ```
   */
  analyzeVideo(input: VideoAnalysisInput, options?: VideoOptions): Promise<WiaVideoResult>;
  /**
   * Answers a WIA `POST /v1/analyze/face/video` request body (`{ video_url | frames_base64, options: { sample_rate,
   * start_time_ms, end_time_ms, track_faces } }`, validated by `parseWiaVideoRequest`: a bad field rejects with
   * `INVALID_REQUEST` naming it, e.g. `options.sample_rate`) with the WIA video result, as {@link Detector.analyzeVideo}
   * computes it on the detector's defaults. `video_url` is fetched (it is a URL); `frames_base64` entries are only
   * ever decoded, never fetched, and are 30 fps apart.
   */
  analyzeFaceVideo(body: unknown, options?: { signal?: AbortSignal }): Promise<WiaVideoResult>;
  /** Like `detect`, plus the time spent in each stage. */
  profile(input: ImageInput, options?: DetectOptions): Promise<{ result: WiaFaceResult; timings: CallTimings }>;
  /**
   * Analyses a live source — a playing `<video>`, a `MediaStream` (a camera) or a video `MediaStreamTrack` — frame
   * after frame until stopped, handing each result to `onResult`. The newest frame always wins: at most two frames
   * are in flight, one analysed and one waiting in the worker, and none waits on the page (frames presented
   * meanwhile are counted as skipped). A `MediaStream` or track is read frame by frame where the browser can
   * (`MediaStreamTrackProcessor`), so the rate is the camera's, not the display's. Faces keep their `face_id` while
   * they stay in view (and through gaps up to `trackGraceMs`); probabilities and `dimensions` are smoothed per
   * face, with the frame's own values in `raw`.
   *
   * Options are validated at once: a bad one, or a source that cannot give frames, throws `INVALID_REQUEST`
   * (`details.field`). Later failures of one frame go to `onError` and the stream goes on; a fatal one (the
   * detector disposed, the worker crashed, a cross-origin source the page may not read) ends it, as do `stop()`,
   * the `signal` and the source's end —
   * `done` says which. The caller's camera is never stopped by the SDK.
   *
   * @example
   * ```ts
   * const media = await navigator.mediaDevices.getUserMedia({ video: true });
   * const live = detector.stream(media, { onResult: ({ result, stats }) => draw(result.faces, stats.resultsPerSecond) });
   * // later
   * await live.stop();
   * media.getTracks().forEach((t) => t.stop());
   * ```
   */
  stream(source: StreamSource, options?: StreamOptions): LiveStream;
  /**
   * The async-iterator form of {@link Detector.stream}: `for await (const { result } of detector.frames(video))`.
   * A consumer slower than the stream gets the newest result, never a backlog; leaving the loop stops the stream,
   * and a fatal error is thrown from the loop.
   */
  frames(source: StreamSource, options?: Omit<StreamOptions, 'onResult'>): AsyncIterableIterator<StreamFrameResult>;
  /**
   * Learns the neutral baseline of the one face in `input` (a frame where the person looks at the screen with a
   * neutral face): from then on every call measures action units from it and gaze relative to it, and streams
   * start each face's own learning from it (see docs/signals.md ("Calibration")). Returns the baseline, plain JSON
   * an app may keep and give back later (`setCalibration`, or a call's `calibration` option).
   * @throws EmoLensError `NO_FACE_DETECTED` (no face, or none whose mesh could be measured); `INVALID_REQUEST`
   * (`details.field: 'input'`, `kind: 'several_faces'`) when the frame has more than one face; as `detect` for the input.
   */
  calibrate(input: ImageInput, options?: Pick<DetectOptions, 'faceRange' | 'timeoutMs' | 'signal'>): Promise<Baseline>;
  /** Sets (a baseline from `calibrate`) or clears (`null`) the detector's neutral baseline. @throws EmoLensError `INVALID_REQUEST` (`details.field: 'calibration'`) for anything else. */
  setCalibration(baseline: Baseline | null): void;
  /** The detector's neutral baseline, if one is set. */
  readonly calibration: Baseline | undefined;
  /**
   * The Wakee `/predict` answer for the largest face of `input`: `{ boredom, confusion, engagement, frustration,
   * timestamp }`, each state on its 0–3 scale (the estimator of docs/signals.md ("Learning states"), a documented prior).
   * @throws EmoLensError `NO_FACE_DETECTED` when no face is found; as `detect` otherwise.
   */
  predictWakee(input: ImageInput, options?: Omit<DetectOptions, SignalOption>): Promise<WakeePrediction>;
  /** Runs the face detector and the classifier once, so the first real call is fast. */
  warmup(): Promise<void>;
  /** Frees the worker, its models and its memory. Later calls reject with `DISPOSED`. */
  dispose(): void;
}

/**
 * Starts a detector: a module Web Worker that loads the face landmarker and the emotion classifier
 * (from the Cache API after the first visit), then answers `detect` calls.
 *
 * @example
 * ```ts
 * const detector = await createDetector({ onProgress: (e) => console.log(e) });
 * const result = await detector.detect(file);   // { request_id, processing_time_ms, faces: [...] }
 * detector.dispose();
 * ```
 * @throws EmoLensError `MODEL_LOAD_FAILED`, `BACKEND_UNAVAILABLE`, `INVALID_REQUEST` (an option out of range), or
 * `TIMEOUT` (`details.kind: 'start_timeout'`, `details.step`: not ready within `startTimeoutMs`). Each carries the
 * start's own `requestId` (`request_id` in its `toJSON()`), so that a report can quote it.
 */
export function createDetector(options: DetectorOptions = {}): Promise<Detector> {
  return typed(async () => {
    registerErrorTransfer();
    const resolved = resolveDetectorOptions(options);
    const { baseUrl, extraAssetUrls, maxPixels, maxBytes, timeoutMs, startTimeoutMs, onProgress, onError, worker, ...config } = resolved;
    if (worker === undefined && typeof Worker === 'undefined') {
      throw new EmoLensError('BACKEND_UNAVAILABLE', 'createDetector needs a browser: there are no Web Workers here', {
        reason: 'Worker is not defined (Node, a server-side render, a worklet)',
        suggestion: 'Import the SDK anywhere, but call createDetector in the browser (in Next.js, in a client component, e.g. in useEffect).',
      });
    }
    const assets = resolveAssetUrls(baseUrl, extraAssetUrls);
    requireClassifierAsset(config.classifier, assets);
    const backend = availableBackend(config.backend, assets);
    const steps = new StartSteps(onProgress);
    const host = new WorkerHost(spawner(worker), { ...config, backend, assets }, steps.listener, onError);
    try {
      const info = await withStartDeadline(host.start(), startTimeoutMs, steps, () => void host.dispose());
      return new WorkerDetector(host, info.backend, info.classifier, info.threads, info.classifierPlacement, resolved.maxFaces, { maxPixels, maxBytes }, timeoutMs);
    } catch (error) {
      await host.dispose();
      throw error;
    }
  });
}

/** The WIA face endpoint's answer to an image with no face: its error table's `400 NO_FACE_DETECTED`, in its words. */
function noFaceInImage(): EmoLensError {
  return new EmoLensError('NO_FACE_DETECTED', 'No face found in image', {
    reason: 'No face detected in image',
    suggestion: 'Ensure the image contains a clearly visible face',
  });
}

function spawner(worker: DetectorOptions['worker']): () => Worker {
  if (typeof worker === 'function') {
    return () => {
      let made: unknown;
      let reason: string;
      try {
        made = worker();
        reason = typeof made;
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
      }
      if (typeof (made as { postMessage?: unknown } | null)?.postMessage === 'function') return made as Worker;
      throw new EmoLensError('INVALID_REQUEST', 'The worker function gave no Worker', { field: 'worker', reason });
    };
  }
  let given = worker;
  return () => {
    if (given) {
      const once = given;
      given = undefined;
      return once;
    }
    if (worker) throw new EmoLensError('INTERNAL_ERROR', 'The worker given to createDetector stopped and cannot be restarted', { kind: 'worker_crashed', suggestion: 'Pass a function that creates the worker, or create a new detector.' });
    return new Worker(new URL('./worker/worker.js', import.meta.url), { type: 'module', name: 'emolens-pipeline' });
  };
}

class WorkerDetector implements Detector {
  private disposed = false;
  /** Worker calls their callers gave up on: a new call waits for them (see `abandoned-calls.ts`). */
  private readonly abandoned = new AbandonedCalls();
  /** The neutral baseline every call measures from unless it says otherwise (`calibrate`, `setCalibration`). */
  private baseline: Baseline | undefined;

  constructor(
    private readonly host: WorkerHost,
    readonly backend: Backend,
    readonly classifier: string,
    readonly threads: number,
    readonly classifierPlacement: 'worker' | 'inline',
    private readonly maxFaces: number,
    private readonly limits: Pick<DecodeLimits, 'maxPixels' | 'maxBytes'>,
    private readonly timeoutMs: number,
  ) {
    bindMethods(this);
  }

  async detect(input: ImageInput, options: DetectOptions = {}): Promise<WiaFaceResult> {
    return (await this.profile(input, options)).result;
  }

  analyzeFace(body: unknown, options: { signal?: AbortSignal } = {}): Promise<WiaFaceResult> {
    const id = newRequestId();
    return typed(async () => {
      const request = parseWiaFaceRequest(body);
      const signal = requestSignal(options, 'face');
      const detectOptions = { ...detectOptionsFromWia(request.options), ...(signal ? { signal } : {}) };
      const input = request.image_url ?? request.image_base64;
      const { result } = await this.run(id, input, detectOptions, request.image_url !== undefined ? {} : { dataOnly: true });
      if (result.faces.length === 0) throw noFaceInImage();
      return result;
    }, id);
  }

  profile(input: ImageInput, options: DetectOptions = {}): Promise<{ result: WiaFaceResult; timings: CallTimings }> {
    const id = newRequestId();
    return typed(() => this.run(id, input, options, {}), id);
  }

  /** The call `id`: its options read (`signals`: switches that replace the options' own), then {@link WorkerDetector.analyze} under its stop signal. */
  private async run(id: string, input: ImageInput, options: DetectOptions, rules: StringRules, signals?: Record<SignalOption, boolean>): Promise<{ result: WiaFaceResult; timings: CallTimings }> {
    const started = performance.now();
    // The signals given replace the options' own: only predictWakee gives them, and its options have none.
    const resolved = resolveCallOptions(options, this.maxFaces, this.timeoutMs, signals ? 'predictWakee' : 'detect');
    const { signal: caller, timeoutMs } = resolved;
    const frame = signals ? { ...resolved.frame, ...signals } : resolved.frame;
    this.assertUsable(caller);
    const stop = callStop(caller, timeoutMs);
    try {
      return await this.analyze(id, input, frame, rules, stop.signal, started);
    } finally {
      stop.release();
    }
  }

  /** Decodes `input` and runs it through the worker as request `id`; `signal` stops it (the caller's abort, the deadline). */
  private async analyze(id: string, input: ImageInput, frame: FrameOptions, rules: StringRules, signal: AbortSignal, started: number): Promise<{ result: WiaFaceResult; timings: CallTimings }> {
    // Decoding starts at the call: it reads the input as it is now, whatever the caller does with it next.
    const bitmap = await stoppable(decodeImage(input, { ...this.limits, signal }, rules), signal, (late) => late.close());
    const decoded = performance.now();
    // At the source size: the worker downscales it for detection and answers in source pixels.
    const { result, timings } = await this.send(bitmap, signal, (api, sent) => api.analyze(sent, this.calibrated(frame), id));
    const endToEnd = performance.now() - started;
    result.processing_time_ms = round(endToEnd, 2);
    return { result, timings: { ...timings, decode: decoded - started, endToEnd } };
  }

  /**
   * Sends `bitmap` (transferred) to the worker with `task`, once the calls given up on before it are done, and
   * waits for the answer until `signal` fires. A call given up on is noted, so the next one waits for it.
   */
  private async send<T>(bitmap: ImageBitmap, signal: AbortSignal, task: (api: Remote<PipelineApi>, bitmap: ImageBitmap) => Promise<T>): Promise<T> {
    if (this.abandoned.size > 0) {
      await this.abandoned.drained(signal).catch((error: unknown) => {
        bitmap.close();
        throw error;
      });
    }
    if (this.disposed) {
      bitmap.close();
      throw disposedError();
    }
    const call = this.host.call((api) => task(api, transfer(bitmap, [bitmap])));
    // A bitmap that could not be sent (a tainted one) is still ours to free; after the transfer this is a no-op.
    call.catch(() => bitmap.close());
    return stoppable(call, signal).catch((error: unknown) => {
      if (signal.aborted) this.abandoned.add(call);
      throw error;
    });
  }

  analyzeVideo(input: VideoAnalysisInput, options: VideoOptions = {}): Promise<WiaVideoResult> {
    const id = newRequestId();
    return typed(() => this.video(id, input, resolveVideoOptions(options, this.maxFaces, this.timeoutMs, isFrameArray(input) ? 'frames' : 'file')), id);
  }

  analyzeFaceVideo(body: unknown, options: { signal?: AbortSignal } = {}): Promise<WiaVideoResult> {
    const id = newRequestId();
    return typed(async () => {
      const request = parseWiaVideoRequest(body);
      const signal = requestSignal(options, 'video');
      const given = { ...request.options, ...(signal ? { signal } : {}) };
      if (request.video_url !== undefined) return this.video(id, request.video_url, resolveVideoOptions(given, this.maxFaces, this.timeoutMs, 'file'));
      return this.video(id, request.frames_base64, resolveVideoOptions(given, this.maxFaces, this.timeoutMs, 'frames'));
    }, id);
  }

  /** The video call `id`: `input`'s frames through the worker into the WIA video result, under the call's stop signal. */
  private async video(id: string, input: unknown, options: ResolvedVideoOptions): Promise<WiaVideoResult> {
    const started = performance.now();
    this.assertUsable(options.signal);
    const stop = callStop(options.signal, options.timeoutMs);
    try {
      const source = await openFrames(input, options, this.limits, stop.signal);
      try {
        const timeline = await readTimeline(source, this.framePort(id, options), { track: options.video.track_faces, onProgress: options.onProgress, signal: stop.signal });
        return {
          request_id: id,
          processing_time_ms: round(performance.now() - started, 2),
          duration_ms: source.windowDurationMs,
          frame_count: source.windowFrameCount,
          analyzed_frames: timeline.length,
          ...(source.undecodableFrames > 0 ? { undecodable_frames: source.undecodableFrames } : {}),
          timeline,
          summary: summarizeTimeline(timeline),
        };
      } finally {
        source.close();
      }
    } finally {
      stop.release();
    }
  }

  /** The worker, as the frames of video call `id` see it: a stream tracked with the call's options, or still images. */
  private framePort(id: string, { frame, tracking }: ResolvedVideoOptions): FramePort {
    return {
      open: () => this.host.call((api) => api.openStream(tracking)),
      analyze: async (bitmap, stream) => {
        if (this.disposed) {
          bitmap.close();
          throw disposedError();
        }
        const call = this.host.call((api) => api.analyze(transfer(bitmap, [bitmap]), this.calibrated(frame), id, stream));
        call.catch(() => bitmap.close());
        return (await call).result.faces;
      },
      close: (stream) => (this.disposed ? Promise.resolve() : this.host.call((api) => api.closeStream(stream))),
    };
  }

  stream(source: StreamSource, options: StreamOptions = {}): LiveStream {
    this.assertUsable(undefined);
    assertStreamSource(source);
    const resolved = resolveStreamOptions(options, this.maxFaces, this.timeoutMs);
    return startLiveStream(source, this.streamPort(resolved), resolved.handlers);
  }

  frames(source: StreamSource, options: Omit<StreamOptions, 'onResult'> = {}): AsyncIterableIterator<StreamFrameResult> {
    this.assertUsable(undefined);
    assertStreamSource(source);
    const resolved = resolveStreamOptions(options, this.maxFaces, this.timeoutMs, 'frames');
    return latestResults<StreamFrameResult>({
      start: (sink) => {
        const live = startLiveStream(source, this.streamPort(resolved), { ...resolved.handlers, onResult: sink.push });
        void live.done.then((end) => sink.end(end.reason === 'error' ? end.error : undefined));
        return live;
      },
    });
  }

  /** The worker, as one stream's frames see it: each frame a request of its own, under the stream's deadline. */
  private streamPort({ frame, tracking, timeoutMs }: ReturnType<typeof resolveStreamOptions>): StreamPort {
    return {
      open: () => this.host.call((api) => api.openStream(tracking)),
      analyze: (bitmap, id, timestampMs, signal) => {
        const request = newRequestId();
        let working: Promise<unknown> | undefined;
        const outcome = typed(async () => {
          const started = performance.now();
          if (this.disposed) {
            bitmap.close();
            throw disposedError();
          }
          const stop = callStop(signal, timeoutMs);
          try {
            const call = this.host.call((api) => api.analyze(transfer(bitmap, [bitmap]), this.calibrated(frame), request, { id, timestampMs }));
            call.catch(() => bitmap.close());
            working = call;
            const { result } = await stoppable(call, stop.signal);
            result.processing_time_ms = round(performance.now() - started, 2);
            return result;
          } finally {
            stop.release();
          }
        }, request);
        // Whatever `outcome` says (a deadline gives up on the frame at once), the worker may still be on it.
        const settled = outcome.then(() => working, () => working).then(() => undefined, () => undefined);
        return { outcome, settled };
      },
      close: (id) => (this.disposed ? Promise.resolve() : this.host.call((api) => api.closeStream(id))),
    };
  }

  get calibration(): Baseline | undefined {
    return this.baseline;
  }

  setCalibration(baseline: Baseline | null): void {
    try {
      this.baseline = baseline === null ? undefined : parseBaseline(baseline);
    } catch (error) {
      throw asEmoLensError(error);
    }
  }

  calibrate(input: ImageInput, options: Pick<DetectOptions, 'faceRange' | 'timeoutMs' | 'signal'> = {}): Promise<Baseline> {
    const id = newRequestId();
    return typed(async () => {
      const { frame, signal: caller, timeoutMs } = resolveCallOptions(options, this.maxFaces, this.timeoutMs, 'calibrate');
      this.assertUsable(caller);
      const stop = callStop(caller, timeoutMs);
      try {
        const bitmap = await stoppable(decodeImage(input, { ...this.limits, signal: stop.signal }, {}), stop.signal, (late) => late.close());
        const baseline = await this.send(bitmap, stop.signal, (api, sent) => api.calibrate(sent, frame, id));
        this.baseline = baseline;
        return baseline;
      } finally {
        stop.release();
      }
    }, id);
  }

  predictWakee(input: ImageInput, options: Omit<DetectOptions, SignalOption> = {}): Promise<WakeePrediction> {
    const id = newRequestId();
    return typed(async () => {
      // Only the learning states: the options' own signal switches (if any) are overridden.
      const { result } = await this.run(id, input, options, {}, { returnLearningStates: true, returnDimensions: false, returnLandmarks: false, returnHeadPose: false, returnActionUnits: false, returnAttention: false });
      return toWakeePrediction(result, new Date());
    }, id);
  }

  warmup(): Promise<void> {
    return typed(async () => {
      this.assertUsable(undefined);
      await this.host.call((api) => api.warmup());
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.host.dispose();
  }

  /** `frame` with the detector's baseline, unless the call gave its own (or `null`). */
  private calibrated(frame: FrameOptions): FrameOptions {
    return frame.calibration === undefined && this.baseline ? { ...frame, calibration: this.baseline } : frame;
  }

  private assertUsable(signal: AbortSignal | undefined): void {
    if (this.disposed) throw disposedError();
    if (signal?.aborted) throw abortError();
  }
}
