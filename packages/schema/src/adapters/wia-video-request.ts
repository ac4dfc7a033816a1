/**
 * Validation of the WIA `POST /v1/analyze/face/video` request body (section 5.3.2).
 */
import { describe, invalid, isArray, isObject, read, readObject } from './request-body.js';

/**
 * Most entries of `frames_base64`. A thousand frames is over half a minute of 30 fps video, and as base64 JPEGs
 * a body of tens of megabytes: longer clips belong in a video file (`video_url`), which is decoded frame by frame
 * instead of being held in memory all at once.
 */
export const MAX_FRAMES_BASE64 = 1_000;

/** `options` of a WIA video request as a client sends them (every field optional). */
export interface WiaVideoRequestOptionsBody {
  /**
   * Analyse every n-th frame (of the video, or of `frames_base64`), starting with the first: an integer ≥ 1.
   * Default `1` (every frame).
   */
  sample_rate?: number;
  /** Where analysis starts, in milliseconds from the video's start: a number ≥ 0. Default `0`. */
  start_time_ms?: number;
  /**
   * Where analysis ends, in milliseconds from the video's start: a number greater than `start_time_ms`; no frame at
   * or after it is analysed. Default: the video's end.
   */
  end_time_ms?: number;
  /** Keep each face's `face_id` from frame to frame (otherwise ids are per frame). Default `true`. */
  track_faces?: boolean;
}

/** A WIA video request body as a client sends it (`wia-video-request.schema.json`): exactly one video field. */
export type WiaVideoRequestBody = ({ video_url: string; frames_base64?: never } | { frames_base64: string[]; video_url?: never }) & {
  options?: WiaVideoRequestOptionsBody;
};

/**
 * The options of a validated video request, every default filled in. `end_time_ms` stays absent when the request
 * did not give it: its default, the video's end, is known only once the video is opened.
 */
export type WiaVideoRequestOptions = Required<Omit<WiaVideoRequestOptionsBody, 'end_time_ms'>> & Pick<WiaVideoRequestOptionsBody, 'end_time_ms'>;

/**
 * A validated WIA video request: exactly one of `video_url` and `frames_base64` (the other is absent), and
 * `options` with every default filled in.
 */
export type WiaVideoRequest = ({ video_url: string; frames_base64?: undefined } | { frames_base64: string[]; video_url?: undefined }) & {
  options: WiaVideoRequestOptions;
};

/** The defaults of {@link parseWiaVideoRequest}: every frame, from the start, faces tracked (and no `end_time_ms`: the video's end). */
export const WIA_VIDEO_REQUEST_DEFAULTS: Readonly<WiaVideoRequestOptions> = {
  sample_rate: 1,
  start_time_ms: 0,
  track_faces: true,
};

const VIDEO_KEYS = ['video_url', 'frames_base64', 'options'];
const OPTION_KEYS = ['sample_rate', 'start_time_ms', 'end_time_ms', 'track_faces'];
const FRAMES_EXPECTED = `a non-empty array of at most ${MAX_FRAMES_BASE64} base64 strings or data URLs of images`;

/**
 * Validates a WIA `POST /v1/analyze/face/video` request body (e.g. a `JSON.parse`d one) and returns it normalised:
 * the one video field (`frames_base64` as a fresh array) and `options` with the defaults filled in
 * ({@link WIA_VIDEO_REQUEST_DEFAULTS}: `sample_rate: 1`, `start_time_ms: 0`, `track_faces: true`; `end_time_ms`
 * absent means the video's end). A field whose value is `undefined` (possible from JavaScript, not from JSON) counts
 * as absent.
 *
 * Only the request's own consistency is checked: `video_url` and each frame are non-empty strings (whether they
 * can be fetched or decoded is for the decoder to say), and the times are not compared with the video's length.
 * `frames_base64` longer than {@link MAX_FRAMES_BASE64} is rejected from its length alone, before any entry is read.
 *
 * @throws EmoLensError `INVALID_REQUEST`, with `details.field` the dotted path of the offending value
 * (`'video_url'`, `'frames_base64'`, `'frames_base64.3'` for an entry, `'options.sample_rate'`, `'body'` for the
 * body itself), `reason` and `suggestion`: for a body that is not an object, an unknown key (top level or in
 * `options`), a value of the wrong type, a value that cannot be read (a getter or proxy that throws), an empty
 * string or `frames_base64` array, too many frames, both video fields, a `sample_rate` that is not an integer ≥ 1,
 * a time that is not a finite number ≥ 0, or an `end_time_ms` not after `start_time_ms` (named
 * `'options.end_time_ms'`). With neither video field, `field` is `'video_url'` and `details.kind` is
 * `'missing_image'` (nothing to look at was given); with an empty string or array, `kind` is `'empty'`.
 *
 * @example
 * ```ts
 * parseWiaVideoRequest({ video_url: 'https://example.com/clip.mp4', options: { sample_rate: 5, end_time_ms: 10000 } });
 * // { video_url: 'https://example.com/clip.mp4',
 * //   options: { sample_rate: 5, start_time_ms: 0, track_faces: true, end_time_ms: 10000 } }
 * ```
 */
export function parseWiaVideoRequest(body: unknown): WiaVideoRequest {
  if (!isObject(body)) {
    throw invalid('body', 'The request body must be a JSON object', describe(body), 'Send { "video_url": "…" } or { "frames_base64": ["…"] }.');
  }
  const request = readObject(body, '');
  for (const key of Object.keys(request)) {
    if (!VIDEO_KEYS.includes(key)) {
      throw invalid(key, `Unknown field "${key}"`, 'not a field of the WIA video request', 'Use only video_url or frames_base64, and options.');
    }
  }
  const url = videoUrl(request['video_url']);
  const frames = request['frames_base64'] === undefined ? undefined : parseWiaFramesBase64(request['frames_base64']);
  if (url !== undefined && frames !== undefined) {
    throw invalid('frames_base64', 'Give exactly one of video_url and frames_base64', 'both were given', 'Remove one of them.');
  }
  const options = parseWiaVideoOptions(request['options']);
  if (url !== undefined) return { video_url: url, options };
  if (frames !== undefined) return { frames_base64: frames, options };
  throw invalid('video_url', 'No video provided', 'neither video_url nor frames_base64 was given', 'Send video_url or frames_base64.', {
    kind: 'missing_image',
  });
}

function videoUrl(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const expected = 'Send the URL of a video.';
  if (typeof value !== 'string') throw invalid('video_url', 'video_url must be a string', describe(value), expected);
  if (value.length === 0) throw invalid('video_url', 'video_url is empty', 'got an empty string', expected, { kind: 'empty' });
  return value;
}

/**
 * Validates a WIA `frames_base64` array, as {@link parseWiaVideoRequest} does (and the SDK's `analyzeVideo()` for an
 * array of frames), and returns a fresh copy: a non-empty array of at most {@link MAX_FRAMES_BASE64} non-empty
 * strings. Its length is checked before any entry is read. Whether each entry is an image is for the decoder to say.
 *
 * @throws EmoLensError `INVALID_REQUEST` with `details.field` `'frames_base64'` (not an array, empty — `kind:
 * 'empty'` —, too long, unreadable) or `'frames_base64.<i>'` (an entry that is not a string, or is empty).
 */
export function parseWiaFramesBase64(value: unknown): string[] {
  const field = 'frames_base64';
  if (!isArray(value)) throw invalid(field, `${field} must be an array`, describe(value), `Send ${FRAMES_EXPECTED}.`);
  const array = value as readonly unknown[];
  // The length is checked before any entry is read, so an oversized body costs one read, however long it is.
  const length = read(field, () => array.length);
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    throw invalid(field, `${field} could not be read`, 'its length is not a count', 'Send plain data, as JSON would.');
  }
  if (length === 0) throw invalid(field, `${field} is empty`, 'got an empty array', `Send ${FRAMES_EXPECTED}.`, { kind: 'empty' });
  if (length > MAX_FRAMES_BASE64) {
    throw invalid(
      field,
      `${field} has more than ${MAX_FRAMES_BASE64} frames`,
      `got ${length} entries`,
      `Send at most ${MAX_FRAMES_BASE64} frames per request, a larger sample_rate's worth, or the video itself as video_url.`,
    );
  }
  const frames: string[] = [];
  const expected = 'Send a base64 string or data URL of an image.';
  for (let i = 0; i < length; i++) {
    const entry = `${field}.${i}`;
    const frame = read(entry, () => array[i]);
    if (typeof frame !== 'string') throw invalid(entry, `${entry} must be a string`, describe(frame), expected);
    if (frame.length === 0) throw invalid(entry, `${entry} is empty`, 'got an empty string', expected, { kind: 'empty' });
    frames.push(frame);
  }
  return frames;
}

/**
 * Validates the `options` of a WIA video request (`sample_rate`, `start_time_ms`, `end_time_ms`, `track_faces`) and
 * fills in the defaults ({@link WIA_VIDEO_REQUEST_DEFAULTS}; `end_time_ms` stays absent when not given). The one
 * place their ranges are checked: {@link parseWiaVideoRequest} uses it for the body's `options`, and the SDK's
 * `analyzeVideo()` for the same options given as JavaScript.
 *
 * @param path Where the options sit, for `details.field`: `'options'` (the default: `'options.sample_rate'`), or
 * `''` when they are a call's own options (`'sample_rate'`).
 * @throws EmoLensError `INVALID_REQUEST` naming the field: options that are not an object, an unknown key, a value
 * of the wrong type or that cannot be read, a `sample_rate` that is not an integer ≥ 1, a time that is not a finite
 * number ≥ 0, or an `end_time_ms` not after `start_time_ms`.
 *
 * @example
 * ```ts
 * parseWiaVideoOptions({ sample_rate: 5 }, ''); // { sample_rate: 5, start_time_ms: 0, track_faces: true }
 * parseWiaVideoOptions({ sample_rate: 0 }, ''); // throws INVALID_REQUEST, details.field 'sample_rate'
 * ```
 */
export function parseWiaVideoOptions(value: unknown, path = 'options'): WiaVideoRequestOptions {
  const name = (key: string) => (path ? `${path}.${key}` : key);
  const options: WiaVideoRequestOptions = { ...WIA_VIDEO_REQUEST_DEFAULTS };
  if (value === undefined) return options;
  if (!isObject(value)) throw invalid(path || 'options', `${path || 'options'} must be an object`, describe(value), 'Send an object, or leave options out.');
  const given = readObject(value, path);
  for (const key of Object.keys(given)) {
    if (!OPTION_KEYS.includes(key)) {
      throw invalid(name(key), `Unknown option "${key}"`, 'not an option of the WIA video request', `Use only ${OPTION_KEYS.join(', ')}.`);
    }
  }
  const sampleRate = given['sample_rate'];
  if (sampleRate !== undefined) {
    if (typeof sampleRate !== 'number' || !Number.isInteger(sampleRate) || sampleRate < 1) {
      const field = name('sample_rate');
      throw invalid(
        field,
        `${field} must be an integer ≥ 1`,
        describe(sampleRate),
        `Send 1 to analyse every frame, n for every n-th, or leave it out for the default ${WIA_VIDEO_REQUEST_DEFAULTS.sample_rate}.`,
      );
    }
    options.sample_rate = sampleRate;
  }
  const start = time(given, 'start_time_ms', name);
  if (start !== undefined) options.start_time_ms = start;
  const end = time(given, 'end_time_ms', name);
  if (end !== undefined) {
    if (end <= options.start_time_ms) {
      throw invalid(
        name('end_time_ms'),
        `${name('end_time_ms')} must be after ${name('start_time_ms')}`,
        `got ${end}, not after start_time_ms ${options.start_time_ms}`,
        'Send an end_time_ms greater than start_time_ms, or leave it out to analyse to the video’s end.',
      );
    }
    options.end_time_ms = end;
  }
  const track = given['track_faces'];
  if (track !== undefined) {
    const field = name('track_faces');
    if (typeof track !== 'boolean') throw invalid(field, `${field} must be a boolean`, describe(track), 'Send true or false, or leave it out.');
    options.track_faces = track;
  }
  return options;
}

/** A time option: absent, or a finite number ≥ 0 (fractions allowed: frame times at 30 fps are not whole milliseconds). */
function time(options: Record<string, unknown>, key: 'start_time_ms' | 'end_time_ms', name: (key: string) => string): number | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    const field = name(key);
    throw invalid(field, `${field} must be a number ≥ 0`, describe(value), 'Send milliseconds from the video’s start, or leave it out.');
  }
  return value;
}
