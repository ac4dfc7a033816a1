/**
 * The messages between the service worker and the page that answers: the service worker posts the request on a
 * `MessageChannel`, the page says it took it, then sends the response.
 */

/** `type` of a request message (nothing else the app posts carries it). */
export const REST_REQUEST = 'emolens-rest-request';

/** A request, as the service worker posts it (with a `MessagePort` for the reply). */
export interface RestRequestMessage {
  type: typeof REST_REQUEST;
  method: string;
  url: string;
  /** The path relative to the base, e.g. `/v1/analyze/face`. */
  path: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
}

/** The page's replies on the port: `accepted` at once, then the `response`. */
export type RestReplyMessage = { type: 'accepted' } | { type: 'response'; status: number; headers: [string, string][]; body: ArrayBuffer };

/** True for a {@link RestRequestMessage}. */
export function isRestRequest(data: unknown): data is RestRequestMessage {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as Partial<RestRequestMessage>;
  return m.type === REST_REQUEST && typeof m.method === 'string' && typeof m.url === 'string' && typeof m.path === 'string' && Array.isArray(m.headers) && (m.body === null || m.body instanceof ArrayBuffer);
}

/** The version `/health` reports by default (this package's). */
export const REST_VERSION = '0.1.0';
