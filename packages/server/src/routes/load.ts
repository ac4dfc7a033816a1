/** `GET /load?limit=&offset=`: a page of annotations, newest first, and statistics over all of them. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { listAnnotations } from '../annotations/repository.js';
import { computeStatistics } from '../annotations/statistics.js';
import { invalidRequest } from '../errors.js';
import type { Database } from '../storage/database.js';
import { LOAD_ROUTE_SCHEMA } from '../schemas/load.js';

/** Registers `GET /load`. */
export function loadRoute(app: FastifyInstance, database: Database): void {
  app.get<{ Querystring: { limit: number; offset: number } }>('/load', { schema: LOAD_ROUTE_SCHEMA, preValidation: decimalQuery }, async (request) => {
    const { limit, offset } = request.query;
    const [data, statistics] = await Promise.all([listAnnotations(database, limit, offset), computeStatistics(database)]);
    return { data, count: data.length, limit, offset, statistics };
  });
}

/**
 * `limit` and `offset` as decimal digits, checked before Ajv coerces them: its coercion reads "0x10" as 16, "1e3" as
 * 1000, "+5" as 5, and "Infinity" or "1e400" as Infinity, which then skips minimum and maximum (ajv#2212).
 */
async function decimalQuery(request: FastifyRequest): Promise<void> {
  const raw = request.query as Record<string, unknown>;
  for (const name of ['limit', 'offset']) {
    const value = raw[name];
    if (value !== undefined && !(typeof value === 'string' && /^[0-9]{1,16}$/.test(value))) throw invalidRequest(`querystring ${name} must be a whole number written in decimal digits`, name);
  }
}
