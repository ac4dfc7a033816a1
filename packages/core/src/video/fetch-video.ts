/**
 * A video URL's bytes (see `input/fetch-bytes.ts`: cancelled by the signal, stopped at `maxBytes`). The whole file
 * is fetched once rather than read with range requests (mediabunny's `UrlSource`): a range reader cannot be capped in
 * bytes, retries without end by default, and would need the server to answer ranges; a fetched Blob is what a
 * `File` input already is.
 */
import { fetchBytes, type FetchErrors } from '../input/fetch-bytes.js';
import { invalidVideo, videoTooLarge } from './video-errors.js';

/** Schemes fetched; any other `scheme:` is refused (`javascript:`, `file:`, …). A string with no scheme is relative to the page. */
const FETCHED_SCHEME = /^(https?|blob|data):/i;
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

const VIDEO_FETCH_ERRORS: FetchErrors = {
  failed: (reason, extra, cause) => invalidVideo('fetch_failed', reason, extra, cause),
  tooLarge: videoTooLarge,
};

/**
 * Fetches `url` (absolute, or relative to the page) into a Blob.
 *
 * @throws `INVALID_IMAGE` `fetch_failed` (network error, CORS, HTTP error) or `unsupported_type` (a scheme that is
 * not fetched), `IMAGE_TOO_LARGE` past `maxBytes`, or the signal's error once it fires.
 */
export function fetchVideo(url: string, maxBytes: number, signal: AbortSignal | undefined): Promise<Blob> {
  if (ANY_SCHEME.test(url) && !FETCHED_SCHEME.test(url)) {
    return Promise.reject(invalidVideo('unsupported_type', `"${url.slice(0, url.indexOf(':'))}:" URLs are not fetched`, { suggestion: 'Pass an http(s):, blob: or data: URL, a relative URL, or the File itself.' }));
  }
  return fetchBytes(url, 'video', { maxBytes, signal }, VIDEO_FETCH_ERRORS);
}
