/**
 * Starts inference for the pipeline (onnxruntime-web: the ONNX face detectors, the iris model and the emotion classifier): in
 * an inference worker nested in the pipeline worker, so its threads and its start-up stay off the pipeline
 * worker's thread. Where a nested worker cannot start (no `Worker` in workers, or its script could not be
 * loaded), it runs in the pipeline worker itself.
 */
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { EmoLensError } from '@emolens/schema';
import type { Backend, ProgressCallback } from '../assets/progress.js';
import { classifierManifest, type ClassifierManifest } from '../assets/registry.js';
import type { RawDetections } from '../pipeline/find/onnx-detection.js';
import type { InferenceApi, InferenceConfig, InferenceInfo } from '../worker/inference-api.js';
import { InferenceService } from './inference-service.js';

/** Started inference, wherever it runs. */
export interface Inference {
  readonly manifest: ClassifierManifest;
  readonly backend: Backend;
  /** WASM threads in use. */
  readonly threads: number;
  /** When each step of its start ended. */
  readonly steps: InferenceInfo['steps'];
  /** `worker`: the inference worker; `inline`: the pipeline worker's thread. */
  readonly placement: 'worker' | 'inline';
  /** Emotion probabilities per face; `input` holds exactly `count` faces (it is transferred: do not reuse it). */
  classify(input: Float32Array, count: number): Promise<Float32Array[]>;
  /** Runs the ONNX face detector `model` on one letterboxed image (it is transferred: do not reuse it). */
  detectFaces(input: Float32Array, model: string): Promise<RawDetections>;
  /** Runs the iris model on `count` eye crops (`input` is transferred: do not reuse it). */
  detectIris(input: Float32Array, count: number): Promise<Float32Array>;
  warmup(): Promise<void>;
  release(): Promise<void>;
  /** Testing hook: an uncaught error where inference runs. */
  crashForTesting(): void;
}

/**
 * Starts inference and waits until it is ready: in the inference worker when `ownWorker` and the browser
 * allows it, else in this thread.
 */
export async function startInference(config: InferenceConfig, ownWorker: boolean, onProgress?: ProgressCallback): Promise<Inference> {
  const manifest = classifierManifest(config.classifier);
  const worker = ownWorker ? spawnInferenceWorker() : undefined;
  if (worker) {
    const started = await RemoteInference.start(worker, manifest, config, onProgress);
    if (started) return started;
  }
  const service = new InferenceService();
  const info = await service.init(config, onProgress);
  return {
    manifest,
    backend: info.backend,
    threads: info.threads,
    steps: info.steps,
    placement: 'inline',
    classify: (input, count) => service.classify(input, count),
    detectFaces: (input, model) => service.detectFaces(input, model),
    detectIris: (input, count) => service.detectIris(input, count),
    warmup: () => service.warmup(),
    release: () => service.release(),
    crashForTesting: () => service.crashForTesting(),
  };
}

function spawnInferenceWorker(): Worker | undefined {
  try {
    return new Worker(new URL('../worker/inference-worker.js', import.meta.url), { type: 'module', name: 'emolens-inference' });
  } catch {
    return undefined; // no nested workers here
  }
}

/** The inference worker, seen from the pipeline worker. */
class RemoteInference implements Inference {
  readonly placement = 'worker';
  /** Rejecters of the calls in flight; a crash of the inference worker rejects them all. */
  private readonly pending = new Set<(error: EmoLensError) => void>();
  private crashed: EmoLensError | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly api: Remote<InferenceApi>,
    readonly manifest: ClassifierManifest,
    readonly backend: Backend,
    readonly threads: number,
    readonly steps: InferenceInfo['steps'],
  ) {}

  /**
   * Starts the worker's inference. Resolves `undefined` when the worker itself failed to start (its
   * script did not load), so the caller can run inference inline; rejects when inference failed to
   * start (a model or backend error), as it would inline.
   */
  static async start(worker: Worker, manifest: ClassifierManifest, config: InferenceConfig, onProgress?: ProgressCallback): Promise<RemoteInference | undefined> {
    const api = wrap<InferenceApi>(worker);
    let started: RemoteInference | undefined;
    let failedToStart: (() => void) | undefined;
    const onError = (event: Event) => {
      event.preventDefault();
      const reason = event instanceof ErrorEvent ? event.message || 'uncaught error' : 'a message could not be deserialised';
      if (!started) {
        failedToStart?.();
        return;
      }
      started.fail(new EmoLensError('INTERNAL_ERROR', 'The inference worker crashed', { reason, kind: 'worker_crashed' }));
      // The pipeline worker cannot detect or classify any more: crash it too, so the detector restarts both.
      setTimeout(() => {
        throw new Error(`The inference worker crashed: ${reason}`);
      });
    };
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onError);
    try {
      const info = await new Promise<Awaited<ReturnType<InferenceApi['init']>> | undefined>((resolve, reject) => {
        failedToStart = () => resolve(undefined);
        api.init(config, onProgress ? proxy(onProgress) : undefined).then(resolve, reject);
      });
      if (!info) {
        api[releaseProxy]();
        worker.terminate();
        return undefined;
      }
      started = new RemoteInference(worker, api, manifest, info.backend, info.threads, info.steps);
      return started;
    } catch (error) {
      api[releaseProxy]();
      worker.terminate();
      throw error;
    }
  }

  classify(input: Float32Array, count: number): Promise<Float32Array[]> {
    return this.call(() => this.api.classify(transfer(input, [input.buffer]), count));
  }

  warmup(): Promise<void> {
    return this.call(() => this.api.warmup());
  }

  detectFaces(input: Float32Array, model: string): Promise<RawDetections> {
    return this.call(() => this.api.detectFaces(transfer(input, [input.buffer]), model));
  }

  detectIris(input: Float32Array, count: number): Promise<Float32Array> {
    return this.call(() => this.api.detectIris(transfer(input, [input.buffer]), count));
  }

  async release(): Promise<void> {
    if (!this.crashed) await Promise.race([this.api.release().catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    this.api[releaseProxy]();
    this.worker.terminate();
  }

  crashForTesting(): void {
    void this.api.crashForTesting();
  }

  private call<T>(task: () => Promise<T>): Promise<T> {
    if (this.crashed) return Promise.reject(this.crashed);
    return new Promise<T>((resolve, reject) => {
      this.pending.add(reject);
      task()
        .then(resolve, reject)
        .finally(() => this.pending.delete(reject));
    });
  }

  private fail(error: EmoLensError): void {
    this.crashed = error;
    for (const reject of this.pending) reject(error);
    this.pending.clear();
  }
}
