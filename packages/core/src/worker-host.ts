/**
 * The worker's lifecycle on the main thread: starts it, hands out its typed API, and notices when it
 * dies (an uncaught error, a wasm trap such as out-of-memory). A crash rejects the calls in flight once,
 * with `INTERNAL_ERROR` (`details.kind: 'worker_crashed'`); the next call starts a fresh worker, which
 * loads its models from the Cache API.
 */
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import { EmoLensError, newRequestId } from '@emolens/schema';
import type { ProgressCallback } from './assets/progress.js';
import type { PipelineApi, PipelineConfig, PipelineInfo } from './worker/pipeline-api.js';

interface Running {
  worker: Worker;
  api: Remote<PipelineApi>;
  info: PipelineInfo;
  /** Rejecters of the calls in flight; a crash rejects them all. (Racing every call against one
   * never-settling promise would leave a reaction behind per call: a slow leak.) */
  pending: Set<(error: EmoLensError) => void>;
}

/** wasm traps that leave a worker's module unusable, as they arrive through the error transfer. */
const FATAL = /RuntimeError|Aborted\(|unreachable|out of memory|memory access out of bounds/i;

export class WorkerHost {
  private running: Promise<Running> | undefined;
  private disposed = false;
  /** Workers already ended (see {@link WorkerHost.end}). */
  private readonly ended = new WeakSet<Worker>();
  /** Whether a worker of this host ever started: after that, one that dies while restarting is a crash. */
  private everStarted = false;
  /** Ends a start in progress (its `init` may never answer: a stalled download, a runtime that never compiles). */
  private abortLaunch: ((error: EmoLensError) => void) | undefined;

  /** `spawn` makes a new worker; it may return the same one only once (a user-supplied worker cannot be restarted). */
  constructor(
    private readonly spawn: () => Worker,
    private readonly config: PipelineConfig,
    private readonly onProgress: ProgressCallback | undefined,
    private readonly onCrash: ((error: EmoLensError) => void) | undefined,
  ) {}

  /** Starts the worker (first call) and returns what it reported. */
  async start(): Promise<PipelineInfo> {
    return (await this.ensure()).info;
  }

  /** Runs `task` on the worker's API; a crash rejects it with `INTERNAL_ERROR`. */
  async call<T>(task: (api: Remote<PipelineApi>) => Promise<T>): Promise<T> {
    const running = await this.ensure();
    if (this.disposed) throw disposedError(); // disposed while the worker was starting
    try {
      return await new Promise<T>((resolve, reject) => {
        running.pending.add(reject);
        task(running.api)
          .then(resolve, reject)
          .finally(() => running.pending.delete(reject));
      });
    } catch (error) {
      if (error instanceof EmoLensError && error.code === 'INTERNAL_ERROR' && FATAL.test(`${error.message} ${String(error.details.reason)}`)) {
        this.discard(running);
        throw new EmoLensError('INTERNAL_ERROR', 'The detector worker failed and will be restarted on the next call', { ...error.details, kind: 'worker_crashed' }, { cause: error });
      }
      throw error;
    }
  }

  /** Ends the worker; every call in flight rejects with `DISPOSED` (the terminated worker would never answer them). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.abortLaunch?.(disposedError());
    const running = await this.running?.catch(() => undefined);
    this.running = undefined;
    if (!running) return;
    // One error per call: each gets its own request id at the public boundary.
    for (const reject of running.pending) reject(disposedError());
    running.pending.clear();
    await Promise.race([running.api.dispose().catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    this.end(running.worker, running.api);
  }

  private ensure(): Promise<Running> {
    if (this.disposed) return Promise.reject(disposedError());
    if (!this.running) {
      this.running = this.launch();
      this.running.catch(() => (this.running = undefined));
    }
    return this.running;
  }

  private async launch(): Promise<Running> {
    const worker = this.spawn();
    const api = wrap<PipelineApi>(worker);
    const pending = new Set<(error: EmoLensError) => void>();
    const onError = (event: Event) => {
      const reason = event instanceof ErrorEvent ? event.message || 'uncaught error' : 'a message could not be deserialised';
      if (!this.everStarted) {
        // Before the first worker ever answered, there is no detector to crash: the start failed. A plain `error` event
        // means its script did not load; an ErrorEvent, that it threw as it started (a script a bundler broke, a
        // device out of memory while the models load). Neither is reported to onError.
        const error = event.type === 'error' && !(event instanceof ErrorEvent) ? workerNotLoaded() : workerFailedToStart(reason);
        for (const reject of pending) reject(error);
        pending.clear();
        this.end(worker, api);
        return;
      }
      // One error per call in flight (each gets its request id at the public boundary) and one for `onError`,
      // which no call claims: it has an id of its own.
      const crashed = (requestId?: string) =>
        new EmoLensError('INTERNAL_ERROR', 'The detector worker crashed; it will be restarted on the next call', { reason, kind: 'worker_crashed' }, requestId === undefined ? undefined : { requestId });
      for (const reject of pending) reject(crashed());
      pending.clear();
      try {
        this.onCrash?.(crashed(newRequestId()));
      } catch {
        // the app's handler must not break recovery
      }
      this.forget(worker);
      this.end(worker, api);
    };
    worker.addEventListener('error', onError, { once: true });
    worker.addEventListener('messageerror', onError, { once: true });
    try {
      const info = await new Promise<PipelineInfo>((resolve, reject) => {
        pending.add(reject);
        this.abortLaunch = reject;
        api
          .init(this.config, this.onProgress ? proxy(this.onProgress) : undefined)
          .then((info) => {
            this.everStarted = true;
            resolve(info);
          }, reject)
          .finally(() => pending.delete(reject));
      });
      return { worker, api, info, pending };
    } catch (error) {
      this.end(worker, api);
      throw error;
    } finally {
      this.abortLaunch = undefined;
    }
  }

  /** Drops the running worker if it is `worker`, so the next call starts a new one. */
  private forget(worker: Worker): void {
    const running = this.running;
    void running?.then(
      (r) => {
        if (r.worker === worker && this.running === running) this.running = undefined;
      },
      () => undefined,
    );
  }

  private discard(running: Running): void {
    this.forget(running.worker);
    this.end(running.worker, running.api);
  }

  /**
   * Releases `api` and terminates `worker`, once: a crash can reach more than one of the paths that end a worker
   * (its `error` event, then the calls it failed), and a released proxy throws when released again.
   */
  private end(worker: Worker, api: Remote<PipelineApi>): void {
    if (this.ended.has(worker)) return;
    this.ended.add(worker);
    api[releaseProxy]();
    worker.terminate();
  }
}

/**
 * The error of a start whose worker script did not load (the worker's `error` event carries no more: a 404, a
 * Content-Security-Policy whose `worker-src` does not allow it, a bundler that did not emit it).
 */
function workerNotLoaded(): EmoLensError {
  return new EmoLensError('MODEL_LOAD_FAILED', "The detector's worker script could not be loaded", {
    asset: 'worker',
    reason: 'the browser could not fetch or run the worker script: not found (a bundler that does not emit workers), or refused by a Content-Security-Policy (worker-src)',
    suggestion: "With a bundler that does not emit workers (esbuild, Rollup), copy @emolens/core's dist/browser/worker/ beside your bundle, or pass the worker option; allow the script's origin in worker-src.",
  });
}

/** The error of a start whose worker threw before it answered (`reason`: what it threw). */
function workerFailedToStart(reason: string): EmoLensError {
  return new EmoLensError('MODEL_LOAD_FAILED', "The detector's worker failed as it started", {
    asset: 'worker',
    reason,
    suggestion: "If a bundler rebuilt the worker, use @emolens/core's prebuilt one (dist/browser/worker/, or the worker option); on a device short of memory, close other tabs and retry.",
  });
}

/** The error of any call on a disposed detector. */
export function disposedError(): EmoLensError {
  return new EmoLensError('DISPOSED', 'The detector was disposed', { suggestion: 'Create a new detector.' });
}
