/** `GET /health`: 200 when the database and the blob store answer, 503 (status `degraded`) when one does not. */
import type { FastifyInstance } from 'fastify';
import { HEALTH_ROUTE_SCHEMA } from '../schemas/health.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { Database } from '../storage/database.js';
import { SERVER_VERSION } from '../version.js';

/** A dependency that has not answered within this time is down. */
export const HEALTH_TIMEOUT_MS = 2_000;

/** Registers `GET /health` (public, not rate-limited: load balancers poll it). */
export function healthRoute(app: FastifyInstance, database: Database, blobs: BlobStore): void {
  const started = performance.now();
  app.get('/health', { schema: HEALTH_ROUTE_SCHEMA, config: { public: true, rateLimit: false } }, async (request, reply) => {
    const [db, store] = await Promise.all([check(database.ping()), check(blobs.ping())]);
    for (const [name, error] of [['database', db], ['blob store', store]] as const) {
      if (error !== null) request.log.warn({ err: error }, `health: ${name} is down`);
    }
    const ok = db === null && store === null;
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      database: { status: db === null ? 'ok' : 'down', kind: database.kind },
      blob_store: { status: store === null ? 'ok' : 'down', kind: blobs.kind },
      version: SERVER_VERSION,
      uptime_s: Math.round((performance.now() - started) / 100) / 10,
    });
  });
}

/** `null` when `ping` resolves in time, else the error. */
async function check(ping: Promise<void>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
  });
  try {
    await Promise.race([ping, timeout]);
    return null;
  } catch (error) {
    return error ?? new Error('ping failed');
  } finally {
    clearTimeout(timer);
  }
}
