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
  const clients = await candidates(scope, event.clientId);
  for (const [i, client] of clients.entries()) {
    // The body is transferred: each page but the last one asked gets a copy.
    const sent = body === null || i === clients.length - 1 ? body : body.slice(0);
    const answer = await ask(client, { ...message, body: sent }, options);
    if (answer === 'not_taken') continue;
    if (answer === 'timeout') {
      return errorResponse(api, new EmoLensError('TIMEOUT', `The page did not answer within ${options.answerTimeoutMs} ms`, { reason: 'answer timeout' }), 504);
    }
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  }
  return notServingResponse(api);
}

/** The page that made the request, then every other window of the app. */
async function candidates(scope: RestWorkerScope, clientId: string): Promise<RestClient[]> {
  const own = clientId ? await scope.clients.get(clientId) : undefined;
  const windows = await scope.clients.matchAll({ type: 'window' });
  return [...(own ? [own] : []), ...windows.filter((w) => w.id !== own?.id)];
}

type Answer = Extract<RestReplyMessage, { type: 'response' }> | 'not_taken' | 'timeout';

function ask(client: RestClient, message: RestRequestMessage, options: Required<Omit<RestRouteOptions, 'basePath'>>): Promise<Answer> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const finish = (answer: Answer) => {
      clearTimeout(timer);
      channel.port1.close();
      resolve(answer);
    };
    let timer = setTimeout(() => finish('not_taken'), options.acceptTimeoutMs);
    channel.port1.onmessage = (event: MessageEvent<RestReplyMessage>) => {
      if (event.data.type === 'accepted') {
        clearTimeout(timer);
        timer = setTimeout(() => finish('timeout'), options.answerTimeoutMs);
      } else finish(event.data);
    };
    client.postMessage(message, message.body ? [channel.port2, message.body] : [channel.port2]);
  });
}
