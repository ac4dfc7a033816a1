/**
 * The boundary between the pipeline worker and the classifier worker it starts: onnxruntime-web in a thread
 * of its own, running the face detector model (fast path) and the emotion classifier. Internal: the main
 * thread only ever talks to the pipeline worker (`api.ts`).
 */
import type { AssetUrls } from '../assets/asset-urls.js';
import type { Backend, ProgressCallback } from '../assets/progress.js';
import type { RawDetections } from '../pipeline/onnx-detection.js';
import type { BackendPreference } from './api.js';

/** What the classifier needs to start. */
export interface ClassifierConfig {
  /** Absolute URL per asset id (the classifier loads its model and the onnxruntime wasm itself). */
  assets: AssetUrls;
  /** Classifier id (a model folder name). */
  classifier: string;
  /** The ONNX face detector started with the classifier (a model folder name); others start when first used. */
  detector: string;
  backend: BackendPreference;
  threads: number | 'auto';
  /** Store and read assets in the Cache API. */
  cache: boolean;
}

/** What the classifier reports once ready. */
export interface ClassifierInfo {
  backend: Backend;
  /** Threads the WASM backend actually uses. */
  threads: number;
}

/** The classifier, as its worker exposes it (and as the in-thread fallback implements it). */
export interface ClassifierApi {
  /** Loads both models and the runtime, creates the sessions and runs each once (first runs allocate). */
  init(config: ClassifierConfig, onProgress?: ProgressCallback): Promise<ClassifierInfo>;
  /** Probabilities per face, in the model's label order. `input` holds exactly `count` faces. */
  run(input: Float32Array, count: number): Promise<Float32Array[]>;
  /** Runs the classifier session once on a fixed input. */
  warmup(): Promise<void>;
  /** Runs ONNX face detector `detector` on one letterboxed image (see `pipeline/onnx-detection.ts`); `input` is transferred. */
  detect(input: Float32Array, detector: string): Promise<RawDetections>;
  /** Frees the session. */
  release(): Promise<void>;
  /** Testing hook: throws an uncaught error where the classifier runs, as a crash would. */
  crashForTesting(): void;
}
