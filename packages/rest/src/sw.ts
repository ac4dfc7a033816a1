/**
 * `@emolens/rest/sw`, the service-worker side: takes the REST requests of the page's origin (never navigations,
 * never other paths) and hands each to an open page of the app that serves them (`serveRest`), the page that made
 * the request first. What needs no analysis (404, 405, 413, and 503 when no page is serving) it answers itself.
 *
 * The analysis runs in the page, not here: a service worker cannot start the SDK's workers (Chromium has no
 * `Worker` in service workers), and it is stopped after about 30 s idle, which would throw the loaded models away.
 */
import { EmoLensError } from '@emolens/schema';
import { answerRestRequest, errorResponse, notServingResponse } from './answer.js';
import { REST_REQUEST, REST_VERSION, type RestReplyMessage, type RestRequestMessage } from './bridge.js';
import { asEmoLensError, readBody } from './http.js';
import { matchRoute, relativePath, requestApi, type RestRoute } from './routes.js';

/** The parts of a `FetchEvent` this module uses. */
export interface RestFetchEvent {
  readonly request: Request;
  readonly clientId: string;
  respondWith(response: Promise<Response>): void;
}

/** The parts of a service worker's `Client` this module uses. */
export interface RestClient {
  readonly id: string;
  /** `window`, `worker` or `sharedworker`; only windows serve. */
  readonly type?: string;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/** The parts of `ServiceWorkerGlobalScope` this module uses. */
export interface RestWorkerScope {
  readonly clients: { get(id: string): Promise<RestClient | undefined>; matchAll(options: { type: 'window' }): Promise<readonly RestClient[]> };
  readonly registration: { readonly scope: string };
  readonly location: { readonly origin: string };
  addEventListener(type: 'fetch', listener: (event: RestFetchEvent) => void): void;
}

/** Options of {@link handleRestFetch} and {@link installRestRoutes}. */
export interface RestRouteOptions {
  /** The path the routes are under, ending with `/` (default: the service worker's scope, e.g. `/` or `/app/`). */
  basePath?: string;
  /** How long a page has to take a request before the next one is asked (default 1,000 ms). */
  acceptTimeoutMs?: number;
  /**
   * How long a page that took a request has to answer it: a 504 after. Default 280,000 ms, under the 5 minutes
   * Chromium lets one fetch event run (a long video request past that would end in a network error instead).
   */
  answerTimeoutMs?: number;
}

const DEFAULTS = { acceptTimeoutMs: 1000, answerTimeoutMs: 280_000 };
/**
 * How often the page that took a request is looked for while it works: a page that closes or reloads never answers,
 * and a port says nothing when its other end goes away.
 */
const PAGE_WATCH_MS = 500;

/**
 * Answers `event` when it is a REST request (see the module's description) and returns `true`; returns `false`
 * and leaves it alone otherwise. Call it first in your `fetch` listener, or use {@link installRestRoutes}.
 */
export function handleRestFetch(scope: RestWorkerScope, event: RestFetchEvent, options: RestRouteOptions = {}): boolean {
  const { request } = event;
  if (request.mode === 'navigate') return false;
  const url = new URL(request.url);
  if (url.origin !== scope.location.origin) return false;
  const base = options.basePath ?? new URL(scope.registration.scope).pathname;
  const path = relativePath(url, base.endsWith('/') ? base : `${base}/`);
  if (path === undefined) return false;
  const match = matchRoute(request.method, path);
  if (!match) return false;
  event.respondWith(
    match.kind === 'route'
      ? forward(scope, event, path, match.route, { ...DEFAULTS, ...options })
      : answerRestRequest(request, path, { analyzer: undefined, version: REST_VERSION }).then((r) => r!),
  );
  return true;
}

/**
 * Adds a `fetch` listener answering the REST routes ({@link handleRestFetch}). Install it before other `fetch`
 * listeners (Workbox's): the first listener to answer a request wins.
 *
 * @example
 * ```ts
 * // sw.ts
 * import { installRestRoutes } from '@emolens/rest/sw';
 * installRestRoutes(self);
 * ```
 */
export function installRestRoutes(scope: RestWorkerScope, options: RestRouteOptions = {}): void {
  scope.addEventListener('fetch', (event) => handleRestFetch(scope, event, options));
}

async function forward(scope: RestWorkerScope, event: RestFetchEvent, path: string, route: RestRoute, options: Required<Omit<RestRouteOptions, 'basePath'>>): Promise<Response> {
  const { request } = event;
  const api = requestApi(route, request.headers.get('content-type'));
  let body: ArrayBuffer | null = null;
  try {
    if (route.method === 'POST') body = await readBody(request, route.maxBodyBytes);
  } catch (error) {
    const e = asEmoLensError(error);
    return errorResponse(api, e, e.details.kind === 'too_large' ? 413 : undefined);
  }
  const message: Omit<RestRequestMessage, 'body'> = { type: REST_REQUEST, method: request.method, url: request.url, path, headers: [...request.headers] };
  for (const client of await candidates(scope, event.clientId)) {
    // The body is transferred: each page gets a copy, so the next one can still be asked if this one goes away.
    const answer = await ask(scope, client, { ...message, body: body?.slice(0) ?? null }, options);
    if (answer === 'not_taken' || answer === 'gone') continue;
    if (answer === 'timeout') {
      return errorResponse(api, new EmoLensError('TIMEOUT', `The page did not answer within ${options.answerTimeoutMs} ms`, { reason: 'answer timeout' }), 504);
    }
    return new Response(request.method === 'HEAD' ? null : answer.body, { status: answer.status, headers: answer.headers });
  }
  return notServingResponse(api);
}

/** The page that made the request (a window: a worker never serves), then every other window of the app. */
async function candidates(scope: RestWorkerScope, clientId: string): Promise<RestClient[]> {
  const found = clientId ? await scope.clients.get(clientId) : undefined;
  const own = found && (found.type ?? 'window') === 'window' ? found : undefined;
  const windows = await scope.clients.matchAll({ type: 'window' });
  return [...(own ? [own] : []), ...windows.filter((w) => w.id !== own?.id)];
}

/** A page's response; or it did not take the request, went away after taking it, or took too long. */
type Answer = Extract<RestReplyMessage, { type: 'response' }> | 'not_taken' | 'gone' | 'timeout';

function ask(scope: RestWorkerScope, client: RestClient, message: RestRequestMessage, options: Required<Omit<RestRouteOptions, 'basePath'>>): Promise<Answer> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    let watch: ReturnType<typeof setInterval> | undefined;
    const finish = (answer: Answer) => {
      clearTimeout(timer);
      clearInterval(watch);
      channel.port1.close();
      resolve(answer);
    };
    let timer = setTimeout(() => finish('not_taken'), options.acceptTimeoutMs);
    channel.port1.onmessage = (event: MessageEvent<RestReplyMessage>) => {
      if (event.data.type === 'accepted') {
        clearTimeout(timer);
        timer = setTimeout(() => finish('timeout'), options.answerTimeoutMs);
        watch = setInterval(() => {
          scope.clients.get(client.id).then((still) => still || finish('gone'), () => undefined);
        }, PAGE_WATCH_MS);
      } else finish(event.data);
    };
    client.postMessage(message, message.body ? [channel.port2, message.body] : [channel.port2]);
  });
}
