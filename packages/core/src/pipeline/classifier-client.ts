/**
 * Starts onnxruntime-web for the pipeline (the ONNX face detectors and the emotion classifier): in a worker of
 * its own, nested in the pipeline worker, so its threads and its start-up stay off the pipeline worker's
 * thread. Where a nested worker cannot start (no `Worker` in workers, or its script could not be loaded),
 * it runs in the pipeline worker itself.
 */
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { EmoLensError } from '@emolens/schema';
import type { Backend, ProgressCallback } from '../assets/progress.js';
import { classifierManifest, type ClassifierManifest } from '../assets/registry.js';
import type { ClassifierApi, ClassifierConfig } from '../worker/classifier-api.js';
import { ClassifierService } from './classifier-service.js';
import type { RawDetections } from './onnx-detection.js';

/** A started classifier, wherever it runs. */
export interface Classifier {
  readonly manifest: ClassifierManifest;
  readonly backend: Backend;
  /** WASM threads in use. */
  readonly threads: number;
  /** `worker`: its own worker; `inline`: the pipeline worker's thread. */
  readonly placement: 'worker' | 'inline';
  /** Probabilities per face; `input` holds exactly `count` faces (it is transferred: do not reuse it). */
  run(input: Float32Array, count: number): Promise<Float32Array[]>;
  /** Runs ONNX face detector `detector` on one letterboxed image (it is transferred: do not reuse it). */
  detect(input: Float32Array, detector: string): Promise<RawDetections>;
  warmup(): Promise<void>;
  release(): Promise<void>;
  /** Testing hook: an uncaught error where the classifier runs. */
  crashForTesting(): void;
}

/**
 * Starts the classifier and waits until it is ready: in its own worker when `ownWorker` and the browser
 * allows it, else in this thread.
 */
export async function startClassifier(config: ClassifierConfig, ownWorker: boolean, onProgress?: ProgressCallback): Promise<Classifier> {
  const manifest = classifierManifest(config.classifier);
  const worker = ownWorker ? spawnClassifierWorker() : undefined;
  if (worker) {
    const started = await RemoteClassifier.start(worker, manifest, config, onProgress);
    if (started) return started;
  }
  const service = new ClassifierService();
  const info = await service.init(config, onProgress);
  return {
    manifest,
    backend: info.backend,
    threads: info.threads,
    placement: 'inline',
    run: (input, count) => service.run(input, count),
    detect: (input, detector) => service.detect(input, detector),
    warmup: () => service.warmup(),
    release: () => service.release(),
    crashForTesting: () => service.crashForTesting(),
  };
}

function spawnClassifierWorker(): Worker | undefined {
  try {
    return new Worker(new URL('../worker/classifier-worker.js', import.meta.url), { type: 'module', name: 'emolens-classifier' });
  } catch {
    return undefined; // no nested workers here
  }
}

/** The classifier worker, seen from the pipeline worker. */
class RemoteClassifier implements Classifier {
  readonly placement = 'worker';
  /** Rejecters of the calls in flight; a crash of the classifier worker rejects them all. */
  private readonly pending = new Set<(error: EmoLensError) => void>();
  private crashed: EmoLensError | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly api: Remote<ClassifierApi>,
    readonly manifest: ClassifierManifest,
    readonly backend: Backend,
    readonly threads: number,
  ) {}

  /**
   * Starts the worker's classifier. Resolves `undefined` when the worker itself failed to start (its
   * script did not load), so the caller can run the classifier inline; rejects when the classifier
   * failed to start (a model or backend error), as it would inline.
   */
  static async start(worker: Worker, manifest: ClassifierManifest, config: ClassifierConfig, onProgress?: ProgressCallback): Promise<RemoteClassifier | undefined> {
    const api = wrap<ClassifierApi>(worker);
    let started: RemoteClassifier | undefined;
    let failedToStart: (() => void) | undefined;
    const onError = (event: Event) => {
      event.preventDefault();
      const reason = event instanceof ErrorEvent ? event.message || 'uncaught error' : 'a message could not be deserialised';
      if (!started) {
        failedToStart?.();
        return;
      }
      started.fail(new EmoLensError('INTERNAL_ERROR', 'The classifier worker crashed', { reason, kind: 'worker_crashed' }));
      // The pipeline worker cannot classify any more: crash it too, so the detector restarts both.
      setTimeout(() => {
        throw new Error(`The classifier worker crashed: ${reason}`);
      });
    };
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onError);
    try {
      const info = await new Promise<Awaited<ReturnType<ClassifierApi['init']>> | undefined>((resolve, reject) => {
        failedToStart = () => resolve(undefined);
        api.init(config, onProgress ? proxy(onProgress) : undefined).then(resolve, reject);
      });
      if (!info) {
        api[releaseProxy]();
        worker.terminate();
        return undefined;
      }
      started = new RemoteClassifier(worker, api, manifest, info.backend, info.threads);
      return started;
    } catch (error) {
      api[releaseProxy]();
      worker.terminate();
      throw error;
    }
  }

  run(input: Float32Array, count: number): Promise<Float32Array[]> {
    return this.call(() => this.api.run(transfer(input, [input.buffer]), count));
  }

  warmup(): Promise<void> {
    return this.call(() => this.api.warmup());
  }

  detect(input: Float32Array, detector: string): Promise<RawDetections> {
    return this.call(() => this.api.detect(transfer(input, [input.buffer]), detector));
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
