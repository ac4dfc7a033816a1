/** `POST /insert`: the Wakee annotation body in, `201 { status, id, image_key, created_at }` out. */
import type { WakeeInsertBody } from '@emolens/schema';
import type { FastifyInstance } from 'fastify';
import { requestHash } from '../annotations/idempotency.js';
import { storeAnnotation, type InsertDependencies } from '../annotations/insert.js';
import type { ApiKeys } from '../plugins/auth.js';
import { INSERT_ROUTE_SCHEMA } from '../schemas/insert.js';

/** Response header set on a replayed idempotent response. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/**
 * Registers `POST /insert`. `close()` waits for the inserts in flight, even those whose client has gone, so the
 * caller can close the storage after it without cutting an insert between its image and its row.
 */
export function insertRoute(app: FastifyInstance, deps: InsertDependencies, keys: ApiKeys): void {
  const inFlight = new Set<Promise<unknown>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled(inFlight);
  });
  app.post<{ Body: WakeeInsertBody; Headers: { 'idempotency-key'?: string } }>('/insert', { schema: INSERT_ROUTE_SCHEMA }, async (request, reply) => {
    const key = request.headers['idempotency-key'];
    const idempotency =
      key === undefined ? undefined : { scope: keys.identify(request) ?? '', key, requestSha256: requestHash(request.body) };
    const work = storeAnnotation(deps, request.body, idempotency);
    inFlight.add(work);
    const outcome = await work.finally(() => inFlight.delete(work));
    if (outcome.replayed) reply.header(REPLAYED_HEADER, 'true');
    return reply.code(outcome.statusCode).send(outcome.body);
  });
}
