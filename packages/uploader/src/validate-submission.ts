/**
 * Checks the fields of a submission (everything but the image) against the rules of the `/insert` JSON Schema, so a
 * bad call fails at once with `INVALID_REQUEST` instead of becoming a dead letter later.
 */
import {
  EmoLensError,
  LEARNING_STATE_MAX,
  LEARNING_STATE_MIN,
  LEARNING_STATES,
  WIA_EMOTIONS,
  type AnnotationMeta,
  type LearningStateScores,
  type WakeeInsertExtensions,
} from '@emolens/schema';

/** Most entries of `meta` (the schema's `maxProperties`). */
export const META_MAX_ENTRIES = 32;
/** Longest string value of `meta`. */
export const META_MAX_STRING = 256;
const META_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Throws `INVALID_REQUEST` (`details.field`: the dotted path of the first bad value) unless `predicted` and `corrected`
 * score the four learning states in [0, 3] and the extension fields and `meta` are what the schema takes.
 */
export function validateSubmission(
  predicted: LearningStateScores,
  corrected: LearningStateScores,
  extensions: Omit<WakeeInsertExtensions, 'meta'> | undefined,
  meta: AnnotationMeta | undefined,
): void {
  scores('predicted', predicted);
  scores('corrected', corrected);
  if (extensions !== undefined) {
    if (!isObject(extensions)) throw invalid('extensions', 'extensions must be an object');
    for (const key of Object.keys(extensions)) {
      if (!['predicted_emotion', 'user_emotion', 'predicted_probabilities', 'wia_face'].includes(key)) {
        throw invalid(`extensions.${key}`, `unknown extension field ${key}`);
      }
    }
    for (const key of ['predicted_emotion', 'user_emotion'] as const) {
      const label = extensions[key];
      if (label !== undefined && !(WIA_EMOTIONS as readonly string[]).includes(label)) {
        throw invalid(`extensions.${key}`, `${key} must be one of ${WIA_EMOTIONS.join(', ')}`);
      }
    }
    const probabilities = extensions.predicted_probabilities;
    if (probabilities !== undefined) {
      if (!isObject(probabilities)) throw invalid('extensions.predicted_probabilities', 'predicted_probabilities must be an object');
      for (const label of WIA_EMOTIONS) {
        const p = (probabilities as Record<string, unknown>)[label];
        if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw invalid(`extensions.predicted_probabilities.${label}`, `the probability of ${label} must be a number in [0, 1]`);
      }
      for (const key of Object.keys(probabilities)) {
        if (!(WIA_EMOTIONS as readonly string[]).includes(key)) throw invalid(`extensions.predicted_probabilities.${key}`, `unknown label ${key}`);
      }
    }
    if (extensions.wia_face !== undefined && !isObject(extensions.wia_face)) throw invalid('extensions.wia_face', 'wia_face must be a WIA face object');
  }
  if (meta !== undefined) {
    if (!isObject(meta)) throw invalid('meta', 'meta must be an object');
    const entries = Object.entries(meta);
    if (entries.length > META_MAX_ENTRIES) throw invalid('meta', `meta has ${entries.length} entries, at most ${META_MAX_ENTRIES} are allowed`);
    for (const [key, value] of entries) {
      if (!META_KEY.test(key)) throw invalid(`meta.${key}`, `meta keys are 1-64 characters of A-Z a-z 0-9 _ . -`);
      const ok =
        value === null ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && value.length <= META_MAX_STRING);
      if (!ok) throw invalid(`meta.${key}`, `meta values are strings of at most ${META_MAX_STRING} characters, finite numbers, booleans or null`);
    }
  }
}

function scores(field: 'predicted' | 'corrected', value: LearningStateScores): void {
  if (!isObject(value)) throw invalid(field, `${field} must score ${LEARNING_STATES.join(', ')}`);
  for (const state of LEARNING_STATES) {
    const score = (value as Record<string, unknown>)[state];
    if (typeof score !== 'number' || !(score >= LEARNING_STATE_MIN && score <= LEARNING_STATE_MAX)) {
      throw invalid(`${field}.${state}`, `${field}.${state} must be a number in [${LEARNING_STATE_MIN}, ${LEARNING_STATE_MAX}]`);
    }
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(field: string, message: string): EmoLensError {
  return new EmoLensError('INVALID_REQUEST', message, { field, reason: message });
}
