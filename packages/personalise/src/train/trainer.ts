/**
 * Where heads are fitted: a dedicated Web Worker in the browser ({@link workerTrainer}), so training never shares
 * a thread with detection, or inline ({@link inlineTrainer}: Node, tests).
 */
import type { FitRequest, FitResult } from './fit-types.js';

/** Fits heads somewhere. */
export interface Trainer {
  /**
   * Fits each request, in order, computing at most `load` of the wall time (`trainingLoad`). Rejects with an
   * `EmoLensError` (`INTERNAL_ERROR`) when fitting fails.
   */
  fit(requests: FitRequest[], load: number): Promise<FitResult[]>;
  /** Frees what it holds (ends its worker). */
  dispose(): void;
}

/** The tfjs backend every fit runs on: the model is so small that kernel launches, not arithmetic, dominate. */
export const TRAIN_BACKEND = 'cpu';
