/**
 * Every option of the uploader, declared once with its default, and {@link resolveOptions}, which checks them and
 * fills in the defaults in one place.
 */
import { EmoLensError, INSERT_IMAGE_MAX_SIDE, readKnownOptions } from '@emolens/schema';

/** Default longest side, in pixels, of the JPEG an image is re-encoded to. */
export const DEFAULT_MAX_SIDE = 640;
/** Default JPEG quality (0–1). */
export const DEFAULT_JPEG_QUALITY = 0.85;
/** Default byte budget of the queue (queued and dead items together): 50 MiB. */
export const DEFAULT_MAX_QUEUE_BYTES = 50 * 1024 * 1024;
/** Default ceiling of the first retry's wait, in ms. */
export const DEFAULT_RETRY_BASE_MS = 1000;
/** Default cap of the retry wait, in ms (one minute). */
export const DEFAULT_RETRY_MAX_MS = 60_000;
/** Default growth of the retry wait per failed try. */
export const DEFAULT_RETRY_FACTOR = 2;
/** Default number of tries before a transiently failing item becomes a dead letter: no limit. */
export const DEFAULT_MAX_ATTEMPTS = Number.POSITIVE_INFINITY;
/** Default longest `Retry-After` honoured, in ms (one hour); longer asks wait this long. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 3_600_000;
/** Default time one request may take before it counts as a network failure, in ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Options of `createUploader`. */
export interface UploaderOptions {
  /**
   * URL of the server's insert route (Wakee's `POST /insert`), e.g. `https://api.example.com/insert`; a relative URL
   * is resolved against the page. A cross-origin server must allow the page's origin (CORS), the `Content-Type`,
   * `Idempotency-Key` and `X-API-Key` request headers, and expose `Retry-After`.
   */
  endpoint: string;
  /** Sent as the `X-API-Key` header when set. Defaults to none. */
  apiKey?: string;
  /**
   * Whether the user agreed to share annotations. Nothing is queued or sent unless it is `true`; change it with
   * `uploader.setConsent()`. Required: the app must decide.
   */
  consent: boolean;
  /**
   * Name of the queue: uploaders with the same name (in any tab of the origin) share one IndexedDB database,
   * `emolens-uploader:<name>`, and send its items one at a time. Defaults to the resolved endpoint URL.
   */
  name?: string;
  /** Longest side in pixels of the JPEG each image is re-encoded to (smaller images keep their size). Defaults to 640. */
  maxSide?: number;
  /** JPEG quality of the re-encoded image, in (0, 1]. Defaults to 0.85. */
  jpegQuality?: number;
  /**
   * Byte budget of the queue, queued and dead items together (the stored JSON bodies). A submission that would go over
   * it is refused with `QUEUE_FULL`. Defaults to 50 MiB.
   */
  maxQueueBytes?: number;
  /** Ceiling of the first retry's wait, in ms (full jitter: the wait is random below it). Defaults to 1000. */
  retryBaseMs?: number;
  /** Cap of the retry wait's ceiling, in ms. Defaults to 60000. */
  retryMaxMs?: number;
  /** Growth of the retry wait's ceiling per failed try. Defaults to 2. */
  retryFactor?: number;
  /**
   * Tries before an item that keeps failing transiently (network errors, 408, 429, 5xx) becomes a dead letter with
   * reason `max_attempts`. Defaults to `Infinity`: transient failures are retried until they succeed.
   */
  maxAttempts?: number;
  /** Longest `Retry-After` honoured, in ms; a longer one waits this long. Defaults to 3600000 (one hour). */
  maxRetryAfterMs?: number;
  /** Time one request may take before it is abandoned and counts as a network failure, in ms. Defaults to 30000. */
  requestTimeoutMs?: number;
  /** The `fetch` to send with (e.g. one that adds auth). Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** {@link UploaderOptions} checked, with every default filled in. */
export interface ResolvedUploaderOptions {
  endpoint: string;
  apiKey: string | undefined;
  consent: boolean;
  name: string;
  maxSide: number;
  jpegQuality: number;
  maxQueueBytes: number;
  retryBaseMs: number;
  retryMaxMs: number;
  retryFactor: number;
  maxAttempts: number;
  maxRetryAfterMs: number;
  requestTimeoutMs: number;
  fetch: typeof fetch;
}

/**
 * Every key of {@link UploaderOptions}: another is refused (a misspelt option would be left at its default). Written
 * as a record of the interface's keys, so that an option added there and not here fails to compile.
 */
const OPTION_KEYS = Object.keys({
  endpoint: true, apiKey: true, consent: true, name: true, maxSide: true, jpegQuality: true, maxQueueBytes: true, retryBaseMs: true,
  retryMaxMs: true, retryFactor: true, maxAttempts: true, maxRetryAfterMs: true, requestTimeoutMs: true, fetch: true,
} satisfies Record<keyof UploaderOptions, true>) as (keyof UploaderOptions)[];

/**
 * Checks `options` and fills in the defaults. Throws `INVALID_REQUEST` with `details.field` naming the first bad
 * option (a missing endpoint, a non-boolean consent, a number out of range, an unknown key: `details.kind:
 * 'unknown_option'`).
 */
export function resolveOptions(given: UploaderOptions): ResolvedUploaderOptions {
  if (typeof given !== 'object' || given === null) throw invalid('options', 'createUploader needs an options object');
  const options = readKnownOptions(given, OPTION_KEYS) as UploaderOptions;
  const endpoint = resolveEndpoint(options.endpoint);
  if (typeof options.consent !== 'boolean') throw invalid('consent', 'consent must be true or false: the app decides whether the user agreed');
  if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || options.apiKey === '')) throw invalid('apiKey', 'apiKey must be a non-empty string');
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) throw invalid('name', 'name must be a non-empty string');
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') throw invalid('fetch', 'no fetch: pass options.fetch');
  const retryBaseMs = number(options, 'retryBaseMs', DEFAULT_RETRY_BASE_MS, { min: 0 });
  return {
    endpoint,
    apiKey: options.apiKey,
    consent: options.consent,
    name: options.name ?? endpoint,
    maxSide: number(options, 'maxSide', DEFAULT_MAX_SIDE, { min: 1, max: INSERT_IMAGE_MAX_SIDE, integer: true }),
    jpegQuality: number(options, 'jpegQuality', DEFAULT_JPEG_QUALITY, { min: 0, exclusiveMin: true, max: 1 }),
    maxQueueBytes: number(options, 'maxQueueBytes', DEFAULT_MAX_QUEUE_BYTES, { min: 1 }),
    retryBaseMs,
    retryMaxMs: number(options, 'retryMaxMs', DEFAULT_RETRY_MAX_MS, { min: retryBaseMs }),
    retryFactor: number(options, 'retryFactor', DEFAULT_RETRY_FACTOR, { min: 1 }),
    maxAttempts: number(options, 'maxAttempts', DEFAULT_MAX_ATTEMPTS, { min: 1, integer: true, infinite: true }),
    maxRetryAfterMs: number(options, 'maxRetryAfterMs', DEFAULT_MAX_RETRY_AFTER_MS, { min: 0 }),
    requestTimeoutMs: number(options, 'requestTimeoutMs', DEFAULT_REQUEST_TIMEOUT_MS, { min: 1 }),
    // Called unbound, window.fetch throws "Illegal invocation".
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  };
}

/** `endpoint` as an absolute http(s) URL, resolved against `base` (default: the page's URL). */
export function resolveEndpoint(endpoint: unknown, base = (globalThis as { location?: { href: string } }).location?.href): string {
  if (typeof endpoint !== 'string' || endpoint === '') throw invalid('endpoint', 'endpoint must be the URL of the insert route');
  try {
    const url = new URL(endpoint, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(url.protocol);
    return url.href;
  } catch (cause) {
    throw invalid('endpoint', `endpoint is not an http(s) URL: ${endpoint}`, cause);
  }
}

type NumberOption = 'maxSide' | 'jpegQuality' | 'maxQueueBytes' | 'retryBaseMs' | 'retryMaxMs' | 'retryFactor' | 'maxAttempts' | 'maxRetryAfterMs' | 'requestTimeoutMs';

function number(
  options: UploaderOptions,
  field: NumberOption,
  fallback: number,
  rule: { min: number; exclusiveMin?: boolean; max?: number; integer?: boolean; infinite?: boolean },
): number {
  const value = options[field];
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (Number.isFinite(value) || (rule.infinite === true && value > 0)) &&
    (rule.exclusiveMin === true ? value > rule.min : value >= rule.min) &&
    (rule.max === undefined || value <= rule.max) &&
    (rule.integer !== true || !Number.isFinite(value) || Number.isInteger(value));
  if (!ok) {
    const range = `${rule.exclusiveMin === true ? '>' : '≥'} ${rule.min}${rule.max === undefined ? '' : ` and ≤ ${rule.max}`}`;
    throw invalid(field, `${field} must be a${rule.integer === true ? 'n integer' : ' number'} ${range}, got ${String(value)}`);
  }
  return value;
}

function invalid(field: string, message: string, cause?: unknown): EmoLensError {
  return new EmoLensError('INVALID_REQUEST', message, { field, reason: message }, cause === undefined ? undefined : { cause });
}
