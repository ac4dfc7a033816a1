/**
 * CORS for an allow-list of exact origins (`CORS_ORIGINS`). With an empty list no CORS header is sent, so only
 * same-origin pages and non-browser clients can call the server.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';

/** Allows `origins` to call the API from a browser, with the headers the uploader sends and reads. */
export async function installCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  // An OPTIONS request that is no preflight (no Origin or Access-Control-Request-Method) would get @fastify/cors's
  // own plain-text 400; it gets the API's error body instead (this hook runs before the plugin's).
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'OPTIONS' || (request.headers.origin && request.headers['access-control-request-method'])) return;
    throw new ApiError('INVALID_REQUEST', 'An OPTIONS request must be a CORS preflight', {
      kind: 'invalid_preflight',
      reason: 'Origin and Access-Control-Request-Method headers are required',
      suggestion: 'Send OPTIONS only as a browser preflight, with Origin and Access-Control-Request-Method.',
    });
  });
  await app.register(cors, {
    origin: [...origins],
    methods: ['GET', 'POST'],
    allowedHeaders: ['Content-Type', 'X-API-Key', 'Idempotency-Key', 'X-Request-ID'],
    exposedHeaders: ['X-Request-ID', 'Idempotent-Replayed', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
    maxAge: 600,
  });
}
