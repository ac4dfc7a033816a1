/**
 * Request ids: each request keeps a sane incoming `X-Request-ID` (so a trace spans the client, a proxy and this
 * server) or gets a new UUID; every response carries it, and every error body has it as `request_id`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** Header of the request id, both ways. */
export const REQUEST_ID_HEADER = 'x-request-id';
/** Incoming ids accepted as they are; anything else (too long, `/`, spaces, control characters) is replaced. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Fastify's `genReqId`: the incoming id when it is sane, else a new UUID. */
export function requestId(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
}

/** Sets `X-Request-ID` on every response, errors and 404s included (the hook runs before routing's outcome). */
export function installRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
