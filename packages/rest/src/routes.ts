/**
 * The REST routes answered on the device: one table, read by the service worker (which requests to take) and by
 * the page (how to answer them).
 */

/**
 * Which seed API a request belongs to: it decides the body of every answer, errors included. `predict` is the
 * webcam API's `/predict` and `wakee` the Wakee API's, on the same path ({@link requestApi} tells them apart).
 */
export type RestApi = 'wia-face' | 'wia-video' | 'emotion' | 'predict' | 'wakee' | 'health';

/** One route, relative to the base path (the service worker's scope by default). */
export interface RestRoute {
  /** The path relative to the base, e.g. `/v1/analyze/face`. */
  path: string;
  /** The one method it takes (another gets 405). */
  method: 'GET' | 'POST';
  /** The seed API whose bodies it answers with (`predict` for `/predict`: see {@link requestApi}). */
  api: Exclude<RestApi, 'wakee'>;
  /** Largest body taken; a larger one gets 413 in the API's format. */
  maxBodyBytes: number;
}

/** One image, as a multipart file or base64 in JSON (base64 adds a third). */
export const IMAGE_BODY_BYTES = 24 * 2 ** 20;
/** A WIA video request: `frames_base64` holds up to 1,000 frames. */
export const VIDEO_BODY_BYTES = 256 * 2 ** 20;

/** Every route. `/predict` is the webcam API with a JSON body and the Wakee API with a multipart one. */
export const REST_ROUTES: readonly RestRoute[] = [
  { path: '/v1/analyze/face', method: 'POST', api: 'wia-face', maxBodyBytes: IMAGE_BODY_BYTES },
  { path: '/v1/analyze/face/video', method: 'POST', api: 'wia-video', maxBodyBytes: VIDEO_BODY_BYTES },
  { path: '/emotion', method: 'POST', api: 'emotion', maxBodyBytes: IMAGE_BODY_BYTES },
  { path: '/predict', method: 'POST', api: 'predict', maxBodyBytes: IMAGE_BODY_BYTES },
  { path: '/health', method: 'GET', api: 'health', maxBodyBytes: 0 },
];

/**
 * The API a request to `route` belongs to: the route's, except on `/predict`, where a `multipart/form-data` body
 * is the Wakee API's (`curl -F "file=@face.jpg"`) and any other body the webcam API's (JSON `{"image": …}`).
 */
export function requestApi(route: { api: RestApi }, contentType: string | null): RestApi {
  return route.api === 'predict' && isMultipart(contentType) ? 'wakee' : route.api;
}

/** True for a `multipart/form-data` content type (with its boundary parameter, or without one). */
export function isMultipart(contentType: string | null): boolean {
  return /^\s*multipart\/form-data\s*(;|$)/i.test(contentType ?? '');
}

/** The WIA API's prefix: any other path under it is an unknown WIA route (404 in the WIA format). */
export const WIA_PREFIX = '/v1/';

/** What a request's method and path lead to: a route, an unknown path of an API (404), or a wrong method (405). */
export type RouteMatch =
  | { kind: 'route'; route: RestRoute }
  | { kind: 'not_found'; api: RestApi }
  | { kind: 'method_not_allowed'; api: RestApi; allowed: string[] };

/**
 * The route for `method` and `path` (relative to the base, starting with `/`), a 404 or 405 for paths of the
 * APIs, or `undefined` for every other path: those are not ours and go to the network or the app.
 */
export function matchRoute(method: string, path: string): RouteMatch | undefined {
  const routes = REST_ROUTES.filter((r) => r.path === path);
  if (routes.length > 0) {
    // HEAD is GET without the body, as the seeds' servers (Flask, FastAPI) answer it.
    const asked = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    const route = routes.find((r) => r.method === asked);
    if (route) return { kind: 'route', route };
    const allowed = routes.flatMap((r) => (r.method === 'GET' ? ['GET', 'HEAD'] : [r.method]));
    return { kind: 'method_not_allowed', api: routes[0]!.api, allowed };
  }
  if (path.startsWith(WIA_PREFIX)) return { kind: 'not_found', api: 'wia-face' };
  return undefined;
}

/**
 * `url`'s path relative to `basePath` (which ends with `/`), starting with `/`; `undefined` when the URL is not
 * under it. Percent-encoded paths are compared as sent: `/v1/analyze/%66ace` is not a route.
 */
export function relativePath(url: URL, basePath: string): string | undefined {
  if (!url.pathname.startsWith(basePath)) return undefined;
  return '/' + url.pathname.slice(basePath.length);
}
