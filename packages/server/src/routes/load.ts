/** `GET /load?limit=&offset=`: a page of annotations, newest first, and statistics over all of them. */
import type { FastifyInstance } from 'fastify';
import { listAnnotations } from '../annotations/repository.js';
import { computeStatistics } from '../annotations/statistics.js';
import { invalidRequest } from '../errors.js';
import type { Database } from '../storage/database.js';
import { LOAD_ROUTE_SCHEMA } from '../schemas/load.js';

/** Registers `GET /load`. */
export function loadRoute(app: FastifyInstance, database: Database): void {
  app.get<{ Querystring: { limit: number; offset: number } }>('/load', { schema: LOAD_ROUTE_SCHEMA }, async (request) => {
    const { limit, offset } = request.query;
    // Ajv's coercion makes "Infinity" or "1e400" Infinity and then skips minimum/maximum (ajv#2212): refuse it here.
    for (const [name, value] of [['limit', limit], ['offset', offset]] as const) if (!Number.isFinite(value)) throw invalidRequest(`querystring ${name} must be a finite integer`, name);
    const [data, statistics] = await Promise.all([listAnnotations(database, limit, offset), computeStatistics(database)]);
    return { data, count: data.length, limit, offset, statistics };
  });
}
