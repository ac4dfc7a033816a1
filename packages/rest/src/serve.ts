/**
 * The page side: answers the requests the service worker hands over ({@link serveRest}), with a detector.
 */
import { EmoLensError } from '@emolens/schema';
import { answerRestRequest, errorResponse, type RestAnalyzer, type RestService } from './answer.js';
import { isRestRequest, REST_VERSION, type RestReplyMessage, type RestRequestMessage } from './bridge.js';
import { matchRoute, requestApi } from './routes.js';

/** Options of {@link serveRest}. */
export interface ServeRestOptions {
  /** Where the service worker's messages arrive (default `navigator.serviceWorker`). */
  container?: ServiceWorkerContainer;
  /** The version `/health` reports (default: `@emolens/rest`'s). */
  version?: string;
}

/** A page answering the REST routes. */
export interface RestServer {
  /** Stops answering: the service worker then asks the app's other pages, or answers 503. */
  stop(): void;
}

/**
 * Answers, in this page, the REST requests the service worker takes (`@emolens/rest/sw`; a second call replaces the
 * first): the analysis runs on
 * `analyzer` (an EmoLens `Detector`: `detect`, `analyzeFace`, `analyzeFaceVideo`, `predictWakee`), so the page's own
 * `fetch('/v1/analyze/face', …)`, or any client code written against the seeds' APIs, gets the seed's exact body
 * without a server.
 *
 * @example
 * ```ts
 * const detector = await createDetector();
 * serveRest(detector);
 * const result = await (await fetch('/v1/analyze/face', { method: 'POST', body: JSON.stringify({ image_base64 }) })).json();
 * ```
 */
export function serveRest(analyzer: RestAnalyzer, options: ServeRestOptions = {}): RestServer {
  const container = options.container ?? navigator.serviceWorker;
  // One server per page: a second call replaces the first, so each request is answered (and analysed) once.
  serving.get(container)?.();
  const service: RestService = { analyzer, version: options.version ?? REST_VERSION };
  const onMessage = (event: MessageEvent) => {
    const port = event.ports[0];
    if (!isRestRequest(event.data) || !port) return;
    port.postMessage({ type: 'accepted' } satisfies RestReplyMessage);
    reply(event.data, port, service).catch(() => port.close()); // the service worker then answers 504
  };
  container.addEventListener('message', onMessage);
  // Start delivering the service worker's messages now, not once the document has finished loading: requests made
  // while the page is still starting are answered instead of timing out.
  container.startMessages();
  const stop = () => {
    container.removeEventListener('message', onMessage);
    if (serving.get(container) === stop) serving.delete(container);
  };
  serving.set(container, stop);
  return { stop };
}

/** The stop function of the server answering on each container. */
const serving = new WeakMap<ServiceWorkerContainer, () => void>();

async function reply(message: RestRequestMessage, port: MessagePort, service: RestService): Promise<void> {
  const match = matchRoute(message.method, message.path);
  let response: Response | undefined;
  try {
    const request = new Request(message.url, { method: message.method, headers: message.headers, body: message.body });
    response = await answerRestRequest(request, message.path, service);
  } catch (error) {
    // A request the page cannot even rebuild: an internal error, in the route's format.
    const contentType = message.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? null;
    if (match?.kind === 'route') response = errorResponse(requestApi(match.route, contentType), error);
  }
  response ??= errorResponse('wia-face', new EmoLensError('INVALID_REQUEST', `No route ${message.method} ${message.path}`, { kind: 'not_found' }), 404);
  const body = await response.arrayBuffer();
  port.postMessage({ type: 'response', status: response.status, headers: [...response.headers], body } satisfies RestReplyMessage, [body]);
  port.close();
}
