/**
 * Every option of the SDK, in one place: its type and documentation, its default, and its range check.
 * `createDetector` and `detect` resolve what the caller gave here, once, on the main thread; the workers get the
 * resolved objects (their configs are `Pick`s of {@link ResolvedDetectorOptions}), so no option is declared,
 * defaulted or checked anywhere else. A bad value rejects with `INVALID_REQUEST`, `details.field` naming it.
 */
import { EmoLensError, FIELD_DEFAULTS, MAX_FACES, MIN_FACE_SIZE, type WiaFaceRequestOptions } from '@emolens/schema';
import type { AssetUrlMap, ClassifierModule, WebGpuRuntime } from './assets/extras.js';
import { DEFAULT_CLASSIFIER } from './assets/registry.js';
import type { Backend, ProgressCallback } from './assets/progress.js';
import type { DetectorRange } from './pipeline/find/detector-range.js';

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
export const SIGNAL_DEFAULTS = { returnDimensions: FIELD_DEFAULTS.dimensions, returnLandmarks: FIELD_DEFAULTS.landmarks, returnHeadPose: false } as const;

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
  readonly maxFaces: number;
  readonly minFaceSize: number;
  readonly faceRange: FaceRange;
};

/**
 * Resolves the options of `createDetector`.
 * @throws EmoLensError `INVALID_REQUEST` naming the field (`details.field`) of a value out of range.
 */
export function resolveDetectorOptions(given: DetectorOptions | undefined): ResolvedDetectorOptions {
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
 * @throws EmoLensError `INVALID_REQUEST` naming the field (`details.field`) of a value out of range.
 */
export function resolveCallOptions(given: DetectOptions | undefined, detectorMaxFaces: number, detectorTimeoutMs: number): CallOptions {
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
  return { ...signals, maxFaces, minFaceSize, faceRange };
}

/**
 * The `detect` options that answer a validated WIA face request's `options` (`parseWiaFaceRequest`).
 * `return_action_units` has no signal yet and is ignored.
 */
export function detectOptionsFromWia(options: WiaFaceRequestOptions): DetectOptions {
  return {
    maxFaces: options.max_faces,
    minFaceSize: options.min_face_size,
    returnLandmarks: options.return_landmarks,
    returnDimensions: options.return_dimensions,
  };
}

/**
 * The `signal` of a call's options, checked: the options must be an object (or absent) and the signal an
 * `AbortSignal` (or absent).
 * @throws EmoLensError `INVALID_REQUEST` naming `options` or `signal`.
 */
export function callSignal(given: { signal?: AbortSignal } | undefined): AbortSignal | undefined {
  const { signal } = snapshot<DetectOptions>(given, ['signal']);
  if (signal !== undefined && !(typeof AbortSignal !== 'undefined' && signal instanceof AbortSignal)) fail('signal', 'signal must be an AbortSignal', typeof signal);
  return signal;
}

const DETECTOR_OPTION_KEYS: readonly (keyof DetectorOptions)[] = [
  'classifier', 'backend', 'webgpu', 'threads', 'baseUrl', 'cache', 'maxFaces', 'minDetectionConfidence', 'classifierWorker',
  'onProgress', 'onError', 'maxPixels', 'maxBytes', 'timeoutMs', 'startTimeoutMs', 'worker',
];
const DETECT_OPTION_KEYS: readonly (keyof DetectOptions)[] = [...(Object.keys(SIGNAL_DEFAULTS) as SignalOption[]), 'maxFaces', 'minFaceSize', 'faceRange', 'timeoutMs', 'signal'];

/**
 * The caller's options as a plain object, each known key read once: a getter or proxy trap that throws is
 * `INVALID_REQUEST` naming the key, and nothing read later can change under the SDK.
 */
function snapshot<T extends object>(options: unknown, keys: readonly (keyof T)[]): Partial<T> {
  if (options === undefined) return {};
  checkObject(options);
  const copy: Partial<T> = {};
  for (const key of keys) {
    let value: unknown;
    try {
      value = (options as Record<PropertyKey, unknown>)[key as PropertyKey];
    } catch (cause) {
      fail(String(key), `${String(key)} could not be read`, cause instanceof Error ? cause.message : String(cause));
    }
    if (value !== undefined) (copy as Record<PropertyKey, unknown>)[key as PropertyKey] = value;
  }
  return copy;
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

/** `baseUrl` must be a URL, or a string that parses as one against the page's address. */
function checkBaseUrl(baseUrl: unknown): void {
  if (baseUrl === undefined || baseUrl instanceof URL) return;
  if (typeof baseUrl !== 'string') fail('baseUrl', 'baseUrl must be a string or a URL', typeof baseUrl);
  try {
    new URL(baseUrl, globalThis.location?.href);
  } catch {
    fail('baseUrl', `baseUrl "${baseUrl}" is not a URL`, baseUrl);
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
