/**
 * The main-thread side of a detector: starts the worker, decodes inputs, and talks to the pipeline
 * through the one typed interface of `worker/api.ts`. No inference runs on this thread.
 */
import { transfer } from 'comlink';
import { EmoLensError, parseWiaFaceRequest, type WiaFaceResult } from '@emolens/schema';
import { availableBackend, requireClassifierAsset, resolveAssetUrls } from './assets/asset-urls.js';
import type { Backend } from './assets/progress.js';
import { decodeImage, type DecodeLimits, type ImageInput, type StringRules } from './input/decode.js';
import { callSignal, detectOptionsFromWia, type FrameOptions, resolveCallOptions, resolveDetectorOptions, type DetectOptions, type DetectorOptions } from './options.js';
import { round } from './round.js';
import type { StageTimings } from './worker/pipeline-api.js';
import { registerErrorTransfer } from './worker/error-transfer.js';
import { abortError, callStop, stoppable } from './call-stop.js';
import { typed } from './error-boundary.js';
import { StartSteps, withStartDeadline } from './start-deadline.js';
import { disposedError, WorkerHost } from './worker-host.js';

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
 * Each call of `detect`, `profile` and `analyzeFace` is a request with its own id: the result's `request_id`, or,
 * when the call rejects, the error's `requestId` (and `request_id` of its `toJSON()` body), whatever stage failed
 * — options, decoding, `ABORTED`, `TIMEOUT`, `DISPOSED` or the worker. `warmup` is no request: its errors have none.
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
   * `max_faces` is honoured as given (1–100), whatever the detector's `maxFaces`; `return_action_units` is accepted, but no
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

/** A new request id (`req_…`): one per detector call, given to its result or to its error. */
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
 * @throws EmoLensError `MODEL_LOAD_FAILED`, `BACKEND_UNAVAILABLE`, `INVALID_REQUEST` (an option out of range), or
 * `TIMEOUT` (`details.kind: 'start_timeout'`, `details.step`: not ready within `startTimeoutMs`). Starting
 * a detector is no request: these errors have no `requestId` (`request_id` is `''` in their `toJSON()`).
 */
export function createDetector(options: DetectorOptions = {}): Promise<Detector> {
  return typed(async () => {
    registerErrorTransfer();
    const resolved = resolveDetectorOptions(options);
    const { baseUrl, extraAssetUrls, maxPixels, maxBytes, timeoutMs, startTimeoutMs, onProgress, onError, worker, ...config } = resolved;
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

function spawner(worker: DetectorOptions['worker']): () => Worker {
  if (typeof worker === 'function') return worker;
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

  constructor(
    private readonly host: WorkerHost,
    readonly backend: Backend,
    readonly classifier: string,
    readonly threads: number,
    readonly classifierPlacement: 'worker' | 'inline',
    private readonly maxFaces: number,
    private readonly limits: Pick<DecodeLimits, 'maxPixels' | 'maxBytes'>,
    private readonly timeoutMs: number,
  ) {}

  async detect(input: ImageInput, options: DetectOptions = {}): Promise<WiaFaceResult> {
    return (await this.profile(input, options)).result;
  }

  analyzeFace(body: unknown, options: { signal?: AbortSignal } = {}): Promise<WiaFaceResult> {
    const id = requestId();
    return typed(async () => {
      const request = parseWiaFaceRequest(body);
      const signal = callSignal(options);
      const detectOptions = { ...detectOptionsFromWia(request.options), ...(signal ? { signal } : {}) };
      if (request.image_url !== undefined) return (await this.run(id, request.image_url, detectOptions, {})).result;
      return (await this.run(id, request.image_base64, detectOptions, { dataOnly: true })).result;
    }, id);
  }

  profile(input: ImageInput, options: DetectOptions = {}): Promise<{ result: WiaFaceResult; timings: CallTimings }> {
    const id = requestId();
    return typed(() => this.run(id, input, options, {}), id);
  }

  /** The call `id`: its options read, then {@link WorkerDetector.analyze} under its stop signal. */
  private async run(id: string, input: ImageInput, options: DetectOptions, rules: StringRules): Promise<{ result: WiaFaceResult; timings: CallTimings }> {
    const started = performance.now();
    const { frame, signal: caller, timeoutMs } = resolveCallOptions(options, this.maxFaces, this.timeoutMs);
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
    const bitmap = await stoppable(decodeImage(input, { ...this.limits, signal }, rules), signal, (late) => late.close());
    const decoded = performance.now();
    if (this.disposed) {
      bitmap.close();
      throw disposedError();
    }
    // At the source size: the worker downscales it for detection and answers in source pixels.
    const call = this.host.call((api) => api.analyze(transfer(bitmap, [bitmap]), frame, id));
    // A bitmap that could not be sent (a tainted one) is still ours to free; after the transfer this is a no-op.
    call.catch(() => bitmap.close());
    const { result, timings } = await stoppable(call, signal);
    const endToEnd = performance.now() - started;
    result.processing_time_ms = round(endToEnd, 2);
    return { result, timings: { ...timings, decode: decoded - started, endToEnd } };
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

  private assertUsable(signal: AbortSignal | undefined): void {
    if (this.disposed) throw disposedError();
    if (signal?.aborted) throw abortError();
  }
}
