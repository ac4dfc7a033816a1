/**
 * The whole worker boundary: what the main thread may ask of the pipeline worker. Both sides import
 * this file; the main thread holds a `Comlink.Remote<PipelineApi>`.
 */
import type { WiaFaceResult } from '@emolens/schema';
import type { AssetUrls } from '../assets/asset-urls.js';
import type { Backend, ProgressCallback } from '../assets/progress.js';
import type { Baseline } from '../pipeline/derive/baseline.js';
import type { FrameOptions, ResolvedDetectorOptions, ResolvedTrackingOptions } from '../options.js';

/** Everything the pipeline worker needs to start: the resolved detector options it uses, and the asset URLs. */
export type PipelineConfig = Pick<ResolvedDetectorOptions, 'classifier' | 'backend' | 'threads' | 'cache' | 'maxFaces' | 'minDetectionConfidence' | 'inferenceWorker'> & {
  /** Absolute URL per asset id. */
  assets: AssetUrls;
};

/** What the worker reports once ready. */
export interface PipelineInfo {
  backend: Backend;
  classifier: string;
  /** Threads the WASM backend actually uses. */
  threads: number;
  /** Where inference runs: `worker` (the inference worker) or `inline` (the pipeline worker). */
  classifierPlacement: 'worker' | 'inline';
}

/** Milliseconds spent in each stage of one frame, measured in the worker. */
export interface StageTimings {
  /** Finding the faces (detector passes, and the mesh when a signal needs it), tiles included. */
  landmarks: number;
  /** Whether the frame took its stream's last detection instead of detecting (`detectionReuseMs`). */
  detectionReused: boolean;
  /** Tiles a dense image was searched in (0: not tiled; see `faceRange`). */
  tiles: number;
  /** The part of `landmarks` spent on tiles. */
  tilesMs: number;
  crop: number;
  classify: number;
  /** Derive + format. */
  format: number;
  /** Worker-side total. */
  total: number;
}

/** One analysed frame. */
export interface FrameResult {
  result: WiaFaceResult;
  timings: StageTimings;
}

/** Which stream a frame belongs to, and when it was captured. */
export interface StreamFrameRef {
  /** The stream's id, from {@link PipelineApi.openStream}. */
  id: number;
  /**
   * The frame's own timestamp in ms (a camera frame's capture time, a video frame's media time), on one clock for
   * the whole stream: finite and never going back (an equal one is a repeated frame). Face motion, the grace of an
   * unseen face and the smoothing all run on these timestamps, not on when frames arrive.
   */
  timestampMs: number;
}

/** The pipeline as the worker exposes it. */
export interface PipelineApi {
  /** Loads and compiles every asset; progress events go to `onProgress`. */
  init(config: PipelineConfig, onProgress?: ProgressCallback): Promise<PipelineInfo>;
  /**
   * Runs one frame (transferred) through the pipeline. A single image (no `stream`) numbers its faces 0, 1, … in
   * order. A frame of a `stream` gets the stream's stable `face_id`s, and its faces' emotions and dimensions are
   * smoothed over the stream's frames, `emotions.primary` held by label hysteresis, and the frame's own values
   * given under `raw` (unless smoothing is off).
   * @throws EmoLensError `INVALID_REQUEST` with `details.field` `stream` (no such open stream) or `timestampMs` (not
   * finite, or before the stream's last frame).
   */
  analyze(frame: ImageBitmap, options: FrameOptions, requestId: string, stream?: StreamFrameRef): Promise<FrameResult>;
  /**
   * The neutral baseline of the one face in `frame` (transferred), found as `options` say (`faceRange`).
   * @throws EmoLensError `NO_FACE_DETECTED`; `INVALID_REQUEST` (`details.field: 'input'`, `kind: 'several_faces'`).
   */
  calibrate(frame: ImageBitmap, options: FrameOptions, requestId: string): Promise<Baseline>;
  /**
   * Opens a stream (a sequence of frames sharing state: face tracks, smoothing, labels) tracked with `options`
   * (from `resolveTrackingOptions`), and returns its id.
   */
  openStream(options: ResolvedTrackingOptions): number;
  /** Closes a stream and drops all its state (closing one that is not open does nothing). */
  closeStream(stream: number): void;
  /** Runs the face detector on a blank frame and the classifier on a test input, so first calls are fast. */
  warmup(): Promise<void>;
  /**
   * Testing hook: throws an uncaught error in the pipeline worker, or in the inference worker, as a crash
   * would (the SDK's tests use it).
   */
  crashForTesting(target?: 'pipeline' | 'inference'): void;
  /** Releases the models (the worker is then terminated by the caller). */
  dispose(): Promise<void>;
}
