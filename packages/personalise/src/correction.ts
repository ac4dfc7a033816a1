/**
 * A user's correction of one estimate, and its check: a correction is stored only when every field is valid.
 */
import { LEARNING_STATES, LEARNING_STATE_MAX, LEARNING_STATE_MIN, WIA_EMOTIONS, type LearningStateScores, type WiaEmotion } from '@emolens/schema';
import { FEATURE_LENGTH } from './features.js';
import { invalid } from './invalid.js';

/** What `addCorrection` takes: the face's features, what the base estimator said, and what the user said. */
export interface Correction {
  /** The face's feature vector (`featuresOf(face)`), {@link FEATURE_LENGTH} values in [-1, 1]. */
  features: Float32Array | readonly number[];
  /** The base estimator's learning-state scores (Wakee `predicted_*`), each in [0, 3]. */
  predicted: LearningStateScores;
  /** The user's scores (Wakee `user_*`), each in [0, 3]. */
  corrected: LearningStateScores;
  /** The predicted primary emotion (Wakee extension `predicted_emotion`). */
  predictedEmotion?: WiaEmotion;
  /** The emotion the user says is right (Wakee extension `user_emotion`): it trains the emotion head. */
  correctedEmotion?: WiaEmotion;
}

/** A checked correction as it is stored (plain arrays and objects: structured-cloneable and JSON-safe). */
export interface StoredCorrection {
  features: number[];
  predicted: LearningStateScores;
  corrected: LearningStateScores;
  predictedEmotion?: WiaEmotion;
  correctedEmotion?: WiaEmotion;
}

/** Checks `value` and copies it; throws `INVALID_REQUEST` with `details.field` naming the first bad field. */
export function checkCorrection(value: unknown): StoredCorrection {
  if (typeof value !== 'object' || value === null) throw invalid('correction', 'addCorrection needs a correction object');
  const c = value as Record<string, unknown>;
  const stored: StoredCorrection = {
    features: checkFeatures(c['features'], 'features'),
    predicted: checkScores(c['predicted'], 'predicted'),
    corrected: checkScores(c['corrected'], 'corrected'),
  };
  const predictedEmotion = checkEmotion(c['predictedEmotion'], 'predictedEmotion');
  const correctedEmotion = checkEmotion(c['correctedEmotion'], 'correctedEmotion');
  if (predictedEmotion !== undefined) stored.predictedEmotion = predictedEmotion;
  if (correctedEmotion !== undefined) stored.correctedEmotion = correctedEmotion;
  return stored;
}

/** Checks a feature vector: {@link FEATURE_LENGTH} finite values in [-1, 1]. */
export function checkFeatures(value: unknown, field: string): number[] {
  if (!(value instanceof Float32Array) && !Array.isArray(value)) {
    throw invalid(field, `${field} must be a Float32Array or an array of numbers (featuresOf(face))`);
  }
  if (value.length !== FEATURE_LENGTH) {
    throw invalid(field, `${field} must have ${FEATURE_LENGTH} values (featuresOf(face)), got ${value.length}`);
  }
  const out = Array.from(value as ArrayLike<unknown>, (v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < -1 || v > 1) {
      throw invalid(`${field}[${i}]`, `${field}[${i}] must be a finite number in [-1, 1], got ${String(v)}`);
    }
    return v;
  });
  return out;
}

/** Checks learning-state scores: the four states, each a finite number in [0, 3]. */
export function checkScores(value: unknown, field: string): LearningStateScores {
  if (typeof value !== 'object' || value === null) throw invalid(field, `${field} must be an object of the four learning-state scores`);
  const out = {} as LearningStateScores;
  for (const state of LEARNING_STATES) {
    const v = (value as Record<string, unknown>)[state];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < LEARNING_STATE_MIN || v > LEARNING_STATE_MAX) {
      throw invalid(`${field}.${state}`, `${field}.${state} must be a number in [${LEARNING_STATE_MIN}, ${LEARNING_STATE_MAX}], got ${String(v)}`);
    }
    out[state] = v;
  }
  return out;
}

function checkEmotion(value: unknown, field: string): WiaEmotion | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(WIA_EMOTIONS as readonly string[]).includes(value)) {
    throw invalid(field, `${field} must be one of ${WIA_EMOTIONS.join(', ')}, got ${String(value)}`);
  }
  return value as WiaEmotion;
}
