/**
 * Fits in a dedicated Web Worker, started on the first fit. The page sends the training sets (transferred) and gets
 * the weights back; it never loads tfjs. A worker that fails (an uncaught error, a crash) is ended, its fit rejects
 * with `INTERNAL_ERROR` (`details.kind: 'worker_crashed'`), and the next fit starts a fresh one.
 */
import { EmoLensError } from '@emolens/schema';
import { releaseProxy, transfer, wrap, type Remote } from 'comlink';
import type { FitRequest } from './fit-types.js';
import type { TrainWorkerApi } from './train-worker-api.js';
import type { Trainer } from './trainer.js';

/** Starts the package's own training worker (bundlers see this `new URL(…, import.meta.url)` and emit it). */
export function spawnTrainWorker(): Worker {
  return new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module', name: 'emolens-personalise-train' });
}

/** A trainer in the worker `spawn` starts (by default {@link spawnTrainWorker}). */
export function workerTrainer(spawn: () => Worker = spawnTrainWorker): Trainer {
  let running: { worker: Worker; api: Remote<TrainWorkerApi>; failed: Promise<never> } | undefined;
  const end = () => {
    if (!running) return;
    running.api[releaseProxy]();
    running.worker.terminate();
    running = undefined;
  };
  const start = () => {
    const worker = spawn();
    const failed = new Promise<never>((_, reject) => {
      const fail = (event: Event) => {
        const reason = event instanceof ErrorEvent ? event.message : event.type;
        reject(new EmoLensError('INTERNAL_ERROR', `The training worker failed: ${reason}`, { kind: 'worker_crashed', reason }));
      };
      worker.addEventListener('error', fail);
      worker.addEventListener('messageerror', fail);
    });
    failed.catch(() => undefined);
    return { worker, api: wrap<TrainWorkerApi>(worker), failed };
  };
  return {
    async fit(requests: FitRequest[], load: number) {
      running ??= start();
      const { api, failed } = running;
      const buffers = requests.flatMap((r) => [r.x.buffer, r.y.buffer, ...(r.offset ? [r.offset.buffer] : [])]) as ArrayBuffer[];
      try {
        return await Promise.race([api.fit(transfer(requests, buffers), load), failed]);
      } catch (cause) {
        end();
        if (cause instanceof EmoLensError) throw cause;
        throw new EmoLensError('INTERNAL_ERROR', `Training failed in the worker: ${String(cause)}`, { kind: 'unexpected', reason: String(cause) }, { cause });
      }
    },
    dispose: end,
  };
}
