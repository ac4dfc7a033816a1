/**
 * Every option of the SDK, in one place: its type and documentation, its default, and its range check.
 * `createDetector` and `detect` resolve what the caller gave here, once, on the main thread; the workers get the
 * resolved objects (their configs are `Pick`s of {@link ResolvedDetectorOptions}), so no option is declared,
 * defaulted or checked anywhere else. A bad value rejects with `INVALID_REQUEST`, `details.field` naming it.
 */
import { EmoLensError, FIELD_DEFAULTS, MAX_FACES, MIN_FACE_SIZE, parseWiaVideoOptions, assertKnownKeys, readOptions, type WiaFaceRequestOptions, type WiaVideoRequestOptions, type WiaVideoRequestOptionsBody, isPlatform } from '@emolens/schema';
import { parseBaseline, type Baseline } from './pipeline/derive/baseline.js';
import type { AssetUrlMap, ClassifierModule, WebGpuRuntime } from './assets/extras.js';
import { DEFAULT_CLASSIFIER } from './assets/registry.js';
import { assetBase } from './assets/asset-urls.js';
import type { Backend, ProgressCallback } from './assets/progress.js';
import type { DetectorRange } from './pipeline/find/detector-range.js';
import type { StreamFrameResult } from './stream/live-stream.js';

/** Backend choice: `auto` picks WebGPU on a real (non-fallback) adapter that passes a self-check, else WASM. */
export type BackendPreference = 'auto' | Backend;

/**
 * Which face detector(s) to run: `short` (faces within ~2 m), `full` (faces up to ~5 m), `both`, or `auto`
 * (short, plus full on images larger than 1280×720).
 */
export type FaceRange = 'auto' | 'short' | 'full' | 'both';

const FACE_RANGES: readonly FaceRange[] = ['auto', 'short', 'full', 'both'];
const BACKENDS: readonly BackendPreference[] = ['auto', 'wasm', 'webgpu'];

/** Default pixel cap (`maxPixels`): 50 megapixels, above every phone camera, below what exhausts a tab. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/**
 * Default byte cap of an image fetched from a URL (`maxBytes`): 64 MiB, above any photo a camera writes (a
 * 50-megapixel JPEG is ~25 MB), below what a tab should buffer for one image.
 */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Default deadline of a call (`timeoutMs`): 30 s for everything a call waits on outside the SDK's control — a
 * URL download, an image or video decode, the worker's reply.
 */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Default deadline of `createDetector` (`startTimeoutMs`): 2 minutes, well above a slow first visit (about 5 MB
 * over a 1 Mbit/s link takes 40 s); a cached start takes about a second.
 */
export const DEFAULT_START_TIMEOUT_MS = 120_000;

/** Longer side above which an image is downscaled (in the worker) before detection: faces are found at a few hundred px. */
export const DETECTION_MAX_SIDE = 2048;

/** Most WASM threads an app may ask for. */
const MAX_THREADS = 16;

/**
 * Default detection thresholds per range. Short range: 0.7 — the bare detector scores background texture up
 * to 0.68 on the wild set (a building facade; a sunglass lens), while the real faces it scores lower are tight
 * crops, which the grey-border retry finds with a higher score, or small faces, which a second look confirms
 * (at this threshold minus `SECOND_LOOK_MARGIN`). Full range: 0.5 — it runs on large photos, where it is the
 * pass that finds the small faces.
 */
export const DEFAULT_MIN_DETECTION_CONFIDENCE: Readonly<Record<DetectorRange, number>> = { short: 0.7, full: 0.5 };

/** Options of `createDetector`. */
export interface DetectorOptions {
  /**
   * The emotion classifier. Defaults to `emolens-fer`, our own model. The others are modules of their own, so that
   * only an app that uses one has its model in its build: `import { humanEmotion } from
   * '@emolens/core/classifiers/human-emotion'`, then `classifier: humanEmotion`. An id string (`classifierIds()`
   * lists them) names a classifier whose model is at `baseUrl`, or the default.
   */
  classifier?: string | ClassifierModule;
  /**
   * Defaults to `auto`: WebGPU on a real adapter that passes a self-check when {@link DetectorOptions.webgpu} is given
   * (or `baseUrl` holds the WebGPU runtime), else WASM.
   */
  backend?: BackendPreference;
  /** The WebGPU runtime, `import { webgpu } from '@emolens/core/webgpu'`: without it (or `baseUrl`) WASM runs. */
  webgpu?: WebGpuRuntime;
  /**
   * WASM threads for the classifier, `auto` or 1–16. Threads need a cross-origin isolated page (served with
   * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`); elsewhere 1
   * is used. Defaults to `auto`: 2 on an isolated page with 2 or more cores, else 1.
   */
  threads?: number | 'auto';
  /** Where the assets are served (a copy of `@emolens/core/assets/`). Defaults to where the bundler put them. */
  baseUrl?: string | URL;
  /** Keep assets in the Cache API so later visits load nothing. Defaults to `true`. */
  cache?: boolean;
  /** Most faces found per image, an integer from 1 to 100. Defaults to 5. */
  maxFaces?: number;
  /**
   * Face detection confidence threshold in [0, 1]. Defaults to 0.7 for the short-range detector and 0.5 for the
   * full-range one (see {@link DEFAULT_MIN_DETECTION_CONFIDENCE}); a value given here applies to both.
   */
  minDetectionConfidence?: number;
  /**
   * Run onnxruntime-web (the face detector models and the emotion classifier) in an inference worker of its
   * own, started by the pipeline worker, so its start-up and threads stay off the pipeline worker, where
   * MediaPipe loads when a call needs the mesh. `false` keeps it in the pipeline worker (one thread fewer).
   * Where a nested worker cannot start, it runs in the pipeline worker either way. Defaults to `true`.
   */
  classifierWorker?: boolean;
  /** Loading progress: downloads, compiles, ready. */
  onProgress?: ProgressCallback;
  /**
   * Called once when the worker crashes (`INTERNAL_ERROR`, `details.kind: 'worker_crashed'`), even when no call
   * was in flight; calls in flight reject with the same error, and the next call starts a new worker.
   */
  onError?: (error: EmoLensError) => void;
  /** Inputs with more pixels are refused with `IMAGE_TOO_LARGE` before decoding. Defaults to 50 megapixels. */
  maxPixels?: number;
  /**
   * An image fetched from a URL may have at most this many bytes: the download stops there, and the call rejects
   * with `IMAGE_TOO_LARGE`. Defaults to 64 MiB ({@link DEFAULT_MAX_BYTES}).
   */
  maxBytes?: number;
  /**
   * Each call's deadline in milliseconds (`Infinity`: none): a call still waiting then on a download, a decode or
   * the worker rejects with `TIMEOUT`, its download is cancelled, and the detector stays usable. Defaults to 30 s
   * ({@link DEFAULT_TIMEOUT_MS}); a call's own `timeoutMs` overrides it.
   */
  timeoutMs?: number;
  /**
   * `createDetector`'s deadline in milliseconds (`Infinity`: none): a detector not ready by then rejects with
   * `TIMEOUT`, `details.kind: 'start_timeout'` and `details.step` naming the last loading step reached (e.g.
   * `compile blazeface-short`), and its workers are ended. Defaults to 2 minutes ({@link DEFAULT_START_TIMEOUT_MS}).
   */
  startTimeoutMs?: number;
  /**
   * A worker running `@emolens/core`'s worker entry, for bundlers that need to build it themselves. Pass a
   * function that makes one so the detector can restart it after a crash; a `Worker` instance is used once.
   */
  worker?: Worker | (() => Worker);
}

/**
 * The per-call switches of the derived signals and their defaults. Each is read by the signal in
 * `pipeline/derive/` that names it; the worker computes a signal only when its switch is on.
 */
export const SIGNAL_DEFAULTS = {
  returnDimensions: FIELD_DEFAULTS.dimensions,
  returnLandmarks: FIELD_DEFAULTS.landmarks,
  returnHeadPose: false,
  returnActionUnits: FIELD_DEFAULTS.actionUnits,
  returnAttention: false,
  returnLearningStates: false,
} as const;

/** The name of a derived signal's per-call switch. */
export type SignalOption = keyof typeof SIGNAL_DEFAULTS;

/** Options of one `detect` call. */
export interface DetectOptions extends Partial<Record<SignalOption, boolean>> {
  /** Include the 468 face-mesh points. Defaults to `false`. */
  returnLandmarks?: boolean;
  /** Include valence/arousal. Defaults to `true`. */
  returnDimensions?: boolean;
  /** Include head pose in degrees. Defaults to `false`. */
  returnHeadPose?: boolean;
  /** Include the FACS action units (`action_units`, intensities in [0, 1]; see docs/signals.md ("Action units")). Defaults to `false`. */
  returnActionUnits?: boolean;
  /** Include `attention`: eye openness, closed eyes, blink rate (streams), gaze and head pose. Defaults to `false`. */
  returnAttention?: boolean;
  /** Include the Wakee learning states (`learning_states`, 0–3; a documented prior, see docs/signals.md ("Learning states")). Defaults to `false`. */
  returnLearningStates?: boolean;
  /** At most this many faces, an integer from 1 to 100 (it may exceed the detector's). Defaults to the detector's `maxFaces`. */
  maxFaces?: number;
  /** Drop faces smaller than this many source pixels (their box's larger side). Defaults to 0. */
  minFaceSize?: number;
  /**
   * Face detector passes: `short` (faces near the camera, fastest), `full` (small, distant faces), `both`,
   * or `auto` (short, plus full on images larger than 1280×720 such as group photos). Except with `short`, an
   * image whose short side is 1024 px or more is also searched tile by tile when the whole-image passes found
   * no face or a crowd (6 or more). Defaults to `auto`.
   */
  faceRange?: FaceRange;
  /** This call's deadline in milliseconds (`Infinity`: none). Defaults to the detector's `timeoutMs` (30 s). */
  timeoutMs?: number;
  /** Aborting rejects the call with `ABORTED`; the detector stays usable. */
  signal?: AbortSignal;
  /**
   * A neutral baseline (what `detector.calibrate()` returned, kept by the app) to measure action units and gaze
   * from; `null`: none, even when the detector has one. Defaults to the detector's (`calibrate()`/`setCalibration()`).
   */
  calibration?: Baseline | null;
}

/** {@link DetectorOptions} with every default filled in and every value checked (callbacks and `worker` apart). */
export interface ResolvedDetectorOptions {
  classifier: string;
  backend: BackendPreference;
  /** Asset URLs the optional modules given (classifier, WebGPU) add. */
  extraAssetUrls: AssetUrlMap;
  threads: number | 'auto';
  baseUrl: string | URL | undefined;
  cache: boolean;
  maxFaces: number;
  /** The threshold of each detector range. */
  minDetectionConfidence: Readonly<Record<DetectorRange, number>>;
  /** Run onnxruntime in an inference worker of its own (the public `classifierWorker`). */
  inferenceWorker: boolean;
  maxPixels: number;
  maxBytes: number;
  timeoutMs: number;
  startTimeoutMs: number;
  onProgress: ProgressCallback | undefined;
  onError: DetectorOptions['onError'];
  worker: DetectorOptions['worker'];
}

/** {@link DetectOptions} as one frame's pipeline takes them: resolved, and without the signal. */
export type FrameOptions = Readonly<Record<SignalOption, boolean>> & {
  /** The neutral baseline to measure action units and gaze from; `null`: none, whatever the detector's. */
  readonly calibration?: Baseline | null;
  readonly maxFaces: number;
  readonly minFaceSize: number;
  readonly faceRange: FaceRange;
};

/**
 * Resolves the options of `createDetector`.
 * @throws EmoLensError `INVALID_REQUEST` naming the field (`details.field`) of a value out of range.
 */
export function resolveDetectorOptions(given: DetectorOptions | undefined): ResolvedDetectorOptions {
  checkKeys(given, 'createDetector');
  const options = snapshot<DetectorOptions>(given, DETECTOR_OPTION_KEYS);
  for (const field of ['onProgress', 'onError'] as const) {
    if (options[field] !== undefined && typeof options[field] !== 'function') fail(field, `${field} must be a function`, typeof options[field]);
  }
  const { worker } = options;
  if (worker !== undefined && typeof worker !== 'function' && typeof (worker as { postMessage?: unknown } | null)?.postMessage !== 'function') {
    fail('worker', 'worker must be a Worker or a function that makes one', typeof worker);
  }
  checkBaseUrl(options.baseUrl);
  const { classifier, urls: classifierUrls } = checkClassifier(options.classifier ?? DEFAULT_CLASSIFIER);
  const webgpuUrls = options.webgpu === undefined ? {} : checkModule(options.webgpu, 'webgpu', (m) => (m as WebGpuRuntime).backend === 'webgpu');
  const backend = options.backend ?? 'auto';
  if (!BACKENDS.includes(backend)) fail('backend', "backend must be 'auto', 'wasm' or 'webgpu'", backend);
  const threads = options.threads ?? 'auto';
  if (threads !== 'auto' && !(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) {
    fail('threads', `threads must be 'auto' or an integer from 1 to ${MAX_THREADS}`, threads);
  }
  const maxFaces = checkMaxFaces(options.maxFaces ?? MAX_FACES.default);
  const confidence = options.minDetectionConfidence;
  if (confidence !== undefined && !(typeof confidence === 'number' && confidence >= 0 && confidence <= 1)) {
    fail('minDetectionConfidence', 'minDetectionConfidence must be a number from 0 to 1', confidence);
  }
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(typeof maxPixels === 'number' && Number.isFinite(maxPixels) && maxPixels >= 1)) fail('maxPixels', 'maxPixels must be a positive number', maxPixels);
  const timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const startTimeoutMs = checkTimeout(options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS, 'startTimeoutMs');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(typeof maxBytes === 'number' && Number.isFinite(maxBytes) && maxBytes >= 1)) fail('maxBytes', 'maxBytes must be a positive number', maxBytes);
  return {
    classifier,
    backend,
    extraAssetUrls: { ...classifierUrls, ...webgpuUrls },
    threads,
    baseUrl: options.baseUrl,
    cache: flag(options, 'cache', true),
    maxFaces,
    minDetectionConfidence: confidence === undefined ? DEFAULT_MIN_DETECTION_CONFIDENCE : { short: confidence, full: confidence },
    inferenceWorker: flag(options, 'classifierWorker', true),
    maxPixels,
    maxBytes,
    timeoutMs,
    startTimeoutMs,
    onProgress: options.onProgress,
    onError: options.onError,
    worker,
  };
}

/** One `detect` call's options, resolved: what the worker gets, and what stays on the page. */
export interface CallOptions {
  frame: FrameOptions;
  signal: AbortSignal | undefined;
  /** The call's deadline in milliseconds. */
  timeoutMs: number;
}

/**
 * Resolves the options of one `detect` call (each read once) for a detector whose `maxFaces` is
 * `detectorMaxFaces` (the call's default) and whose deadline is `detectorTimeoutMs`.
 * @throws EmoLensError `INVALID_REQUEST` naming the field (`details.field`) of a value out of range, or of a key
 * the call does not take (`details.kind: 'unknown_option'`).
 */
export function resolveCallOptions(given: DetectOptions | undefined, detectorMaxFaces: number, detectorTimeoutMs: number, call: 'detect' | 'calibrate' | 'predictWakee' = 'detect'): CallOptions {
  checkKeys(given, call);
  return readCallOptions(given, detectorMaxFaces, detectorTimeoutMs);
}

/** {@link resolveCallOptions} for calls that take more keys (streams, videos), which check their keys themselves. */
function readCallOptions(given: DetectOptions | undefined, detectorMaxFaces: number, detectorTimeoutMs: number): CallOptions {
  const options = snapshot<DetectOptions>(given, DETECT_OPTION_KEYS);
  return { frame: frameOptions(options, detectorMaxFaces), signal: callSignal(options), timeoutMs: callTimeout(options, detectorTimeoutMs) };
}

/** The worker's part of {@link resolveCallOptions}. */
export function resolveDetectOptions(given: DetectOptions | undefined, detectorMaxFaces: number): FrameOptions {
  return resolveCallOptions(given, detectorMaxFaces, DEFAULT_TIMEOUT_MS).frame;
}

function frameOptions(options: Partial<DetectOptions>, detectorMaxFaces: number): FrameOptions {
  const maxFaces = checkMaxFaces(options.maxFaces ?? detectorMaxFaces);
  const minFaceSize = options.minFaceSize ?? MIN_FACE_SIZE.default;
  if (!(typeof minFaceSize === 'number' && Number.isFinite(minFaceSize) && minFaceSize >= MIN_FACE_SIZE.min)) {
    fail('minFaceSize', 'minFaceSize must be a number of pixels, 0 or more', minFaceSize);
  }
  const faceRange = options.faceRange ?? 'auto';
  if (!FACE_RANGES.includes(faceRange)) fail('faceRange', "faceRange must be 'auto', 'short', 'full' or 'both'", faceRange);
  const signals = Object.fromEntries(
    (Object.keys(SIGNAL_DEFAULTS) as SignalOption[]).map((name) => [name, flag(options, name, SIGNAL_DEFAULTS[name])]),
  ) as Record<SignalOption, boolean>;
  const calibration = options.calibration === undefined || options.calibration === null ? options.calibration : parseBaseline(options.calibration);
  return { ...signals, ...(calibration !== undefined ? { calibration } : {}), maxFaces, minFaceSize, faceRange };
}

/** The `detect` options that answer a validated WIA face request's `options` (`parseWiaFaceRequest`). */
export function detectOptionsFromWia(options: WiaFaceRequestOptions): DetectOptions {
  return {
    maxFaces: options.max_faces,
    minFaceSize: options.min_face_size,
    returnLandmarks: options.return_landmarks,
    returnDimensions: options.return_dimensions,
    returnActionUnits: options.return_action_units,
  };
}

/**
 * The options each WIA request carries in its body (its name there, and the SDK's), for the error of one given beside
 * `signal`: the face request's, and the video request's.
 */
const IN_THE_REQUEST_BODY = {
  face: bodyOptions([['maxFaces', 'max_faces'], ['minFaceSize', 'min_face_size'], ['returnLandmarks', 'return_landmarks'], ['returnDimensions', 'return_dimensions'], ['returnActionUnits', 'return_action_units']]),
  video: bodyOptions([['sampleRate', 'sample_rate'], ['startTimeMs', 'start_time_ms'], ['endTimeMs', 'end_time_ms'], ['trackFaces', 'track_faces']]),
} as const;

function bodyOptions(pairs: readonly (readonly [string, string])[]): ReadonlyMap<string, string> {
  return new Map(pairs.flatMap(([key, wia]) => [key, wia].map((name) => [name, `the request body, as options.${wia}`] as const)));
}

/**
 * The options of a REST-shaped call (`analyzeFace`, `analyzeFaceVideo`): its request body holds the options, so the
 * second argument takes only `signal`.
 * @throws EmoLensError `INVALID_REQUEST` naming `options`, `signal`, or another key (`details.kind: 'unknown_option'`).
 */
export function requestSignal(given: { signal?: AbortSignal } | undefined, request: keyof typeof IN_THE_REQUEST_BODY): AbortSignal | undefined {
  if (given !== undefined) {
    checkObject(given);
    assertKnownKeys(given, ['signal'], IN_THE_REQUEST_BODY[request]);
  }
  return callSignal(given);
}

/**
 * The `signal` of a call's options, checked: the options must be an object (or absent) and the signal an
 * `AbortSignal` (or absent).
 * @throws EmoLensError `INVALID_REQUEST` naming `options` or `signal`.
 */
export function callSignal(given: { signal?: AbortSignal } | undefined): AbortSignal | undefined {
  const { signal } = snapshot<DetectOptions>(given, ['signal']);
  if (signal !== undefined && !isPlatform(signal, 'AbortSignal')) fail('signal', 'signal must be an AbortSignal', typeof signal);
  return signal;
}

// ---------------------------------------------------------------------------------------------------------
// Tracking: how a stream's frames are tied together (stable face ids, smoothing, label hysteresis). The main
// thread resolves them once per stream; the pipeline worker's `openStream` takes the resolved object.

/**
 * How a stream smooths each face's class probabilities and dimensions over time:
 * - `one-euro`: the 1€ filter (Casiez et al., CHI 2012): a low-pass whose cutoff rises with the speed of change,
 *   so a steady face is steady and a real change comes through with little lag;
 * - `ema`: an exponential moving average with a fixed half-life (in ms, so the same at any frame rate);
 * - `off`: every frame's own values.
 */
export type Smoothing = 'one-euro' | 'ema' | 'off';

const SMOOTHINGS: readonly Smoothing[] = ['one-euro', 'ema', 'off'];

/** Options of a stream's tracking: how faces keep their `face_id` and how their values are smoothed. */
export interface TrackingOptions {
  /**
   * How long, in ms of the frames' timestamps since it was last seen, a face that is no longer found keeps its
   * `face_id` (it is not reported meanwhile): a face found again within it, where its motion predicts, gets its id
   * back; after it, it is a new face with a new id (0: a face missing from one frame is new when it comes back).
   * From 0 to 10000. Defaults to 500 ({@link TRACKING_DEFAULTS}).
   */
  trackGraceMs?: number;
  /** How values are smoothed over time (see {@link Smoothing}). Defaults to `one-euro`. */
  smoothing?: Smoothing;
  /**
   * The 1€ filter's cutoff, in Hz, while a value holds still: lower is steadier and lags more. Greater than 0, at
   * most 100. Defaults to 0.5.
   */
  smoothingMinCutoffHz?: number;
  /**
   * The 1€ filter's speed coefficient: how much the cutoff rises per unit per second of change (probabilities
   * and dimensions change by at most 1 or 2): higher follows fast changes more closely, and passes more of a
   * one-frame glitch. From 0 to 100. Defaults to 0.3.
   */
  smoothingBeta?: number;
  /** The half-life, in ms, of the `ema` smoothing. Greater than 0, at most 10000. Defaults to 150. */
  emaHalfLifeMs?: number;
  /**
   * The margin, a probability from 0 to 1, by which another class's smoothed probability must exceed the reported
   * label's before `emotions.primary` changes to it; 0 turns hysteresis off (`primary` is then always the first
   * of `emotions.all`). Defaults to 0.1.
   */
  labelHysteresis?: number;
  /**
   * How long, in ms of the frames' timestamps, one face detection serves the frames after it: a frame captured
   * less than this after the last frame that ran the detector takes that frame's faces (their boxes and crop
   * frames) instead of detecting again, and is classified from its own pixels. 0: every frame runs the
   * detector. Frames whose signals need the face mesh always run it. From 0 to 1000. Defaults to 25 for a live
   * stream, which at 60 fps detects on every other frame and at 30 fps or slower on every frame; 0 for
   * `analyzeVideo` (a file waits for no one).
   */
  detectionReuseMs?: number;
  /**
   * Learn each face's neutral baseline from its frames and measure its action units and gaze from it (see
   * docs/signals.md ("Calibration")); it starts from `detector.calibrate()`'s baseline when one is set. Only signals
   * that read the mesh use it. Defaults to `true`.
   */
  calibrate?: boolean;
}

/** {@link TrackingOptions} with every default filled in and every value checked. */
export type ResolvedTrackingOptions = Readonly<Required<TrackingOptions>>;

/**
 * The defaults of {@link TrackingOptions}, and why:
 * - `trackGraceMs: 500`: a face the detector misses for a few frames (a head turned too far, a hand passing) keeps
 *   its id, for up to 15 frames at 30 fps; a longer gap is more often someone leaving and someone else arriving,
 *   who must not inherit the id.
 * - `smoothing: 'one-euro'`: a classifier's probabilities jitter from frame to frame on a steady face, and an
 *   expression changes within a few hundred ms; the 1€ filter smooths the first without lagging the second,
 *   which a fixed average cannot do.
 * - `smoothingMinCutoffHz: 0.5` and `smoothingBeta: 0.3`: tuned on simulated classifier output at 30 fps. A steady
 *   face's frame-to-frame noise (σ 0.05) comes out at σ 0.014; a one-frame glitch of 0.8 (a blink, motion blur) at
 *   0.26; a change from 0 to 0.8 over 300 ms reaches 0.7 at 330 ms, 70 ms after the input does. Casiez et al.'s
 *   starting point (1 Hz, beta 0) is noisier (σ 0.016) and takes 500 ms; a higher beta follows faster but lets
 *   glitches through (at 1, more than half of one); a higher cutoff is noisier at rest for little gain.
 * - `emaHalfLifeMs: 150`: as steady at rest as the 1€ default (noise σ 0.05 comes out at σ 0.014 too); it then
 *   takes 630 ms to follow that change of expression to 0.7, which is what the 1€ filter's speed term avoids.
 * - `labelHysteresis: 0.1`: after smoothing, two close classes still trade places by a few hundredths of
 *   probability; a lead of ten points is a real change of expression.
 * - `detectionReuseMs: 25`: the detector is two thirds of a frame's work (6.6 of 9.7 ms for one face, `pnpm bench`),
 *   and a face moves little in one 60 fps frame: at 320 px/s, 5 px, 3 % of a 150 px face, well inside the
 *   shifts the classifier is trained to ignore (±8 %). Below 40 fps every frame is detected, as before.
 */
export const TRACKING_DEFAULTS: ResolvedTrackingOptions = {
  trackGraceMs: 500,
  smoothing: 'one-euro',
  smoothingMinCutoffHz: 0.5,
  smoothingBeta: 0.3,
  emaHalfLifeMs: 150,
  labelHysteresis: 0.1,
  detectionReuseMs: 25,
  calibrate: true,
};

/**
 * `analyzeVideo`'s tracking defaults: those of a stream, but every frame detected (`detectionReuseMs: 0`). Reuse
 * saves a live stream its detector's time on fast cameras; a file waits for no one, and a reused box belongs to
 * another frame (at 60 fps a face that left the picture was still reported on the next frame).
 */
export const VIDEO_TRACKING_DEFAULTS: ResolvedTrackingOptions = { ...TRACKING_DEFAULTS, detectionReuseMs: 0 };

/**
 * The range of each numeric tracking option. `above`: the lower bound is excluded (a 1€ cutoff or a half-life of
 * 0 would hold a value still for ever). The upper bounds are beyond any use (a 100 Hz cutoff passes every frame
 * of a camera as it is) and keep the maths finite.
 */
const TRACKING_RANGES = {
  trackGraceMs: { min: 0, max: 10_000, above: false, unit: 'a number of milliseconds' },
  smoothingMinCutoffHz: { min: 0, max: 100, above: true, unit: 'a frequency in Hz' },
  smoothingBeta: { min: 0, max: 100, above: false, unit: 'a number' },
  emaHalfLifeMs: { min: 0, max: 10_000, above: true, unit: 'a number of milliseconds' },
  labelHysteresis: { min: 0, max: 1, above: false, unit: 'a probability' },
  detectionReuseMs: { min: 0, max: 1000, above: false, unit: 'a number of milliseconds' },
} as const satisfies Record<Exclude<keyof TrackingOptions, 'smoothing' | 'calibrate'>, { min: number; max: number; above: boolean; unit: string }>;

const TRACKING_OPTION_KEYS: readonly (keyof TrackingOptions)[] = ['trackGraceMs', 'smoothing', 'smoothingMinCutoffHz', 'smoothingBeta', 'emaHalfLifeMs', 'labelHysteresis', 'detectionReuseMs', 'calibrate'];

/**
 * Resolves the tracking options of a stream (each read once; a resolved object resolves to itself), over `defaults`.
 * @throws EmoLensError `INVALID_REQUEST` naming the field (`details.field`) of a value out of range, of the wrong
 * type, or that cannot be read (a getter or proxy trap that throws), or `options` when they are not an object.
 */
export function resolveTrackingOptions(options: TrackingOptions | undefined, defaults: ResolvedTrackingOptions = TRACKING_DEFAULTS): ResolvedTrackingOptions {
  const given = snapshot<TrackingOptions>(options, TRACKING_OPTION_KEYS);
  const smoothing = given.smoothing ?? defaults.smoothing;
  if (!SMOOTHINGS.includes(smoothing)) fail('smoothing', "smoothing must be 'one-euro', 'ema' or 'off'", smoothing);
  const calibrate = given.calibrate ?? defaults.calibrate;
  if (typeof calibrate !== 'boolean') fail('calibrate', 'calibrate must be true or false', calibrate);
  const number = (field: keyof typeof TRACKING_RANGES): number => {
    const value = given[field] ?? defaults[field];
    const { min, max, above, unit } = TRACKING_RANGES[field];
    if (!(typeof value === 'number' && (above ? value > min : value >= min) && value <= max)) {
      fail(field, `${field} must be ${unit} ${above ? 'greater than' : 'from'} ${min} ${above ? 'and at most' : 'to'} ${max}`, value);
    }
    return value;
  };
  return {
    trackGraceMs: number('trackGraceMs'),
    smoothing,
    smoothingMinCutoffHz: number('smoothingMinCutoffHz'),
    smoothingBeta: number('smoothingBeta'),
    emaHalfLifeMs: number('emaHalfLifeMs'),
    labelHysteresis: number('labelHysteresis'),
    detectionReuseMs: number('detectionReuseMs'),
    calibrate,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Streams: `detector.stream()` / `detector.frames()` take the detect options, the tracking options and these.

/**
 * The callbacks of a live stream. What a callback throws is the app's own error: it is reported as an event
 * listener's is (`reportError`: the page's `error` event), never as a frame's error, and the stream goes on.
 */
export interface StreamCallbacks {
  /** Each result, in order, with the stream's figures (see `StreamFrameResult`). */
  onResult?: (frame: StreamFrameResult) => void;
  /** A frame's error that did not end the stream (the next frame is tried). */
  onError?: (error: EmoLensError) => void;
}

/**
 * Options of {@link Detector.stream}: what `detect` takes (the per-frame deadline `timeoutMs`, the `signal` that
 * ends the stream), how faces are tracked and smoothed ({@link TrackingOptions}), and the callbacks.
 */
export type StreamOptions = DetectOptions & TrackingOptions & StreamCallbacks;

/** {@link StreamOptions}, resolved: the frame options every frame uses, the tracking options, the callbacks. */
export interface ResolvedStreamOptions {
  frame: FrameOptions;
  tracking: ResolvedTrackingOptions;
  timeoutMs: number;
  handlers: StreamCallbacks & { signal?: AbortSignal };
}

const STREAM_CALLBACK_KEYS: readonly (keyof StreamCallbacks)[] = ['onResult', 'onError'];

/**
 * Resolves a stream's options once, at its start (each read once).
 * @throws EmoLensError `INVALID_REQUEST` naming the field of a bad value, or `options` when they are no object.
 */
export function resolveStreamOptions(given: StreamOptions | undefined, detectorMaxFaces: number, detectorTimeoutMs: number, call: 'stream' | 'frames' = 'stream'): ResolvedStreamOptions {
  checkKeys(given, call);
  const { frame, signal, timeoutMs } = readCallOptions(given, detectorMaxFaces, detectorTimeoutMs);
  const tracking = resolveTrackingOptions(given);
  const callbacks = snapshot<StreamCallbacks>(given, STREAM_CALLBACK_KEYS);
  for (const key of STREAM_CALLBACK_KEYS) {
    if (callbacks[key] !== undefined && typeof callbacks[key] !== 'function') fail(key, `${key} must be a function`, typeof callbacks[key]);
  }
  return { frame, tracking, timeoutMs, handlers: { ...callbacks, ...(signal ? { signal } : {}) } };
}

// ---------------------------------------------------------------------------------------------------------
// Video files: `detector.analyzeVideo()` takes the WIA video request's options under their WIA names (their ranges
// and defaults are @emolens/schema's, `parseWiaVideoOptions` and `WIA_VIDEO_REQUEST_DEFAULTS`, shared with
// `parseWiaVideoRequest`), the detect options every frame uses, the tracking options, and these.

/** How far `analyzeVideo` is, after each analysed frame. */
export interface VideoProgress {
  /** Frames analysed so far; the last call has `⌈frame_count / sample_rate⌉`, less the frames damaged data cost (`undecodable_frames`). */
  analyzed_frames: number;
  /** Frames of the video within the analysed span (the result's `frame_count`). */
  frame_count: number;
  /** The timestamp of the frame just analysed, in ms from the video's start. */
  timestamp_ms: number;
}

/**
 * The options of `analyzeVideo` of its own: the WIA video request's `options` (`sample_rate`, `start_time_ms`,
 * `end_time_ms`, `track_faces`, with the standard's names and defaults) and these.
 */
export interface VideoCallOptions extends WiaVideoRequestOptionsBody {
  /**
   * For an array of frames only: its frame rate, in frames per second — frame `i` is at `i × 1000 / frame_rate` ms,
   * which places the window (`start_time_ms`, `end_time_ms`), gives each frame its `timestamp_ms`, and is the clock
   * of tracking and smoothing. Greater than 0, at most 1000. Defaults to 30 ({@link DEFAULT_FRAME_RATE}). A video
   * file has its own timestamps: giving it one is `INVALID_REQUEST`.
   */
  frame_rate?: number;
  /**
   * Called after each analysed frame, in order. What it throws is reported as an event listener's error is (the page's
   * `error` event), and the analysis goes on.
   */
  onProgress?: (progress: VideoProgress) => void;
}

/**
 * Options of {@link Detector.analyzeVideo}: which frames ({@link VideoCallOptions}), what each frame computes
 * ({@link DetectOptions}: `maxFaces`, `returnLandmarks`, … — `timeoutMs` and `signal` are the whole call's), and, with
 * `track_faces` (the default), how faces are tracked and smoothed ({@link TrackingOptions}).
 */
export type VideoOptions = DetectOptions & TrackingOptions & VideoCallOptions;

/**
 * The frame rate given to an array of frames (WIA `frames_base64`, which has no times) when the call gives none: 30
 * frames per second, the common rate of video (and the one `MAX_FRAMES_BASE64`, a thousand frames, is half a minute
 * of).
 */
export const DEFAULT_FRAME_RATE = 30;

/** Most `frame_rate`: beyond it, frames would be closer than the 0.1 ms in which timestamps tell frames apart. */
const MAX_FRAME_RATE = 1000;
/** Slowest `frame_rate`: one frame every 1,000 s (slower rates made timestamps overflow past 1e300 ms). */
const MIN_FRAME_RATE = 0.001;

/** {@link VideoOptions}, resolved. */
export interface ResolvedVideoOptions {
  frame: FrameOptions;
  tracking: ResolvedTrackingOptions;
  /** The WIA options, defaults filled in (`end_time_ms` absent: the video's end). */
  video: WiaVideoRequestOptions;
  /** An array's frame rate (`frame_rate`, or {@link DEFAULT_FRAME_RATE}); `undefined` for a video file. */
  frameRate: number | undefined;
  onProgress: VideoCallOptions['onProgress'];
  signal: AbortSignal | undefined;
  /** The whole call's deadline in milliseconds. */
  timeoutMs: number;
}

const VIDEO_OPTION_KEYS: readonly (keyof VideoCallOptions)[] = ['sample_rate', 'start_time_ms', 'end_time_ms', 'track_faces', 'frame_rate', 'onProgress'];

/**
 * Resolves the options of one `analyzeVideo` call (each read once) for an input that is an array of frames
 * (`frames`) or a video file (`file`). The WIA options are named as given (`details.field: 'sample_rate'`).
 * @throws EmoLensError `INVALID_REQUEST` naming the field of a bad value (`frame_rate` for a file), or `options`
 * when they are no object.
 */
export function resolveVideoOptions(given: VideoOptions | undefined, detectorMaxFaces: number, detectorTimeoutMs: number, input: 'frames' | 'file'): ResolvedVideoOptions {
  checkKeys(given, 'analyzeVideo');
  const { frame, signal, timeoutMs } = readCallOptions(given, detectorMaxFaces, detectorTimeoutMs);
  // A file is analysed offline: no frame is late, so each is detected unless the caller asks for reuse.
  const tracking = resolveTrackingOptions(given, VIDEO_TRACKING_DEFAULTS);
  const { frame_rate: frameRate, onProgress, ...wia } = snapshot<VideoCallOptions>(given, VIDEO_OPTION_KEYS);
  const video = parseWiaVideoOptions(wia, '');
  if (frameRate !== undefined && !(typeof frameRate === 'number' && frameRate >= MIN_FRAME_RATE && frameRate <= MAX_FRAME_RATE)) {
    fail('frame_rate', `frame_rate must be a number of frames per second from ${MIN_FRAME_RATE} to ${MAX_FRAME_RATE}`, frameRate);
  }
  if (frameRate !== undefined && input === 'file') fail('frame_rate', 'frame_rate applies to an array of frames: a video file has its own timestamps', frameRate);
  if (onProgress !== undefined && typeof onProgress !== 'function') fail('onProgress', 'onProgress must be a function', typeof onProgress);
  return { frame, tracking, video, frameRate: input === 'frames' ? (frameRate ?? DEFAULT_FRAME_RATE) : undefined, onProgress, signal, timeoutMs };
}

// Records of each interface's keys, so that an option added to the interface and not here fails to compile.
const DETECTOR_OPTION_KEYS = Object.keys({
  classifier: true, backend: true, webgpu: true, threads: true, baseUrl: true, cache: true, maxFaces: true, minDetectionConfidence: true,
  classifierWorker: true, onProgress: true, onError: true, maxPixels: true, maxBytes: true, timeoutMs: true, startTimeoutMs: true, worker: true,
} satisfies Record<keyof DetectorOptions, true>) as (keyof DetectorOptions)[];
const DETECT_OPTION_KEYS: readonly (keyof DetectOptions)[] = [...(Object.keys(SIGNAL_DEFAULTS) as SignalOption[]), 'maxFaces', 'minFaceSize', 'faceRange', 'timeoutMs', 'signal', 'calibration'];

/** The keys each kind of call takes, and the name it goes by in an error. */
const CALL_KEYS = {
  createDetector: { name: 'createDetector()', keys: DETECTOR_OPTION_KEYS as readonly string[] },
  detect: { name: 'detect()', keys: DETECT_OPTION_KEYS as readonly string[] },
  calibrate: { name: 'calibrate()', keys: ['faceRange', 'timeoutMs', 'signal'] as readonly string[] },
  // predictWakee sets the signals itself (learning states on, the others off).
  predictWakee: { name: 'predictWakee()', keys: DETECT_OPTION_KEYS.filter((key) => !(key in SIGNAL_DEFAULTS)) as readonly string[] },
  stream: { name: 'stream()', keys: [...DETECT_OPTION_KEYS, ...TRACKING_OPTION_KEYS, ...STREAM_CALLBACK_KEYS] as readonly string[] },
  // frames() hands each result to its loop: it has no onResult.
  frames: { name: 'frames()', keys: [...DETECT_OPTION_KEYS, ...TRACKING_OPTION_KEYS, 'onError'] as readonly string[] },
  analyzeVideo: { name: 'analyzeVideo()', keys: [...DETECT_OPTION_KEYS, ...TRACKING_OPTION_KEYS, ...VIDEO_OPTION_KEYS] as readonly string[] },
} as const;

/** Each call's {@link keysElsewhere}, built on its first use: every call checks its keys. */
const ELSEWHERE = new Map<keyof typeof CALL_KEYS, ReadonlyMap<string, string>>();

/** The keys that other calls take and `call` does not, each with the first such call's name. */
function keysElsewhere(call: keyof typeof CALL_KEYS): ReadonlyMap<string, string> {
  let elsewhere = ELSEWHERE.get(call);
  if (!elsewhere) {
    const own = CALL_KEYS[call].keys;
    const built = new Map<string, string>();
    for (const { name, keys } of Object.values(CALL_KEYS)) {
      for (const key of keys) if (!own.includes(key) && !built.has(key)) built.set(key, name);
    }
    ELSEWHERE.set(call, (elsewhere = built));
  }
  return elsewhere;
}

/**
 * Refuses the first own key of the caller's options that `call` does not take (`INVALID_REQUEST`, `details.kind:
 * 'unknown_option'`): a misspelt option must not fall back to its default unnoticed. Inherited keys are not
 * looked at (an options object may be a class instance).
 */
function checkKeys(options: unknown, call: keyof typeof CALL_KEYS): void {
  if (options === undefined) return;
  checkObject(options);
  assertKnownKeys(options, CALL_KEYS[call].keys, keysElsewhere(call));
}

/** The caller's options as a plain object, each of `keys` read once (`readOptions`), after checking they are an object. */
function snapshot<T extends object>(options: unknown, keys: readonly (keyof T & string)[]): Partial<T> {
  if (options === undefined) return Object.create(null) as Partial<T>;
  checkObject(options);
  return readOptions(options as T, keys);
}

function checkObject(options: unknown): asserts options is object {
  let array = false;
  try {
    array = Array.isArray(options);
  } catch {
    // Only a revoked proxy makes Array.isArray throw (found by the fuzzer): nothing can be read from it.
    fail('options', 'options could not be read', 'a revoked proxy');
  }
  if (typeof options !== 'object' || options === null || array) fail('options', 'options must be an object', options === null ? 'null' : array ? 'array' : typeof options);
}

/** `baseUrl` must be a URL, or a string that parses as one against the page's address, of a folder that can hold files. */
function checkBaseUrl(baseUrl: unknown): void {
  if (baseUrl === undefined) return;
  if (typeof baseUrl !== 'string' && !isPlatform(baseUrl, 'URL')) fail('baseUrl', 'baseUrl must be a string or a URL', typeof baseUrl);
  try {
    assetBase(baseUrl as string | URL);
  } catch {
    fail('baseUrl', `baseUrl "${String(baseUrl)}" is not the URL of a folder`, String(baseUrl));
  }
}

/**
 * The deadline of one call: its own `timeoutMs`, else the detector's.
 * @throws EmoLensError `INVALID_REQUEST` naming `timeoutMs`.
 */
export function callTimeout(given: Pick<DetectOptions, 'timeoutMs'> | undefined, detectorTimeoutMs: number): number {
  const { timeoutMs } = snapshot<DetectOptions>(given, ['timeoutMs']);
  return timeoutMs === undefined ? detectorTimeoutMs : checkTimeout(timeoutMs);
}

/** A classifier id, or a classifier module's id and asset URLs. */
function checkClassifier(classifier: unknown): { classifier: string; urls: AssetUrlMap } {
  if (typeof classifier === 'string') return { classifier, urls: {} };
  let id: unknown; // read once: a getter may change its answer
  const urls = checkModule(classifier, 'classifier', (m) => typeof (id = (m as ClassifierModule).id) === 'string');
  return { classifier: id as string, urls };
}

/** The asset URLs of an optional module (`@emolens/core/webgpu`, `@emolens/core/classifiers/<id>`), checked. */
function checkModule(value: unknown, field: 'classifier' | 'webgpu', isKind: (module: object) => boolean): AssetUrlMap {
  let urls: unknown;
  let valid = false;
  try {
    urls = typeof value === 'object' && value !== null ? (value as { assetUrls?: unknown }).assetUrls : undefined;
    urls = typeof urls === 'object' && urls !== null ? { ...urls } : undefined; // read once: a getter may change its answer
    valid = urls !== undefined && Object.values(urls as object).every((url) => typeof url === 'function') && isKind(value as object);
  } catch {
    // a getter or proxy trap that throws: not a module of the SDK's
  }
  if (!valid) {
    const expected = field === 'webgpu' ? "the export of '@emolens/core/webgpu'" : "a classifier id or the export of '@emolens/core/classifiers/<id>'";
    fail(field, `${field} must be ${expected}`, typeof value);
  }
  return urls as AssetUrlMap;
}

function checkTimeout(timeoutMs: unknown, field: 'timeoutMs' | 'startTimeoutMs' = 'timeoutMs'): number {
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0)) fail(field, `${field} must be a positive number of milliseconds (Infinity: no deadline)`, timeoutMs);
  return timeoutMs;
}

function checkMaxFaces(maxFaces: unknown): number {
  if (!(typeof maxFaces === 'number' && Number.isInteger(maxFaces) && maxFaces >= MAX_FACES.min && maxFaces <= MAX_FACES.max)) {
    fail('maxFaces', `maxFaces must be an integer from ${MAX_FACES.min} to ${MAX_FACES.max}`, maxFaces);
  }
  return maxFaces;
}

/** A boolean option, or its default when absent. */
function flag<K extends string>(options: Partial<Record<K, unknown>>, field: K, fallback: boolean): boolean {
  const value = options[field] ?? fallback;
  if (typeof value !== 'boolean') fail(field, `${field} must be true or false`, value);
  return value;
}

function fail(field: string, message: string, value: unknown): never {
  throw new EmoLensError('INVALID_REQUEST', message, { field, value: shown(value) });
}

/**
 * The caller's bad value as the error's details hold it. An error must survive `JSON.stringify` and
 * `postMessage`, which throw on a BigInt, a symbol, a function or a proxy whose traps throw (found by the
 * fuzzer): only finite numbers, booleans, null and strings (cut to 100 characters) are kept; anything else is
 * named (`NaN`, `5n`, `object`, `function`).
 */
function shown(value: unknown): string | number | boolean | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return value.length > 100 ? `${value.slice(0, 100)}…` : value;
  if (typeof value === 'boolean' || value === null) return value;
  return typeof value === 'bigint' ? `${value}n` : typeof value;
}
