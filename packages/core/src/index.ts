/**
 * `@emolens/core`: facial emotion recognition in the browser. An image in, the WIA `POST /v1/analyze/face`
 * result out, computed in a Web Worker on self-hosted models.
 * @packageDocumentation
 */
export { createDetector } from './detector.js';
export type { Detector, CallTimings } from './detector.js';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MIN_DETECTION_CONFIDENCE, DETECTION_MAX_SIDE } from './options.js';
export type { DetectorOptions, DetectOptions, BackendPreference, FaceRange, StreamOptions, StreamCallbacks, TrackingOptions, Smoothing } from './options.js';
export { TRACKING_DEFAULTS } from './options.js';
export { DEFAULT_FRAME_RATE } from './options.js';
export type { VideoOptions, VideoCallOptions, VideoProgress } from './options.js';
export type { VideoAnalysisInput } from './video-analysis/open-frames.js';
export type { LiveStream, StreamEnd, StreamFrameResult } from './stream/live-stream.js';
export type { StreamStats } from './stream/stream-stats.js';
export type { StreamSource } from './stream/stream-source.js';
export type { ImageInput } from './input/decode.js';
export type { ClassifierModule, WebGpuRuntime } from './assets/extras.js';
export type { LoadProgressEvent, ProgressCallback, Backend, StartupStep, StartupStepName } from './assets/progress.js';
export type { StageTimings } from './worker/pipeline-api.js';
export { classifierIds, DEFAULT_CLASSIFIER } from './assets/registry.js';
export { CIRCUMPLEX } from './pipeline/derive/valence-arousal.js';
export { CACHE_NAME } from './assets/asset-loader.js';
export * from '@emolens/schema';
