/**
 * What the uploader does with an item after the server answered: forget it (stored), try again later, or move it to
 * the dead letters for good. One table, so the rules are in one place and tested as a table.
 */
import { parseRetryAfter } from './retry-after.js';

/** Why an item left the line for the dead letters. */
export type DeadReason =
  /** A final refusal: a 4xx other than 408, 409 and 429 (400 invalid body, 401 bad key, 413 too large, 422…), or 501/505. */
  | 'rejected'
  /** 409: the server holds another body under the item's `Idempotency-Key`. */
  | 'conflict'
  /** A status the protocol never answers with (1xx, 3xx after redirects were followed, anything unknown). */
  | 'unexpected_status'
  /** The item failed `maxAttempts` times with transient errors. */
  | 'max_attempts';

/** The verdict on one response. */
export type ResponseVerdict =
  | { action: 'sent' }
  /** Try again: after `retryAfterMs` when the server said so (429/503 with `Retry-After`), else after the backoff. */
  | { action: 'retry'; retryAfterMs?: number }
  | { action: 'dead'; reason: Exclude<DeadReason, 'max_attempts'> };

/**
 * The verdict on an HTTP status (`retryAfter`: the response's `Retry-After` header; `now`: ms since the epoch):
 *
 * | status | verdict |
 * |---|---|
 * | 2xx | sent |
 * | 408, 425, 429 | retry (429: after `Retry-After` when given) |
 * | 409 | dead, `conflict` |
 * | other 4xx | dead, `rejected` |
 * | 500, 502, 503, 504, other 5xx | retry (503: after `Retry-After` when given) |
 * | 501, 505 | dead, `rejected` (the server does not support the request at all) |
 * | 1xx, 3xx, anything else | dead, `unexpected_status` |
 * | 2xx from another path after a redirect (`elsewhere`) | retry: a login page or captive portal answered a GET, not the server |
 */
export function classifyResponse(status: number, retryAfter: string | null | undefined, now: number, elsewhere = false): ResponseVerdict {
  if (status >= 200 && status < 300) return elsewhere ? { action: 'retry' } : { action: 'sent' };
  if (status === 408 || status === 425 || status === 429) return retry(status, retryAfter, now);
  if (status === 409) return { action: 'dead', reason: 'conflict' };
  if (status >= 400 && status < 500) return { action: 'dead', reason: 'rejected' };
  if (status === 501 || status === 505) return { action: 'dead', reason: 'rejected' };
  if (status >= 500 && status < 600) return retry(status, retryAfter, now);
  return { action: 'dead', reason: 'unexpected_status' };
}

function retry(status: number, retryAfter: string | null | undefined, now: number): ResponseVerdict {
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter, now) : undefined;
  return retryAfterMs === undefined ? { action: 'retry' } : { action: 'retry', retryAfterMs };
}

/** What a 2xx body says of the item. */
export type SuccessBody = 'stored' | 'not_the_server' | 'refused';

/** `status` values by which an `/insert` answer says it stored the item (the Wakee seed's `"success"`, and the usual others). */
const STORED_STATUSES = new Set(['success', 'ok', 'created', 'stored']);

/**
 * Reads the body of a 2xx (`payload`: parsed JSON, the text when it is not JSON, `undefined` when empty). A 2xx that
 * is not JSON is not the collection server's answer (a captive portal, a single-page app's fallback, a misrouted
 * proxy): the item is kept and tried again. A JSON object whose `status` names another outcome (`"error"`) is the
 * server's refusal. An empty body (204) or any other JSON counts as stored.
 */
export function classifySuccessBody(payload: unknown): SuccessBody {
  if (typeof payload === 'string') return 'not_the_server';
  const status = typeof payload === 'object' && payload !== null ? (payload as { status?: unknown }).status : undefined;
  if (typeof status === 'string' && !STORED_STATUSES.has(status.toLowerCase())) return 'refused';
  return 'stored';
}

