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
  /** The detector was disposed. */
  | 'DISPOSED';

/** Every stable error code. */
export type ErrorCode = WiaErrorCode | SdkErrorCode;

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
  DISPOSED: 400,
};

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
  /** Request the error belongs to, when known. */
  requestId: string | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown; requestId?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = details;
    this.requestId = options?.requestId;
  }

  /** The WIA error body: `{ error: { code, message, details }, request_id }`. */
  toJSON(): WiaErrorBody {
    return {
      error: { code: this.code, message: this.message, details: this.details },
      request_id: this.requestId ?? '',
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
