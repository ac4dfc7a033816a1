/**
 * The one error type of EmoLens, with stable codes: the WIA Emotion AI standard's codes (section 5.8.2)
 * where they fit, and SDK codes where none does.
 */

/** Codes of the WIA error table. */
export type WiaErrorCode =
  | 'INVALID_REQUEST'
  | 'INVALID_IMAGE'
  | 'NO_FACE_DETECTED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'INTERNAL_ERROR';

/** Codes the SDK adds where no WIA code fits. */
export type SdkErrorCode =
  /** A model or wasm asset could not be fetched, verified or compiled. */
  | 'MODEL_LOAD_FAILED'
  /** The requested inference backend (e.g. WebGPU) is not available or failed its self-check. */
  | 'BACKEND_UNAVAILABLE'
  /** The image is larger than the configured pixel cap. */
  | 'IMAGE_TOO_LARGE'
  /** The call was aborted through its `AbortSignal`. */
  | 'ABORTED'
  /** The call passed its deadline (`timeoutMs`) waiting on a download, a decode or the worker. */
  | 'TIMEOUT'
  /** The detector was disposed, or the uploader closed. */
  | 'DISPOSED'
  /** The uploader's queue has no room for the submission under its byte budget (`maxQueueBytes`). */
  | 'QUEUE_FULL'
  /** The uploader was asked to queue or send an annotation without the user's consent (`consent: false`). */
  | 'CONSENT_REQUIRED';

/** Every stable error code. */
export type ErrorCode = WiaErrorCode | SdkErrorCode;

/**
 * What was wrong with an input image or video, set as `details.kind` on the errors about it (mostly `INVALID_IMAGE`;
 * `INVALID_REQUEST` with `missing_image` when a request names no image, `IMAGE_TOO_LARGE` with `too_large`).
 * The REST adapters read it: e.g. `toWebcamError` turns `missing_image` into `"No image provided"`.
 */
export type InputErrorKind =
  /** No image was given at all. */
  | 'missing_image'
  /** A data URL or base64 string that is not valid base64. */
  | 'invalid_base64'
  /** Bytes that no image decoder accepts (corrupt or truncated). */
  | 'undecodable'
  /** A value, MIME type or container the SDK does not take as an image. */
  | 'unsupported_type'
  /** A URL that could not be fetched. */
  | 'fetch_failed'
  /** A cross-origin image the page may not read (an `<img>`, `<video>` or `<canvas>` without CORS): tainted. */
  | 'cross_origin'
  /** An empty string, empty file or zero-sized image. */
  | 'empty'
  /** An image above the configured pixel cap (for a video: its frames), or a download above the byte cap. */
  | 'too_large'
  /** Bytes no video demuxer reads (an image, text, an audio file), or a video file with no video track. */
  | 'not_a_video'
  /** A video track whose codec this browser cannot decode (`details.codec` names it). */
  | 'unsupported_codec';

/** Every {@link InputErrorKind}, in the order of its declaration. */
export const INPUT_ERROR_KINDS: readonly InputErrorKind[] = [
  'missing_image',
  'invalid_base64',
  'undecodable',
  'unsupported_type',
  'fetch_failed',
  'cross_origin',
  'empty',
  'too_large',
  'not_a_video',
  'unsupported_codec',
];

/**
 * What went wrong inside the SDK, set as `details.kind` on every `INTERNAL_ERROR`: the caller can tell a crash
 * that the next call recovers from (`worker_crashed`) from a bug to report (`unexpected`, `model_mismatch`).
 */
export type InternalErrorKind =
  /** Something the SDK did not expect was thrown; `details.reason` names it. */
  | 'unexpected'
  /** A worker crashed or stopped; the next call starts a fresh one. */
  | 'worker_crashed'
  /** A model's inputs or outputs are not the shape the SDK was built for. */
  | 'model_mismatch'
  /** `@emolens/uploader`: the browser gives the page no usable IndexedDB (a sandboxed frame, site data blocked). */
  | 'storage_unavailable';

/** `details.kind` of a `TIMEOUT` from `createDetector` (not ready within `startTimeoutMs`). */
export type StartErrorKind = 'start_timeout';

/** What a call that needs one face found instead (`calibrate`). */
export type FaceErrorKind =
  /** `INVALID_REQUEST`: more than one face where one is needed. */
  | 'several_faces'
  /** `NO_FACE_DETECTED` from `calibrate`: no face, or none whose mesh could be measured. */
  | 'calibration';

/** What was wrong with the options of a call of the SDK, besides a value out of range. */
export type OptionErrorKind =
  /** `INVALID_REQUEST`: a key the call does not take (a typo, another call's option); `details.suggestion` names the one meant. */
  'unknown_option';

/**
 * What was wrong with an HTTP request to a server of EmoLens (`@emolens/server`), set as `details.kind` on its
 * `INVALID_REQUEST` errors.
 */
export type RequestErrorKind =
  /** An `Idempotency-Key` already used with another body (409). */
  | 'idempotency_conflict'
  /** A body that is not JSON (NaN, Infinity, truncated…). */
  | 'invalid_json'
  /** A `Content-Type` the route does not take (415). */
  | 'unsupported_media_type'
  /** No such route (404). */
  | 'not_found'
  /** A route that exists, asked with another method (405, with `details.allowed`). */
  | 'method_not_allowed'
  /** A request that did not arrive whole within the server's request timeout (408: a trickled body). */
  | 'request_timeout'
  /** Bytes that are not HTTP, or headers over the size limit (400, 431). */
  | 'malformed_http'
  /** A URL that does not parse (a stray `%`). */
  | 'bad_url'
  /** Any other request the HTTP framework refused (`details.reason` names its code where it has one). */
  | 'bad_request'
  /** An `OPTIONS` request that is no CORS preflight (no `Origin` or `Access-Control-Request-Method`). */
  | 'invalid_preflight'
  /** `@emolens/rest`: a multipart body that does not parse. */
  | 'invalid_multipart'
  /** `@emolens/rest`: a multipart body without the file field the route reads. */
  | 'missing_file';

/** Every `details.kind` an error may carry. */
export type ErrorKind = InputErrorKind | InternalErrorKind | StartErrorKind | FaceErrorKind | OptionErrorKind | RequestErrorKind;

/**
 * Every {@link ErrorKind}: the input kinds, then the internal ones, the start timeout, the face kinds, the option
 * kind, then the request kinds.
 */
export const ERROR_KINDS: readonly ErrorKind[] = [
  ...INPUT_ERROR_KINDS,
  'unexpected',
  'worker_crashed',
  'model_mismatch',
  'storage_unavailable',
  'start_timeout',
  'several_faces',
  'calibration',
  'unknown_option',
  'idempotency_conflict',
  'invalid_json',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  'request_timeout',
  'malformed_http',
  'bad_url',
  'bad_request',
  'invalid_preflight',
  'invalid_multipart',
  'missing_file',
];

/** `details` of an error: WIA's `reason` and `suggestion`, plus any machine-readable fields. */
export interface ErrorDetails {
  reason?: string;
  suggestion?: string;
  [key: string]: unknown;
}

/** The WIA error response body (section 5.8.1). */
export interface WiaErrorBody {
  error: { code: ErrorCode; message: string; details: ErrorDetails };
  request_id: string;
}

/** HTTP status of each code, as the WIA table gives it (SDK codes get the status a server would use). */
export const ERROR_HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID_REQUEST: 400,
  INVALID_IMAGE: 400,
  NO_FACE_DETECTED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  MODEL_LOAD_FAILED: 500,
  BACKEND_UNAVAILABLE: 500,
  IMAGE_TOO_LARGE: 413,
  ABORTED: 499,
  TIMEOUT: 504,
  DISPOSED: 503,
  QUEUE_FULL: 507,
  CONSENT_REQUIRED: 403,
};

/**
 * A new request id, `req_` and 16 hex digits (64 random bits): the `request_id` of a result or an error body.
 */
export function newRequestId(): string {
  // Web Crypto, in every browser and in Node from 19 (this package's types include neither).
  const { crypto } = globalThis as unknown as { crypto: { getRandomValues<T extends Uint8Array>(array: T): T } };
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `req_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * An error with a stable `code`. It crosses the worker boundary intact, and `toJSON()` gives the WIA
 * error body.
 *
 * @example
 * ```ts
 * try { await detector.detect(file); }
 * catch (e) { if (isEmoLensError(e) && e.code === 'INVALID_IMAGE') showHint(e.details.suggestion); }
 * ```
 */
export class EmoLensError extends Error {
  override readonly name = 'EmoLensError';
  /** Stable, machine-readable code. */
  readonly code: ErrorCode;
  /** `reason`, `suggestion` and other details. */
  readonly details: ErrorDetails;
  /**
   * Id of the request the error belongs to: every error a detector call (`detect`, `profile`, `analyzeFace`)
   * rejects with has the call's id, the one its result's `request_id` would have had; `createDetector`'s and
   * `warmup`'s errors have the id of that start or warm-up, and a crash reported to `onError` one of its own.
   * `undefined` only on an error that no call has claimed yet: {@link EmoLensError.toJSON} gives it an id then.
   */
  requestId: string | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown; requestId?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = details;
    this.requestId = options?.requestId;
  }

  /**
   * The WIA error body (section 5.8.1): `{ error: { code, message, details }, request_id }`, with
   * `request_id` the error's {@link EmoLensError.requestId}; an error without one gets a new id here, kept from then
   * on, so that every body can be quoted in a report. This is the SDK's WIA error adapter (there is
   * no separate `toWiaError`); `JSON.stringify(error)` calls it. It validates against
   * `@emolens/schema/schemas/wia-error.schema.json`; the HTTP status to send with it is
   * `ERROR_HTTP_STATUS[error.code]`. The other REST formats have their own adapters:
   * `toWebcamError`, `toSamoError`.
   */
  toJSON(): WiaErrorBody {
    return {
      error: { code: this.code, message: this.message, details: this.details },
      request_id: (this.requestId ??= newRequestId()),
    };
  }

  /** Rebuilds an error from its WIA body (the other side of {@link EmoLensError.toJSON}). */
  static fromJSON(body: WiaErrorBody): EmoLensError {
    return new EmoLensError(body.error.code, body.error.message, body.error.details, { requestId: body.request_id || undefined });
  }
}

/** True for an {@link EmoLensError} (also one rebuilt in another realm, checked by shape). */
export function isEmoLensError(value: unknown): value is EmoLensError {
  return value instanceof EmoLensError || (value instanceof Error && value.name === 'EmoLensError' && 'code' in value);
}

/**
 * `value` as an {@link EmoLensError}: itself when it is one, else `INTERNAL_ERROR` (`details.kind: 'unexpected'`,
 * `details.reason` what was thrown) with `message`. The adapters of errors take anything a `catch` gives.
 */
export function toEmoLensError(value: unknown, message = 'Unexpected error'): EmoLensError {
  if (isEmoLensError(value)) return value;
  let reason: string;
  try {
    reason = value instanceof Error ? `${value.name}: ${value.message}` : String(value);
  } catch {
    reason = 'a value that cannot be shown';
  }
  return new EmoLensError('INTERNAL_ERROR', message, { kind: 'unexpected', reason }, { cause: value });
}

/** The HTTP status of `error` in the WIA format: `ERROR_HTTP_STATUS`, 500 for a code it does not know. */
export function httpStatusOf(error: EmoLensError): number {
  return (Object.hasOwn(ERROR_HTTP_STATUS, error.code) ? ERROR_HTTP_STATUS[error.code] : undefined) ?? 500;
}
