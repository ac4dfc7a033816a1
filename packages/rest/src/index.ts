/**
 * `@emolens/rest`: the seeds' emotion REST APIs answered on the device. The page side is {@link serveRest}; the
 * service-worker side is `@emolens/rest/sw`.
 * @packageDocumentation
 */
export { serveRest, type RestServer, type ServeRestOptions } from './serve.js';
export { answerRestRequest, errorResponse, type RestAnalyzer, type RestService } from './answer.js';
export { REST_ROUTES, WIA_PREFIX, IMAGE_BODY_BYTES, VIDEO_BODY_BYTES, matchRoute, requestApi, type RestApi, type RestRoute, type RouteMatch } from './routes.js';
export { REST_VERSION } from './bridge.js';
