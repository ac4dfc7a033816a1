/**
 * Loading progress, as a discriminated union on `type`.
 *
 * Per asset: `download` events while bytes arrive from the network (`loaded` never goes down), then one
 * `asset` event saying where it came from. Then `compile` per model, and one `ready` at the end.
 */
export type LoadProgressEvent =
  | { type: 'download'; asset: string; url: string; loaded: number; total: number | null }
  | { type: 'asset'; asset: string; bytes: number; source: 'network' | 'cache' }
  | { type: 'compile'; model: string }
  | { type: 'ready'; backend: Backend; elapsedMs: number; steps: StartupStep[] };

/** The steps of a detector's start, in the order they run (the pipeline's warm-up overlaps the others). */
export type StartupStepName = 'runtime' | 'detector-session' | 'classifier-session' | 'classifier-warmup' | 'pipeline-warmup';

/**
 * When one step of the start ended, in ms after the pipeline worker began loading: a start-up budget, step by step
 * (the `runtime` step includes reading the runtime's files; `detector-session` includes onnxruntime's own start).
 */
export interface StartupStep {
  step: StartupStepName;
  ms: number;
}

/** A clock shared by the page and its workers: ms since the epoch, sub-millisecond. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The inference backend a detector's classifier runs on. */
export type Backend = 'wasm' | 'webgpu';

/** Callback receiving {@link LoadProgressEvent}s. */
export type ProgressCallback = (event: LoadProgressEvent) => void;
