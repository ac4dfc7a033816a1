/**
 * Adapter to the Face Emotion Recognition API's `POST /emotion` response.
 */
import { LABEL_TABLE, type WiaEmotion } from '../labels.js';
import type { WiaFace, WiaFaceResult } from '../wia.js';
import { checkResult } from './check-result.js';
import { rankedClasses, scoreMap } from './scores.js';

/** The six labels of the `/emotion` API (its model has no disgust class), in WIA order. */
export const EMOTION_API_LABELS = ['happy', 'sad', 'angry', 'fear', 'surprise', 'neutral'] as const;

/** A label of the `/emotion` API. */
export type EmotionApiLabel = (typeof EMOTION_API_LABELS)[number];

/** One face of the `/emotion` response. */
export interface EmotionApiFace {
  /** `[x, y, width, height]` in source-image pixels (the WIA `bbox`). */
  bounding_box: [x: number, y: number, width: number, height: number];
  /** The most probable of the six classes. */
  emotion: EmotionApiLabel;
  /** Its probability among the six classes, 0 to 1. */
  confidence: number;
}

/**
 * The `POST /emotion` response body (`emotion-api-response.schema.json`): one entry per face, in the order
 * of `result.faces`; `[]` when there is no face.
 *
 * The `/emotion` API has six classes; WIA has seven. Disgust has no word there
 * (`LABEL_TABLE.disgust['emotion-api'] === null`), so it is dropped and the six remaining probabilities are
 * renormalised to sum to 1: `emotion` is the most probable of the six (ties go to the earlier class in
 * `WIA_EMOTIONS` order) and `confidence` is its renormalised probability. A face whose WIA primary is
 * disgust therefore reports its most probable non-disgust class, e.g. disgust 0.6 / anger 0.3 / … gives
 * `{ emotion: 'angry', confidence: 0.75 }`. In the degenerate case where the six have no probability at all
 * (disgust 1), the face reports `{ emotion: 'neutral', confidence: 0 }`.
 *
 * @example
 * ```ts
 * toEmotionApi(await detector.detect(file));
 * // [{ bounding_box: [120, 85, 90, 90], emotion: 'happy', confidence: 0.94 }]
 * ```
 */
export function toEmotionApi(result: WiaFaceResult): EmotionApiFace[] {
  return checkResult(result, 'toEmotionApi').faces.map(emotionApiFace);
}

function emotionApiFace(face: WiaFace): EmotionApiFace {
  const { x, y, width, height } = face.bbox;
  const scores = scoreMap(face);
  let total = 0;
  for (const label of Object.keys(scores) as WiaEmotion[]) if (LABEL_TABLE[label]['emotion-api'] !== null) total += scores[label];
  if (!(total > 0)) return { bounding_box: [x, y, width, height], emotion: 'neutral', confidence: 0 };
  const best = rankedClasses(scores).find((label) => LABEL_TABLE[label]['emotion-api'] !== null)!;
  return {
    bounding_box: [x, y, width, height],
    emotion: LABEL_TABLE[best]['emotion-api'] as EmotionApiLabel,
    confidence: scores[best] / total,
  };
}
