/**
 * Adapter to the SAMO-DL API's error body, `{ error, code, details, timestamp }`.
 */
import { toEmoLensError, type ErrorCode, type ErrorDetails } from '../errors.js';

/** The error codes of the SAMO-DL API. */
export type SamoErrorCode = 'INVALID_INPUT' | 'TEXT_TOO_LONG' | 'RATE_LIMIT_EXCEEDED' | 'MODEL_NOT_LOADED' | 'INTERNAL_ERROR';

/** HTTP status of each SAMO-DL code, as its error table gives it. */
export const SAMO_HTTP_STATUS: Readonly<Record<SamoErrorCode, number>> = {
  INVALID_INPUT: 400,
  TEXT_TOO_LONG: 413,
  RATE_LIMIT_EXCEEDED: 429,
  MODEL_NOT_LOADED: 503,
  INTERNAL_ERROR: 500,
};

/**
 * The SAMO-DL code of each EmoLens code. Only codes that mean the same thing are matched:
 * - input errors (`INVALID_REQUEST`, `INVALID_IMAGE`, `NO_FACE_DETECTED`, `IMAGE_TOO_LARGE`) → `INVALID_INPUT`
 *   (`TEXT_TOO_LONG` is never used: it is about text length, and an image is not text);
 * - `RATE_LIMITED` → `RATE_LIMIT_EXCEEDED`;
 * - `MODEL_LOAD_FAILED` and `BACKEND_UNAVAILABLE` (the model cannot run) → `MODEL_NOT_LOADED`;
 * - everything else (`INTERNAL_ERROR`, `UNAUTHORIZED`, `FORBIDDEN`, `ABORTED`, `TIMEOUT`, `DISPOSED`, `QUEUE_FULL`,
 *   `CONSENT_REQUIRED`) → `INTERNAL_ERROR`, since SAMO-DL has no code for them.
 */
export const SAMO_ERROR_CODE: Readonly<Record<ErrorCode, SamoErrorCode>> = {
  INVALID_REQUEST: 'INVALID_INPUT',
  INVALID_IMAGE: 'INVALID_INPUT',
  NO_FACE_DETECTED: 'INVALID_INPUT',
  IMAGE_TOO_LARGE: 'INVALID_INPUT',
  RATE_LIMITED: 'RATE_LIMIT_EXCEEDED',
  MODEL_LOAD_FAILED: 'MODEL_NOT_LOADED',
  BACKEND_UNAVAILABLE: 'MODEL_NOT_LOADED',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  UNAUTHORIZED: 'INTERNAL_ERROR',
  FORBIDDEN: 'INTERNAL_ERROR',
  ABORTED: 'INTERNAL_ERROR',
  TIMEOUT: 'INTERNAL_ERROR',
  DISPOSED: 'INTERNAL_ERROR',
  QUEUE_FULL: 'INTERNAL_ERROR',
  CONSENT_REQUIRED: 'INTERNAL_ERROR',
};

/** The SAMO-DL error body (`samo-error.schema.json`). */
export interface SamoErrorBody {
  /** The error's message. */
  error: string;
  code: SamoErrorCode;
  /** The error's `details` (a shallow copy: `field`, `reason`, `suggestion`, …). */
  details: ErrorDetails;
  /** ISO 8601 UTC time to the second, e.g. `2025-08-06T10:30:00Z`. */
  timestamp: string;
}

/**
 * The SAMO-DL error body, `{ error: message, code, details, timestamp }`, with `code` from
 * {@link SAMO_ERROR_CODE} and `timestamp` the time `now` (default: the current time) written as SAMO-DL
 * writes it, to the second (`2025-08-06T10:30:00Z`). `error` may be anything a `catch` gives: what is not an
 * `EmoLensError` counts as `INTERNAL_ERROR`. Send it with `SAMO_HTTP_STATUS[body.code]`.
 */
export function toSamoError(error: unknown, now: Date = new Date()): SamoErrorBody {
  const typed = toEmoLensError(error);
  return {
    error: typed.message,
    code: (Object.hasOwn(SAMO_ERROR_CODE, typed.code) ? SAMO_ERROR_CODE[typed.code] : undefined) ?? 'INTERNAL_ERROR',
    details: { ...typed.details },
    timestamp: samoTimestamp(now),
  };
}

/** A time as SAMO-DL writes it in its bodies (errors, `/health`): UTC, to the second, `2025-08-06T10:30:00Z`. */
export function samoTimestamp(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
