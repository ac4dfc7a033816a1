/**
 * `@emolens/uploader`: a consented, durable queue in IndexedDB that posts user-corrected annotations to a Wakee
 * `/insert`-compatible server, in order, with retries, across reloads and tabs, each under its own
 * `Idempotency-Key` so the server stores it exactly once.
 */
export { createUploader, type Uploader, type Submission, type UploaderState, type UploaderEventMap, type FlushResult } from './uploader.js';
export {
  resolveOptions,
  DEFAULT_MAX_SIDE,
  DEFAULT_JPEG_QUALITY,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_RETRY_BASE_MS,
  DEFAULT_RETRY_MAX_MS,
  DEFAULT_RETRY_FACTOR,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type UploaderOptions,
  type ResolvedUploaderOptions,
} from './options.js';
export { describeEndpoint } from './describe-endpoint.js';
export type { QueuedItem, DeadLetter, FailureInfo, ItemCount, QueueStats } from './queue-store.js';
export { queueDatabaseName } from './queue-store.js';
export type { DrainResult, SentInfo } from './drain.js';
export { classifyResponse, type ResponseVerdict, type DeadReason } from './classify-response.js';
export { backoffDelay, backoffCeiling, type BackoffPolicy } from './backoff.js';
export { parseRetryAfter } from './retry-after.js';
export { encodeImage, fitWithin, type UploadImage, type EncodedImage, type EncodeSettings } from './image-encode.js';
