/**
 * `@emolens/core`: facial emotion recognition in the browser. An image in, the WIA `POST /v1/analyze/face`
 * result out, computed in a Web Worker on self-hosted models.
 * @packageDocumentation
 */
export { createDetector } from './detector.js';
export type { Detector, DetectorOptions, DetectOptions, CallTimings } from './detector.js';
export type { ImageInput } from './input/decode.js';
export { DEFAULT_MAX_PIXELS, DETECTION_MAX_SIDE } from './input/decode.js';
export type { LoadProgressEvent, ProgressCallback, Backend } from './assets/progress.js';
export type { BackendPreference, StageTimings } from './worker/api.js';
export type { FaceRange } from './pipeline/faces.js';
export { DEFAULT_MIN_DETECTION_CONFIDENCE } from './pipeline/stage-options.js';
export { classifierIds, DEFAULT_CLASSIFIER } from './assets/registry.js';
export { CIRCUMPLEX } from './pipeline/derive/valence-arousal.js';
export { CACHE_NAME } from './assets/asset-loader.js';
export * from '@emolens/schema';
