/**
 * What the training worker does: {@link TrainWorkerApi}, fitting on tfjs's `cpu` backend. Kept apart from the
 * worker's entry (`train-worker.ts`, which only exposes it) so that tests can serve it over a `MessageChannel`.
 */
import * as tf from '@tensorflow/tfjs';
import { transfer } from 'comlink';
import { fitHead } from './fit.js';
import type { FitRequest, FitResult } from './fit-types.js';
import { TRAIN_BACKEND } from './trainer.js';

/** What the worker offers the page. */
export interface TrainWorkerApi {
  /**
   * Fits each request in order on tfjs's `cpu` backend, computing at most `load` of the wall time; the weights come
   * back transferred.
   */
  fit(requests: FitRequest[], load?: number): Promise<FitResult[]>;
}

/** The worker's API, on the tfjs of this realm (the worker's own). */
export function createTrainWorkerApi(): TrainWorkerApi {
  let ready: Promise<void> | undefined;
  return {
    async fit(requests, load = 1) {
      await (ready ??= (async () => {
        // Production mode: no per-kernel NaN checks, no console notes. The worker's tfjs is its own.
        tf.env().set('PROD', true);
        if (!(await tf.setBackend(TRAIN_BACKEND))) throw new Error(`tfjs's ${TRAIN_BACKEND} backend did not start`);
      })());
      const results: FitResult[] = [];
      for (const request of requests) results.push(await fitHead(tf, request, load));
      const buffers = results.flatMap(({ head }) => [head.w1.buffer, head.b1.buffer, head.w2.buffer, head.b2.buffer]);
      return transfer(results, buffers as ArrayBuffer[]);
    },
  };
}
