/**
 * The Wakee API's annotation body (`POST /insert`) and the four DAiSEE learning states it scores, with the EmoLens
 * extension fields for the seven-class emotion. `schemas/wakee-insert-request.schema.json` is its JSON Schema.
 */
import type { WiaEmotion } from './labels.js';
import type { WiaFace } from './wia.js';

/** The four learning states of the Wakee API (DAiSEE's labels), in the order the API lists them. */
export const LEARNING_STATES = ['boredom', 'confusion', 'engagement', 'frustration'] as const;

/** A learning state of the Wakee API. */
export type LearningState = (typeof LEARNING_STATES)[number];

/** Lowest score of a learning state on DAiSEE's scale ("very low"). */
export const LEARNING_STATE_MIN = 0;
/** Highest score of a learning state on DAiSEE's scale ("very high"). */
export const LEARNING_STATE_MAX = 3;

/**
 * Largest width or height of an `/insert` image that `@emolens/server` stores (a larger one is 413): the uploader's
 * `maxSide` cannot ask for more.
 */
export const INSERT_IMAGE_MAX_SIDE = 4096;

/** A score for each learning state, each in [{@link LEARNING_STATE_MIN}, {@link LEARNING_STATE_MAX}]. */
export type LearningStateScores = Record<LearningState, number>;

/**
 * The scores an app sends as `predicted_*` while nothing estimates the learning states: the middle of the scale,
 * for each state.
 */
export const UNESTIMATED_LEARNING_STATES: Readonly<LearningStateScores> = Object.freeze(
  Object.fromEntries(LEARNING_STATES.map((s) => [s, (LEARNING_STATE_MIN + LEARNING_STATE_MAX) / 2])) as LearningStateScores,
);

/** Free key/value context an app attaches to an annotation (at most 32 entries; strings up to 256 characters). */
export type AnnotationMeta = Record<string, string | number | boolean | null>;

/**
 * The body of Wakee's `POST /insert`: the image, the predicted scores and the user's. The fields after the eight
 * scores are EmoLens extensions; a Wakee server ignores them.
 */
export interface WakeeInsertBody {
  /** The image as standard base64 (no `data:` prefix): JPEG, PNG or WebP. */
  image_base64: string;
  predicted_boredom: number;
  predicted_confusion: number;
  predicted_engagement: number;
  predicted_frustration: number;
  user_boredom: number;
  user_confusion: number;
  user_engagement: number;
  user_frustration: number;
  /** EmoLens extension: the predicted primary emotion. */
  predicted_emotion?: WiaEmotion;
  /** EmoLens extension: the emotion the user says is right. */
  user_emotion?: WiaEmotion;
  /** EmoLens extension: the predicted probability of each of the seven labels. */
  predicted_probabilities?: Record<WiaEmotion, number>;
  /** EmoLens extension: the WIA face the prediction came from. */
  wia_face?: WiaFace;
  /** EmoLens extension: the app's own context. */
  meta?: AnnotationMeta;
}

/** The EmoLens extension fields of a {@link WakeeInsertBody}. */
export type WakeeInsertExtensions = Pick<WakeeInsertBody, 'predicted_emotion' | 'user_emotion' | 'predicted_probabilities' | 'wia_face' | 'meta'>;

/**
 * The `/insert` body for an image and two sets of scores: `predicted_<state>` from `predicted`, `user_<state>` from
 * `corrected`, then the extension fields that are set.
 */
export function toWakeeInsertBody(
  imageBase64: string,
  predicted: LearningStateScores,
  corrected: LearningStateScores,
  extensions: WakeeInsertExtensions = {},
): WakeeInsertBody {
  const body = {
    image_base64: imageBase64,
    predicted_boredom: predicted.boredom,
    predicted_confusion: predicted.confusion,
    predicted_engagement: predicted.engagement,
    predicted_frustration: predicted.frustration,
    user_boredom: corrected.boredom,
    user_confusion: corrected.confusion,
    user_engagement: corrected.engagement,
    user_frustration: corrected.frustration,
  } as WakeeInsertBody;
  for (const [key, value] of Object.entries(extensions)) {
    if (value !== undefined) (body as unknown as Record<string, unknown>)[key] = value;
  }
  return body;
}
