/**
 * `@emolens/personalise`: on-device personalisation of EmoLens's estimates. The user's corrections stay in
 * IndexedDB; a small head, trained with TensorFlow.js in a Web Worker, learns how they differ from the base
 * estimator and adjusts the learning-state scores (and, with emotion corrections, the emotion probabilities).
 * Nothing leaves the device.
 * @packageDocumentation
 */
export { createPersonaliser, type Personaliser, type PersonaliserState } from './personaliser.js';
export {
  resolveOptions,
  DEFAULT_STORE_NAME,
  DEFAULT_BLEND_K,
  DEFAULT_RETRAIN_EVERY,
  DEFAULT_MAX_CORRECTIONS,
  DEFAULT_HIDDEN_UNITS,
  DEFAULT_EPOCHS,
  DEFAULT_LEARNING_RATE,
  DEFAULT_WEIGHT_DECAY,
  DEFAULT_HUBER_DELTA,
  DEFAULT_SEED,
  DEFAULT_TRAINING_LOAD,
  type PersonaliserOptions,
  type ResolvedPersonaliserOptions,
} from './options.js';
export {
  featuresOf,
  FEATURE_LAYOUT,
  FEATURE_LAYOUT_ID,
  FEATURE_LENGTH,
  FEATURE_INDEX,
  GAZE_SCALE_DEG,
  HEAD_YAW_SCALE_DEG,
  HEAD_TILT_SCALE_DEG,
  type FeatureSlot,
} from './features.js';
export type { Correction } from './correction.js';
export type { TrainInfo } from './train-info.js';
export { blendWeight } from './model/predict.js';
export { PERSONALISATION_FORMAT, PERSONALISATION_VERSION, type PersonalisationJson, type HeadJson } from './model/personalisation-json.js';
export { personaliseDatabaseName } from './store/idb-store.js';
