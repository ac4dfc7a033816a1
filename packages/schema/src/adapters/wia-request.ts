/**
 * Validation of the WIA `POST /v1/analyze/face` request body (section 5.3.1).
 */
import { FIELD_DEFAULTS, MAX_FACES, MIN_FACE_SIZE } from '../face-options.js';
import { describe, invalid, isObject, readObject } from './request-body.js';

/** `options` of a WIA face request as a client sends them (every field optional). */
export interface WiaFaceRequestOptionsBody {
  /** Include `action_units` (FACS action units with intensities in [0, 1]). Default `false`. */
  return_action_units?: boolean;
  /** Include `dimensions` (valence/arousal). Default `true`. */
  return_dimensions?: boolean;
  /** Include the 468 `landmarks`. Default `false`. */
  return_landmarks?: boolean;
  /** Smallest face to report, in pixels: an integer from 0 to 100000. Default `0`. */
  min_face_size?: number;
  /** Most faces to report: an integer from 1 to 100. Default `5`. */
  max_faces?: number;
}

/** A WIA face request body as a client sends it (`wia-face-request.schema.json`): exactly one image field. */
export type WiaFaceRequestBody = ({ image_url: string; image_base64?: never } | { image_base64: string; image_url?: never }) & {
  options?: WiaFaceRequestOptionsBody;
};

/** The options of a validated request, every default filled in. */
export type WiaFaceRequestOptions = Required<WiaFaceRequestOptionsBody>;

/**
 * A validated WIA face request: exactly one of `image_url` and `image_base64` (the other is absent), and
 * `options` with every default filled in.
 */
export type WiaFaceRequest = ({ image_url: string; image_base64?: undefined } | { image_base64: string; image_url?: undefined }) & {
  options: WiaFaceRequestOptions;
};

/** The defaults of {@link parseWiaFaceRequest}. */
export const WIA_FACE_REQUEST_DEFAULTS: Readonly<WiaFaceRequestOptions> = {
  return_action_units: FIELD_DEFAULTS.actionUnits,
  return_dimensions: FIELD_DEFAULTS.dimensions,
  return_landmarks: FIELD_DEFAULTS.landmarks,
  min_face_size: MIN_FACE_SIZE.default,
  max_faces: MAX_FACES.default,
};

const BOOLEAN_OPTIONS = ['return_action_units', 'return_dimensions', 'return_landmarks'] as const;
const INTEGER_OPTIONS = {
  min_face_size: MIN_FACE_SIZE,
  max_faces: MAX_FACES,
} as const;
const TOP_LEVEL_KEYS = ['image_url', 'image_base64', 'options'];

/**
 * Validates a WIA `POST /v1/analyze/face` request body (e.g. a `JSON.parse`d one) and returns it
 * normalised: the one image field, and `options` with the defaults filled in (`return_dimensions: true`,
 * `return_landmarks: false`, `return_action_units: false`, `max_faces: 5`, `min_face_size: 0`). A field
 * whose value is `undefined` (possible from JavaScript, not from JSON) counts as absent.
 *
 * The image strings are only checked to be non-empty: whether they are a fetchable URL or valid base64 is for
 * the decoder to say.
 *
 * @throws EmoLensError `INVALID_REQUEST`, with `details.field` the dotted path of the offending
 * value (`'image_url'`, `'options.max_faces'`, `'body'` for the body itself), `reason` and `suggestion`:
 * for a body that is not an object, an unknown key (top level or in `options`), a value of the wrong type,
 * a number that is not an integer (NaN and ±Infinity included) or out of range, an empty image string or
 * both image fields. With neither image field, `field` is `'image_url'` and `details.kind` is
 * `'missing_image'`; with an empty string, `kind` is `'empty'`.
 *
 * @example
 * ```ts
 * parseWiaFaceRequest({ image_url: 'https://example.com/face.jpg', options: { max_faces: 1 } });
 * // { image_url: 'https://example.com/face.jpg', options: { return_action_units: false, return_dimensions: true,
 * //   return_landmarks: false, min_face_size: 0, max_faces: 1 } }
 * ```
 */
export function parseWiaFaceRequest(body: unknown): WiaFaceRequest {
  if (!isObject(body)) {
    throw invalid('body', 'The request body must be a JSON object', describe(body), 'Send { "image_url": "…" } or { "image_base64": "…" }.');
  }
  const request = readObject(body, '');
  for (const key of Object.keys(request)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      throw invalid(key, `Unknown field "${key}"`, 'not a field of the WIA face request', 'Use only image_url or image_base64, and options.');
    }
  }
  const url = imageField(request, 'image_url');
  const base64 = imageField(request, 'image_base64');
  if (url !== undefined && base64 !== undefined) {
    throw invalid('image_base64', 'Give exactly one of image_url and image_base64', 'both were given', 'Remove one of them.');
  }
  const options = parseOptions(request['options']);
  if (url !== undefined) return { image_url: url, options };
  if (base64 !== undefined) return { image_base64: base64, options };
  throw invalid('image_url', 'No image provided', 'neither image_url nor image_base64 was given', 'Send image_url or image_base64.', {
    kind: 'missing_image',
  });
}

function imageField(body: Record<string, unknown>, field: 'image_url' | 'image_base64'): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  const expected = field === 'image_url' ? 'the URL of an image' : 'a base64 string or data URL of an image';
  if (typeof value !== 'string') throw invalid(field, `${field} must be a string`, describe(value), `Send ${expected}.`);
  if (value.length === 0) throw invalid(field, `${field} is empty`, 'got an empty string', `Send ${expected}.`, { kind: 'empty' });
  return value;
}

function parseOptions(value: unknown): WiaFaceRequestOptions {
  const options: WiaFaceRequestOptions = { ...WIA_FACE_REQUEST_DEFAULTS };
  if (value === undefined) return options;
  if (!isObject(value)) throw invalid('options', 'options must be an object', describe(value), 'Send an object, or leave options out.');
  const given = readObject(value, 'options');
  for (const key of Object.keys(given)) {
    const field = `options.${key}`;
    const v = given[key];
    if (v === undefined) continue;
    if ((BOOLEAN_OPTIONS as readonly string[]).includes(key)) {
      if (typeof v !== 'boolean') throw invalid(field, `${field} must be a boolean`, describe(v), 'Send true or false, or leave it out.');
      options[key as (typeof BOOLEAN_OPTIONS)[number]] = v;
    } else if (key === 'min_face_size' || key === 'max_faces') {
      const { min, max } = INTEGER_OPTIONS[key];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        throw invalid(
          field,
          `${field} must be an integer from ${min} to ${max}`,
          describe(v),
          `Send an integer from ${min} to ${max}, or leave it out for the default ${WIA_FACE_REQUEST_DEFAULTS[key]}.`,
        );
      }
      options[key] = v;
    } else {
      throw invalid(field, `Unknown option "${key}"`, 'not an option of the WIA face request', `Use only ${[...BOOLEAN_OPTIONS, ...Object.keys(INTEGER_OPTIONS)].join(', ')}.`);
    }
  }
  return options;
}
