/**
 * Request metrics for every response (by route pattern, never the raw URL, so label values stay few) and the
 * `GET /metrics` route that exposes the server's registry.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerMetrics } from '../metrics.js';
import { METRICS_ROUTE_SCHEMA } from '../schemas/health.js';

/** Route label of requests that matched no route. */
const UNMATCHED = 'unmatched';

/** Counts and times every response, and serves `GET /metrics` (public, not rate-limited). */
export function installMetrics(app: FastifyInstance, metrics: ServerMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? UNMATCHED, status_code: String(reply.statusCode) };
    metrics.requests.inc(labels);
    metrics.requestDuration.observe(labels, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: METRICS_ROUTE_SCHEMA, config: { public: true, rateLimit: false } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
