/**
 * The main-thread side of a detector: starts the worker, decodes inputs, and talks to the pipeline
 * through the one typed interface of `worker/api.ts`. No inference runs on this thread.
 */
import { transfer } from 'comlink';
import { EmoLensError, parseWiaFaceRequest, type WiaFaceResult } from '@emolens/schema';
import { resolveAssetUrls } from './assets/asset-urls.js';
import type { Backend, ProgressCallback } from './assets/progress.js';
import { DEFAULT_CLASSIFIER } from './assets/registry.js';
import { DEFAULT_MAX_PIXELS, decodeImage, type ImageInput } from './input/decode.js';
import { toSourcePixels } from './input/rescale.js';
import type { FaceRange } from './pipeline/faces.js';
import type { BackendPreference, StageTimings } from './worker/api.js';
import { registerErrorTransfer } from './worker/error-transfer.js';
import { WorkerHost } from './worker-host.js';

/** Options of {@link createDetector}. */
export interface DetectorOptions {
  /** Emotion classifier id (default `emolens-fer`, our own model; `classifierIds()` lists the others). */
  classifier?: string;
  /** `auto` (default): WebGPU on a real adapter that passes a self-check, else WASM. */
  backend?: BackendPreference;
  /**
   * WASM threads for the classifier. Threads need a cross-origin isolated page (served with
   * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`); elsewhere 1
   * is used. Default `auto`: 2 on an isolated page with 2 or more cores, else 1.
   */
  threads?: number | 'auto';
  /** Where the assets are served (a copy of `@emolens/core/assets/`); default: where the bundler put them. */
  baseUrl?: string | URL;
  /** Keep assets in the Cache API so later visits load nothing (default true). */
  cache?: boolean;
  /** Most faces found per image (default 5). */
  maxFaces?: number;
  /**
   * Face detection confidence threshold in [0, 1]. Default: 0.7 for the short-range detector and 0.5 for
   * the full-range one (see `DEFAULT_MIN_DETECTION_CONFIDENCE`); a value given here applies to both.
   */
  minDetectionConfidence?: number;
  /**
   * Run onnxruntime-web (the face detector models and the emotion classifier) in a worker of its own, started
   * by the pipeline worker (default true), so its start-up and threads stay off the pipeline worker, where
   * MediaPipe loads when a call needs the mesh. `false` keeps it in the pipeline worker (one thread fewer).
   * Where a nested worker cannot start, it runs in the pipeline worker either way.
   */
  classifierWorker?: boolean;
  /** Loading progress: downloads, compiles, ready. */
  onProgress?: ProgressCallback;
  /**
   * Called once when the worker crashes (`INTERNAL_ERROR`, `details.kind: 'worker_crashed'`), even when no call
   * was in flight; calls in flight reject with the same error, and the next call starts a new worker.
   */
  onError?: (error: EmoLensError) => void;
  /** Inputs with more pixels are refused with `IMAGE_TOO_LARGE` before decoding (default 50 megapixels). */
  maxPixels?: number;
  /**
   * A worker running `@emolens/core`'s worker entry, for bundlers that need to build it themselves. Pass a
   * function that makes one so the detector can restart it after a crash; a `Worker` instance is used once.
   */
  worker?: Worker | (() => Worker);
}

/** Options of one {@link Detector.detect} call. */
export interface DetectOptions {
  /** Include the 468 face-mesh points (default false). */
  returnLandmarks?: boolean;
  /** Include valence/arousal (default true). */
  returnDimensions?: boolean;
  /** Include head pose in degrees (default false). */
  returnHeadPose?: boolean;
  /** At most this many faces (default and upper bound: the detector's `maxFaces`). */
  maxFaces?: number;
  /** Drop faces smaller than this many source pixels (default 0). */
  minFaceSize?: number;
  /**
   * Face detector passes: `short` (faces near the camera, fastest), `full` (small, distant faces), `both`,
   * or `auto` (default: short, plus full on images larger than 1280×720 such as group photos).
   */
  faceRange?: FaceRange;
  /** Aborting rejects the call with `ABORTED`; the detector stays usable. */
  signal?: AbortSignal;
}

/** Time spent per stage of one call, in milliseconds (see {@link Detector.profile}). */
export interface CallTimings extends StageTimings {
  /** Decoding the input on the main thread. */
  decode: number;
  /** From the call to the result, as the caller sees it. */
  endToEnd: number;
}

/** A running detector (see {@link createDetector}). */
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
   * `max_faces` is also capped by the detector's `maxFaces`; `return_action_units` is accepted, but no
   * action units are computed yet, so the response has none.
   */
  analyzeFace(body: unknown, options?: { signal?: AbortSignal }): Promise<WiaFaceResult>;
  /** Like `detect`, plus the time spent in each stage. */
  profile(input: ImageInput, options?: DetectOptions): Promise<{ result: WiaFaceResult; timings: CallTimings }>;
  /** Runs the face detector and the classifier once, so the first real call is fast. */
  warmup(): Promise<void>;
  /** Frees the worker, its models and its memory. Later calls reject with `DISPOSED`. */
  dispose(): void;
}

let requestCounter = 0;

function requestId(): string {
  requestCounter = (requestCounter + 1) % 0x100000;
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
  return `req_${random}${requestCounter.toString(36)}`;
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
 * @throws EmoLensError `MODEL_LOAD_FAILED`, `BACKEND_UNAVAILABLE` or `INVALID_REQUEST` (unknown classifier).
 */
export async function createDetector(options: DetectorOptions = {}): Promise<Detector> {
  registerErrorTransfer();
  const maxFaces = options.maxFaces ?? 5;
  if (!Number.isInteger(maxFaces) || maxFaces < 1 || maxFaces > 100) {
    throw new EmoLensError('INVALID_REQUEST', 'maxFaces must be an integer from 1 to 100', { field: 'maxFaces', value: maxFaces });
  }
  const threads = options.threads ?? 'auto';
  if (threads !== 'auto' && !(Number.isInteger(threads) && threads >= 1 && threads <= 16)) {
    throw new EmoLensError('INVALID_REQUEST', "threads must be 'auto' or an integer from 1 to 16", { field: 'threads', value: threads });
  }
  const confidence = options.minDetectionConfidence;
  if (confidence !== undefined && !(confidence >= 0 && confidence <= 1)) {
    throw new EmoLensError('INVALID_REQUEST', 'minDetectionConfidence must be a number from 0 to 1', { field: 'minDetectionConfidence', value: confidence });
  }
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(Number.isFinite(maxPixels) && maxPixels >= 1)) {
    throw new EmoLensError('INVALID_REQUEST', 'maxPixels must be a positive number', { field: 'maxPixels', value: maxPixels });
  }
  const host = new WorkerHost(
    spawner(options.worker),
    {
      assets: resolveAssetUrls(options.baseUrl),
      classifier: options.classifier ?? DEFAULT_CLASSIFIER,
      backend: options.backend ?? 'auto',
      threads,
      cache: options.cache ?? true,
      maxFaces,
      minDetectionConfidence: options.minDetectionConfidence,
      classifierWorker: options.classifierWorker ?? true,
    },
    options.onProgress,
    options.onError,
  );
  try {
    const info = await host.start();
    return new WorkerDetector(host, info.backend, info.classifier, info.threads, info.classifierPlacement, maxFaces, maxPixels);
  } catch (error) {
    await host.dispose();
    throw error;
  }
}

function spawner(worker: DetectorOptions['worker']): () => Worker {
  if (typeof worker === 'function') return worker;
  let given = worker;
  return () => {
    if (given) {
      const once = given;
      given = undefined;
      return once;
    }
    if (worker) throw new EmoLensError('INTERNAL_ERROR', 'The worker given to createDetector stopped and cannot be restarted', { suggestion: 'Pass a function that creates the worker, or create a new detector.' });
    return new Worker(new URL('./worker/worker.js', import.meta.url), { type: 'module', name: 'emolens-pipeline' });
  };
}

class WorkerDetector implements Detector {
  private disposed = false;

  constructor(
    private readonly host: WorkerHost,
    readonly backend: Backend,
    readonly classifier: string,
    readonly threads: number,
    readonly classifierPlacement: 'worker' | 'inline',
    private readonly maxFaces: number,
    private readonly maxPixels: number,
  ) {}

  async detect(input: ImageInput, options: DetectOptions = {}): Promise<WiaFaceResult> {
    return (await this.profile(input, options)).result;
  }

  async analyzeFace(body: unknown, options: { signal?: AbortSignal } = {}): Promise<WiaFaceResult> {
    const request = parseWiaFaceRequest(body);
    return this.detect(request.image_url ?? request.image_base64, {
      maxFaces: Math.min(request.options.max_faces, this.maxFaces),
      minFaceSize: request.options.min_face_size,
      returnLandmarks: request.options.return_landmarks,
      returnDimensions: request.options.return_dimensions,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  async profile(input: ImageInput, options: DetectOptions = {}): Promise<{ result: WiaFaceResult; timings: CallTimings }> {
    const started = performance.now();
    this.assertUsable(options.signal);
    const frame = frameOptions(options, this.maxFaces);
    const image = await abortable(decodeImage(input, this.maxPixels), options.signal, (late) => late.bitmap.close());
    const decoded = performance.now();
    if (this.disposed) {
      image.bitmap.close();
      this.assertUsable(options.signal);
    }
    const id = requestId();
    const call = this.host.call((api) => api.analyze(transfer(image.bitmap, [image.bitmap]), frame, id));
    const { result, timings } = await abortable(call, options.signal);
    toSourcePixels(result, image);
    const endToEnd = performance.now() - started;
    result.processing_time_ms = Math.round(endToEnd * 100) / 100;
    return { result, timings: { ...timings, decode: decoded - started, endToEnd } };
  }

  async warmup(): Promise<void> {
    this.assertUsable(undefined);
    await this.host.call((api) => api.warmup());
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.host.dispose();
  }

  private assertUsable(signal: AbortSignal | undefined): void {
    if (this.disposed) throw new EmoLensError('DISPOSED', 'The detector was disposed', { suggestion: 'Create a new detector.' });
    if (signal?.aborted) throw abortError();
  }
}

/** Validated per-call options (`INVALID_REQUEST` naming the field otherwise). */
function frameOptions(options: DetectOptions, maxFaces: number) {
  const faces = options.maxFaces ?? maxFaces;
  if (!Number.isInteger(faces) || faces < 1 || faces > 100) {
    throw new EmoLensError('INVALID_REQUEST', 'maxFaces must be an integer from 1 to 100', { field: 'maxFaces', value: faces });
  }
  const minFaceSize = options.minFaceSize ?? 0;
  if (!(Number.isFinite(minFaceSize) && minFaceSize >= 0)) {
    throw new EmoLensError('INVALID_REQUEST', 'minFaceSize must be a number of pixels, 0 or more', { field: 'minFaceSize', value: minFaceSize });
  }
  const faceRange = options.faceRange ?? 'auto';
  if (!['auto', 'short', 'full', 'both'].includes(faceRange)) {
    throw new EmoLensError('INVALID_REQUEST', "faceRange must be 'auto', 'short', 'full' or 'both'", { field: 'faceRange', value: faceRange });
  }
  return {
    returnLandmarks: options.returnLandmarks ?? false,
    returnDimensions: options.returnDimensions ?? true,
    returnHeadPose: options.returnHeadPose ?? false,
    maxFaces: Math.min(faces, maxFaces),
    minFaceSize,
    faceRange,
  };
}

function abortError(): EmoLensError {
  return new EmoLensError('ABORTED', 'The call was aborted', { reason: 'its AbortSignal fired' });
}

/** Rejects with `ABORTED` as soon as the signal fires; a value that arrives later goes to `discard`. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, discard?: (late: T) => void): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(abortError());
      if (discard) promise.then(discard, () => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
