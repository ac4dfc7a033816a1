/**
 * CORS for an allow-list of exact origins (`CORS_ORIGINS`). With an empty list no CORS header is sent, so only
 * same-origin pages and non-browser clients can call the server.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** Allows `origins` to call the API from a browser, with the headers the uploader sends and reads. */
export async function installCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  await app.register(cors, {
    origin: [...origins],
    methods: ['GET', 'POST'],
    allowedHeaders: ['Content-Type', 'X-API-Key', 'Idempotency-Key', 'X-Request-ID'],
    exposedHeaders: ['X-Request-ID', 'Idempotent-Replayed', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
    maxAge: 600,
  });
}
