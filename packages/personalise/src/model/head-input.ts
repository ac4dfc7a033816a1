/**
 * What a head sees: the feature vector standardised with the training set's statistics, and (for the learning-state
 * head) the base scores. Training and prediction both build their inputs here, so they cannot drift apart.
 */
import { LEARNING_STATES, LEARNING_STATE_MAX, type LearningStateScores } from '@emolens/schema';
import { FEATURE_LENGTH } from '../features.js';

/** Smallest standard deviation a feature is divided by: a feature that barely varied in training stays bounded. */
export const MIN_FEATURE_STD = 0.1;
/** Standardised features are clipped to ± this, so a face unlike any corrected one cannot push the head far. */
export const MAX_STANDARDISED = 4;

/** Per-feature mean and standard deviation of the corrections a head was trained on. */
export interface Normalisation {
  mean: Float32Array;
  std: Float32Array;
}

/** Inputs of the learning-state head: the standardised features, then the four base scores scaled to [-1, 1]. */
export const STATE_HEAD_INPUTS = FEATURE_LENGTH + LEARNING_STATES.length;
/** Inputs of the emotion head: the standardised features. */
export const EMOTION_HEAD_INPUTS = FEATURE_LENGTH;

/** Mean and standard deviation (floored at {@link MIN_FEATURE_STD}) of each feature over `rows`. */
export function normalisationOf(rows: readonly ArrayLike<number>[]): Normalisation {
  const mean = new Float32Array(FEATURE_LENGTH);
  const std = new Float32Array(FEATURE_LENGTH).fill(1);
  if (rows.length === 0) return { mean, std };
  for (let j = 0; j < FEATURE_LENGTH; j++) {
    let sum = 0;
    for (const row of rows) sum += row[j]!;
    const m = sum / rows.length;
    let squares = 0;
    for (const row of rows) squares += (row[j]! - m) ** 2;
    mean[j] = m;
    std[j] = Math.max(MIN_FEATURE_STD, Math.sqrt(squares / rows.length));
  }
  return { mean, std };
}

/** Writes the standardised `features` into `out` from `at`. */
export function writeStandardised(features: ArrayLike<number>, norm: Normalisation, out: Float32Array, at = 0): void {
  for (let j = 0; j < FEATURE_LENGTH; j++) {
    const z = (features[j]! - norm.mean[j]!) / norm.std[j]!;
    out[at + j] = Math.min(MAX_STANDARDISED, Math.max(-MAX_STANDARDISED, z));
  }
}

/** Writes the learning-state head's input for `features` and `base` into `out` from `at`. */
export function writeStateInput(features: ArrayLike<number>, base: LearningStateScores, norm: Normalisation, out: Float32Array, at = 0): void {
  writeStandardised(features, norm, out, at);
  LEARNING_STATES.forEach((state, i) => {
    out[at + FEATURE_LENGTH + i] = (base[state] / LEARNING_STATE_MAX) * 2 - 1;
  });
}
