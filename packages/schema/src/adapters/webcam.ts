/**
 * Adapter to the webcam emotion API's `POST /predict` responses (success and error bodies).
 */
import { toEmoLensError, type EmoLensError } from '../errors.js';
import { LABEL_TABLE } from '../labels.js';
import type { WiaFaceResult } from '../wia.js';
import { checkResult } from './check-result.js';
import { largestOf } from './largest-face.js';

/** The webcam API's labels: the seven WIA classes in upper case, in WIA order. */
export const WEBCAM_LABELS = ['HAPPY', 'SAD', 'ANGRY', 'FEAR', 'DISGUST', 'SURPRISE', 'NEUTRAL'] as const;

/** A label of the webcam API. */
export type WebcamLabel = (typeof WEBCAM_LABELS)[number];

/** The `emotion` the webcam API answers when the image has no face (a 200 response, not an error). */
export const WEBCAM_NO_FACE = 'No face detected';

/** The webcam `/predict` success body (`webcam-predict-response.schema.json`). */
export type WebcamPredictResponse = { emotion: WebcamLabel } | { emotion: typeof WEBCAM_NO_FACE };

/** The webcam `/predict` error body (`webcam-error.schema.json`). */
export interface WebcamErrorBody {
  error: string;
}

/**
 * The webcam `/predict` success body. That API analyses one face: this reports the largest face by box
 * area (the first of equal ones), as its WIA primary label in upper case (`LABEL_TABLE`'s `webcam` column:
 * `HAPPY`, `SAD`, `ANGRY`, `FEAR`, `DISGUST`, `SURPRISE`, `NEUTRAL`). No face gives
 * `{ emotion: 'No face detected' }`, as the API does (status 200).
 *
 * @example
 * ```ts
 * toWebcamPredict(result); // { emotion: 'HAPPY' }
 * ```
 */
export function toWebcamPredict(result: WiaFaceResult): WebcamPredictResponse {
  const face = largestOf(checkResult(result, 'toWebcamPredict'));
  if (!face) return { emotion: WEBCAM_NO_FACE };
  return { emotion: LABEL_TABLE[face.emotions.primary.label].webcam as WebcamLabel };
}

/** The webcam API's fixed error strings for bad input, by the error's `details.kind`. */
const INPUT_ERROR_BODIES = {
  missing_image: 'No image provided',
  invalid_base64: 'Invalid base64 data',
  undecodable: 'Failed to decode image',
} as const;

function inputErrorBody(error: EmoLensError): string | undefined {
  const kind = error.details.kind;
  if (kind === 'missing_image' || kind === 'invalid_base64' || kind === 'undecodable') return INPUT_ERROR_BODIES[kind];
  if (error.code === 'INVALID_IMAGE') return INPUT_ERROR_BODIES.undecodable;
  return undefined;
}

/**
 * The webcam `/predict` error body, with the API's exact strings:
 * - `details.kind === 'missing_image'` → `{ "error": "No image provided" }`;
 * - `details.kind === 'invalid_base64'` → `{ "error": "Invalid base64 data" }`;
 * - `details.kind === 'undecodable'`, or any other `INVALID_IMAGE` → `{ "error": "Failed to decode image" }`;
 * - anything else → `{ "error": message }` (the API's 500 `{"error": "Error description here"}`, which
 *   carries the exception's text), or the code when the message is empty.
 *
 * `error` may be anything a `catch` gives: what is not an `EmoLensError` counts as `INTERNAL_ERROR`. Send it with {@link webcamHttpStatus}.
 */
export function toWebcamError(error: unknown): WebcamErrorBody {
  const typed = toEmoLensError(error);
  return { error: inputErrorBody(typed) ?? (typed.message || typed.code) };
}

/**
 * HTTP status of {@link toWebcamError}'s body, as the API answers: 400 for "No image provided" (its one 400), 500
 * for anything else — "Invalid base64 data" and "Failed to decode image" included, which its server raises as
 * exceptions and answers from its `except` branch with 500.
 */
export function webcamHttpStatus(error: unknown): 400 | 500 {
  return toEmoLensError(error).details.kind === 'missing_image' ? 400 : 500;
}
