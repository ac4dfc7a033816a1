/**
 * The whole worker boundary: what the main thread may ask of the pipeline worker. Both sides import
 * this file; the main thread holds a `Comlink.Remote<PipelineApi>`.
 */
import type { WiaFaceResult } from '@emolens/schema';
import type { AssetUrls } from '../assets/asset-urls.js';
import type { Backend, ProgressCallback } from '../assets/progress.js';
import type { FaceRange } from '../pipeline/faces.js';

/** Backend choice: `auto` picks WebGPU on a real (non-fallback) adapter that passes a self-check, else WASM. */
export type BackendPreference = 'auto' | Backend;

/** Everything the worker needs to start. */
export interface PipelineConfig {
  /** Absolute URL per asset id. */
  assets: AssetUrls;
  /** Classifier id (a model folder name). */
  classifier: string;
  backend: BackendPreference;
  /** WASM threads for the classifier (more than 1 only when the page is cross-origin isolated). */
  threads: number | 'auto';
  /** Store and read assets in the Cache API. */
  cache: boolean;
  /** Maximum number of faces per image. */
  maxFaces: number;
  /** Face detection confidence threshold in [0, 1]; per-range defaults when absent. */
  minDetectionConfidence: number | undefined;
  /** Run the classifier in a worker of its own (else in the pipeline worker). */
  classifierWorker: boolean;
}

/** What the worker reports once ready. */
export interface PipelineInfo {
  backend: Backend;
  classifier: string;
  /** Threads the WASM backend actually uses. */
  threads: number;
  /** Where the classifier runs: `worker` (its own) or `inline` (the pipeline worker). */
  classifierPlacement: 'worker' | 'inline';
}

/** Per-call options that reach the worker. */
export interface FrameOptions {
  returnLandmarks: boolean;
  returnDimensions: boolean;
  returnHeadPose: boolean;
  maxFaces: number;
  /** Faces whose box is smaller than this many source pixels (its larger side) are dropped. */
  minFaceSize: number;
  /** Which face detector passes to run. */
  faceRange: FaceRange;
}

/** Milliseconds spent in each stage of one frame, measured in the worker. */
export interface StageTimings {
  landmarks: number;
  crop: number;
  classify: number;
  /** Derive + format. */
  format: number;
  /** Worker-side total. */
  total: number;
}

/** The pipeline as the worker exposes it. */
export interface PipelineApi {
  /** Loads and compiles every asset; progress events go to `onProgress`. */
  init(config: PipelineConfig, onProgress?: ProgressCallback): Promise<PipelineInfo>;
  /** Runs one frame (transferred) through the pipeline. */
  analyze(frame: ImageBitmap, options: FrameOptions, requestId: string): Promise<{ result: WiaFaceResult; timings: StageTimings }>;
  /** Runs the face detector on a blank frame and the classifier on a test input, so first calls are fast. */
  warmup(): Promise<void>;
  /**
   * Testing hook: throws an uncaught error in the pipeline worker, or in the classifier's worker, as a
   * crash would (the SDK's tests use it).
   */
  crashForTesting(target?: 'pipeline' | 'classifier'): void;
  /** Releases the models (the worker is then terminated by the caller). */
  dispose(): Promise<void>;
}
