/**
 * The page side: answers the requests the service worker hands over ({@link serveRest}), with a detector.
 */
import { answerRestRequest, type RestAnalyzer, type RestService } from './answer.js';
import { isRestRequest, REST_VERSION, type RestReplyMessage, type RestRequestMessage } from './bridge.js';
import { json } from './http.js';

/** Options of {@link serveRest}. */
export interface ServeRestOptions {
  /** Where the service worker's messages arrive (default `navigator.serviceWorker`). */
  container?: ServiceWorkerContainer;
  /** The version `/health` reports (default: `@emolens/rest`'s). */
  version?: string;
}

/** A page answering the REST routes; `stop()` ends it (the service worker then asks another page, or says 503). */
export interface RestServer {
  stop(): void;
}

/**
 * Answers, in this page, the REST requests the service worker takes (`@emolens/rest/sw`): the analysis runs on
 * `analyzer` (an EmoLens `Detector`), so the page's own `fetch('/v1/analyze/face', …)`, or any client code written
 * against the seeds' APIs, gets the seed's exact body without a server.
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
  const service: RestService = { analyzer, version: options.version ?? REST_VERSION };
  const onMessage = (event: MessageEvent) => {
    const port = event.ports[0];
    if (!isRestRequest(event.data) || !port) return;
    port.postMessage({ type: 'accepted' } satisfies RestReplyMessage);
    void reply(event.data, port, service);
  };
  container.addEventListener('message', onMessage);
  // Messages wait until the page listens: without this, requests made before the first `onmessage` would hang.
  container.startMessages();
  return { stop: () => container.removeEventListener('message', onMessage) };
}

async function reply(message: RestRequestMessage, port: MessagePort, service: RestService): Promise<void> {
  let response: Response;
  try {
    const request = new Request(message.url, { method: message.method, headers: message.headers, body: message.body });
    response = (await answerRestRequest(request, message.path, service)) ?? json(404, { error: 'Not Found' });
  } catch (error) {
    response = json(500, { error: String(error) });
  }
  const body = await response.arrayBuffer();
  port.postMessage({ type: 'response', status: response.status, headers: [...response.headers], body } satisfies RestReplyMessage, [body]);
  port.close();
}
