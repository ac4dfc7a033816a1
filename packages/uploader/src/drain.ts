/**
 * One drain pass: send the head of the line until the line is empty, the head must wait (backoff or `Retry-After`),
 * or sending is paused (offline, no consent, closed). The caller holds the queue's cross-tab lock for the whole pass,
 * so no two tabs send at the same time. Items are sent strictly in order: an item waiting for its retry time blocks
 * the ones after it (head-of-line); dead letters leave the line.
 *
 * Retries are written here rather than taken from a retry library (p-retry, exponential-backoff…): those keep the
 * attempt count and the next try's time in memory, inside one call, whereas an item's retry state must live in
 * IndexedDB with the item, to survive reloads and crashes and to be shared by every tab.
 */
import { backoffDelay } from './backoff.js';
import { classifyResponse, classifySuccessBody, type DeadReason } from './classify-response.js';
import type { ResolvedUploaderOptions } from './options.js';
import type { DeadLetter, FailureInfo, QueuedItem, QueueStore } from './queue-store.js';

/** How a pass (or `flush()`) ended. */
export type DrainResult =
  /** Nothing is queued. */
  | { status: 'empty' }
  /** The head of the line waits for its retry time (`nextAttemptAt`, ms since the epoch); the items behind it wait too. */
  | { status: 'waiting'; nextAttemptAt: number }
  /** The browser is offline: nothing is sent until it comes back. */
  | { status: 'offline' }
  /** Consent is off: nothing is sent until it is given. */
  | { status: 'no_consent' }
  /** The uploader was closed. */
  | { status: 'closed' };

/** The server's answer to a stored item, parsed from its JSON when it is JSON. */
export interface SentInfo {
  item: QueuedItem;
  status: number;
  /** The response body: `{ status: 'success', id, created_at, … }` from an `/insert` server. */
  response: unknown;
}

/** What a pass reports to the uploader as it goes. */
export interface DrainHooks {
  sending(item: QueuedItem, attempt: number): void;
  sent(info: SentInfo): void;
  failed(item: QueuedItem, failure: FailureInfo, nextAttemptAt: number): void;
  dead(letter: DeadLetter): void;
  /** A response came back (`true`) or the request failed at the network level (`false`). */
  reachable(reachable: boolean): void;
  /** The store changed (an item left the line, was rescheduled or died). */
  changed(): void;
}

/** What a pass needs. */
export interface DrainContext {
  store: QueueStore;
  options: ResolvedUploaderOptions;
  hooks: DrainHooks;
  /** Why sending must stop now, or `undefined` to go on. Checked before every item. */
  paused(): Exclude<DrainResult['status'], 'empty' | 'waiting'> | undefined;
  /**
   * The last time the browser reported coming (back) online, or the uploader started: an item whose last failure was a
   * network failure before it is due at once, since its backoff measured a network that is now back.
   */
  networkBackAt(): number;
  /** Aborted when the uploader closes: the request in flight is abandoned (the item stays queued, unchanged). */
  signal: AbortSignal;
  now?: () => number;
  random?: () => number;
}

/** Longest server error body kept with a dead letter, in characters. */
const MAX_ERROR_TEXT = 4096;

/** Runs one pass; see the module comment. */
export async function drainQueue(ctx: DrainContext): Promise<DrainResult> {
  const now = ctx.now ?? Date.now;
  for (;;) {
    const pause = ctx.paused();
    if (pause) return { status: pause };
    const head = await ctx.store.head();
    if (!head) return { status: 'empty' };
    const due = head.lastFailure?.kind === 'network' && (head.lastAttemptAt ?? 0) < ctx.networkBackAt() ? 0 : head.nextAttemptAt;
    if (due > now() && !clockMovedBack(head, now(), ctx.options)) return { status: 'waiting', nextAttemptAt: due };
    const body = await ctx.store.body(head.seq);
    if (body === undefined) continue; // Deleted by another tab (clear) between the two reads.
    const aborted = await sendOne(ctx, head, body, now);
    if (aborted) return { status: 'closed' };
  }
}

/** Sends one item and records the outcome. Resolves to `true` when the uploader closed during the request. */
async function sendOne(ctx: DrainContext, item: QueuedItem, body: string, now: () => number): Promise<boolean> {
  const { options, hooks, store } = ctx;
  const attempt = item.attempts + 1;
  hooks.sending(item, attempt);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Idempotency-Key': item.id };
  if (options.apiKey !== undefined) headers['X-API-Key'] = options.apiKey;
  let response: Response;
  try {
    response = await options.fetch(options.endpoint, {
      method: 'POST',
      headers,
      body,
      signal: withTimeout(ctx.signal, options.requestTimeoutMs),
      credentials: 'omit',
      keepalive: false,
    });
  } catch (error) {
    if (ctx.signal.aborted) return true;
    hooks.reachable(false);
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    const message = timedOut ? `no response within ${options.requestTimeoutMs} ms` : `network error: ${error instanceof Error ? error.message : String(error)}`;
    await retryLater(ctx, item, attempt, { kind: 'network', message }, undefined, now);
    return false;
  }
  hooks.reachable(true);
  // fetch follows redirects: a 302/303 turns the POST into a GET of wherever it points (a login page, a captive
  // portal), whose 200 says nothing about the item. A 307/308 keeps the POST and the path.
  const elsewhere = response.redirected && pathOf(response.url) !== pathOf(options.endpoint);
  const verdict = classifyResponse(response.status, response.headers.get('Retry-After'), now(), elsewhere);
  let payload: unknown;
  try {
    payload = await readBody(response);
  } catch (error) {
    // The body broke off: for a success the item is stored anyway (a retry is answered from the idempotency record).
    if (ctx.signal.aborted) return true;
    if (verdict.action !== 'sent') payload = `unreadable body: ${error instanceof Error ? error.message : String(error)}`;
  }
  const answer = verdict.action === 'sent' ? classifySuccessBody(payload) : 'stored';
  if (answer === 'refused') {
    await die(ctx, item, attempt, 'rejected', response.status, payload, now);
    return false;
  }
  if (verdict.action === 'sent' && answer === 'stored') {
    if (await store.remove(item.seq)) {
      hooks.changed();
      hooks.sent({ item: { ...item, attempts: attempt }, status: response.status, response: payload });
    }
    return false;
  }
  if (verdict.action === 'dead') {
    await die(ctx, item, attempt, verdict.reason, response.status, payload, now);
    return false;
  }
  const failure: FailureInfo = {
    kind: 'status',
    status: response.status,
    message: elsewhere
      ? `redirected to ${pathOf(response.url)}, which answered HTTP ${response.status}: not the server's answer`
      : verdict.action === 'sent'
        ? `HTTP ${response.status} with a body that is not JSON: not the server's answer`
        : `HTTP ${response.status}${errorMessage(payload)}`,
  };
  await retryLater(ctx, item, attempt, failure, verdict.action === 'retry' ? verdict.retryAfterMs : undefined, now, payload);
  return false;
}

/**
 * Whether the clock moved back since `item` was scheduled (a device clock corrected, a skewed one): its try is
 * recorded in the future, or its wait is longer than any the uploader sets. Its stored time then means nothing,
 * and waiting for it would stall the whole line for as long as the clock was off: it is due now.
 */
function clockMovedBack(item: QueuedItem, now: number, options: DrainContext['options']): boolean {
  const longest = Math.max(options.retryMaxMs, options.maxRetryAfterMs);
  return (item.lastAttemptAt ?? 0) > now || item.nextAttemptAt - now > longest;
}

async function retryLater(
  ctx: DrainContext,
  item: QueuedItem,
  attempt: number,
  failure: FailureInfo,
  retryAfterMs: number | undefined,
  now: () => number,
  payload?: unknown,
): Promise<void> {
  const { options } = ctx;
  if (attempt >= options.maxAttempts) {
    await die(ctx, item, attempt, 'max_attempts', failure.status, payload, now, `gave up after ${attempt} tries; last: ${failure.message}`);
    return;
  }
  const backoff = backoffDelay(attempt, { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs, factor: options.retryFactor }, ctx.random);
  // The server's Retry-After, but never sooner than the backoff: `Retry-After: 0`, or a date in the past (a clock
  // ahead of the server's), must not turn into a stream of requests.
  const delay = retryAfterMs !== undefined ? Math.max(Math.min(retryAfterMs, options.maxRetryAfterMs), backoff) : backoff;
  const at = now();
  const nextAttemptAt = at + delay;
  if (await ctx.store.reschedule(item.seq, { attempts: attempt, nextAttemptAt, lastAttemptAt: at, lastFailure: failure })) {
    ctx.hooks.changed();
    ctx.hooks.failed({ ...item, attempts: attempt, nextAttemptAt, lastAttemptAt: at, lastFailure: failure }, failure, nextAttemptAt);
  }
}

async function die(
  ctx: DrainContext,
  item: QueuedItem,
  attempt: number,
  reason: DeadReason,
  status: number | undefined,
  payload: unknown,
  now: () => number,
  message = `HTTP ${status ?? '?'}${errorMessage(payload)}`,
): Promise<void> {
  const letter = await ctx.store.kill(item.seq, { attempts: attempt, deadAt: now(), reason, status, error: payload, message });
  if (letter) {
    ctx.hooks.changed();
    ctx.hooks.dead(letter);
  }
}

/** The response body: parsed JSON when it parses, else its text (cut to {@link MAX_ERROR_TEXT}), `undefined` when empty. */
async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
  }
}

/** `: <code>: <message>` of a WIA error body, or nothing. */
function errorMessage(payload: unknown): string {
  const error = (payload as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error !== 'object' || error === null) return '';
  return `: ${String(error.code ?? '')}${typeof error.message === 'string' ? `: ${error.message}` : ''}`;
}

/** `signal`, or a timeout of `ms` (a `TimeoutError`), whichever comes first (`AbortSignal.any` where it exists). */
function withTimeout(signal: AbortSignal, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([signal, timeout]);
  const controller = new AbortController();
  const abort = (source: AbortSignal) => () => controller.abort(source.reason);
  if (signal.aborted) controller.abort(signal.reason);
  signal.addEventListener('abort', abort(signal), { once: true });
  timeout.addEventListener('abort', abort(timeout), { once: true });
  return controller.signal;
}

/** The path of `url`, resolved against the page (an endpoint may be relative). */
function pathOf(url: string): string {
  try {
    return new URL(url, globalThis.location?.href).pathname;
  } catch {
    return url;
  }
}
