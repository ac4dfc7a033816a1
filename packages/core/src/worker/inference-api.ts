/**
 * The boundary between the pipeline worker and the inference worker it starts: onnxruntime-web in a thread of
 * its own, running every ONNX model — the face detectors (fast path), the iris model and the emotion classifier. Internal: the
 * main thread only ever talks to the pipeline worker (`pipeline-api.ts`).
 */
import type { AssetUrls } from '../assets/asset-urls.js';
import type { Backend, ProgressCallback, StartupStepName } from '../assets/progress.js';
import type { ResolvedDetectorOptions } from '../options.js';
import type { RawDetections } from '../pipeline/find/onnx-detection.js';

/** What the inference worker needs to start. */
export type InferenceConfig = Pick<ResolvedDetectorOptions, 'classifier' | 'backend' | 'threads' | 'cache'> & {
  /** Absolute URL per asset id (it loads its models and the onnxruntime wasm itself). */
  assets: AssetUrls;
  /** The ONNX face detector started with the classifier (a model folder name); others start when first used. */
  faceDetector: string;
};

/** What the inference worker reports once ready. */
export interface InferenceInfo {
  /** The backend the classifier runs on (face detectors always run on WASM). */
  backend: Backend;
  /** Threads the WASM backend actually uses. */
  threads: number;
  /** When each of its start's steps ended ({@link epochMs}). */
  steps: { step: StartupStepName; at: number }[];
}

/** The inference worker's interface (the in-thread fallback implements it too). */
export interface InferenceApi {
  /** Loads the runtime, the classifier and the first face detector, creates their sessions and runs the classifier once. */
  init(config: InferenceConfig, onProgress?: ProgressCallback): Promise<InferenceInfo>;
  /** Emotion probabilities per face, in the classifier's label order. `input` holds exactly `count` faces. */
  classify(input: Float32Array, count: number): Promise<Float32Array[]>;
  /** Runs the classifier session once on a fixed input. */
  warmup(): Promise<void>;
  /** Runs the ONNX face detector `model` on one letterboxed image (see `pipeline/find/onnx-detection.ts`); `input` is transferred. */
  detectFaces(input: Float32Array, model: string): Promise<RawDetections>;
  /**
   * Runs the iris model on `count` eye crops (see `pipeline/find/iris-stage.ts`; its session is created on the first
   * call); `input` is transferred. Its points, 76 × x/y/z per crop, one crop's after the other.
   */
  detectIris(input: Float32Array, count: number): Promise<Float32Array>;
  /** Frees every session. */
  release(): Promise<void>;
  /** Testing hook: throws an uncaught error where inference runs, as a crash would. */
  crashForTesting(): void;
}
