/**
 * Adapter to the Wakee API's `POST /predict` response: the four learning states of the (largest) face and when
 * they were computed.
 */
import { EmoLensError } from '../errors.js';
import { LEARNING_STATE_MAX, LEARNING_STATE_MIN, LEARNING_STATES, type LearningStateScores } from '../wakee.js';
import type { WiaFaceResult } from '../wia.js';
import { checkResult } from './check-result.js';
import { largestOf } from './largest-face.js';

/** The Wakee `/predict` body (`wakee-predict-response.schema.json`). */
export interface WakeePrediction extends LearningStateScores {
  /** ISO 8601 date and time to the second, UTC, without a zone suffix, as the Wakee API writes it (`2025-02-04T10:30:00`). */
  timestamp: string;
}

/** `date` as the Wakee API's timestamp. */
export function wakeeTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/**
 * `scores` checked as learning-state scores: an object with each of the four states, a finite number in [0, 3].
 * @throws EmoLensError `INVALID_REQUEST`, `details.field` naming the state (or `learning_states`).
 */
export function checkLearningStates(scores: unknown, field = 'learning_states'): LearningStateScores {
  if (typeof scores !== 'object' || scores === null) {
    throw new EmoLensError('INVALID_REQUEST', 'Learning states must be an object of four scores', { field, reason: 'not an object' });
  }
  const out = {} as LearningStateScores;
  for (const state of LEARNING_STATES) {
    const value = (scores as Record<string, unknown>)[state];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < LEARNING_STATE_MIN || value > LEARNING_STATE_MAX) {
      throw new EmoLensError('INVALID_REQUEST', `${state} must be a number from ${LEARNING_STATE_MIN} to ${LEARNING_STATE_MAX}`, {
        field: `${field}.${state}`,
        value: typeof value === 'number' ? String(value) : typeof value,
        reason: 'not a score on the 0–3 scale',
      });
    }
    out[state] = value;
  }
  return out;
}

/**
 * The Wakee `/predict` body for the largest face of a result computed with `returnLearningStates: true`, stamped
 * with `date`.
 * @throws EmoLensError `NO_FACE_DETECTED` when the result has no face; `INVALID_REQUEST` when the face has no
 * valid `learning_states` (not asked for, or altered).
 *
 * @example
 * ```ts
 * toWakeePrediction(result, new Date()); // { boredom: 1.25, confusion: 0.8, engagement: 2.15, frustration: 0.35, timestamp: '2025-02-04T10:30:00' }
 * ```
 */
export function toWakeePrediction(result: WiaFaceResult, date: Date): WakeePrediction {
  const face = largestOf(checkResult(result, 'toWakeePrediction'));
  if (!face) {
    throw new EmoLensError('NO_FACE_DETECTED', 'No face detected in the image', {
      reason: 'the face detector found no face at or above the minimum face size',
      suggestion: 'Send an image where the face is visible, frontal and at least minFaceSize pixels across.',
    });
  }
  if (face.learning_states === undefined) {
    throw new EmoLensError('INVALID_REQUEST', 'The face has no learning_states', { field: 'learning_states', reason: 'missing', suggestion: 'Detect with returnLearningStates: true.' });
  }
  return { ...checkLearningStates(face.learning_states), timestamp: wakeeTimestamp(date) };
}
