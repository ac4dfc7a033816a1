/** Schemas of `GET /health` and `GET /metrics`. */
import type { JsonSchema } from './shared.js';

const DEPENDENCY: JsonSchema = {
  type: 'object',
  required: ['status', 'kind'],
  properties: { status: { type: 'string', enum: ['ok', 'down'] }, kind: { type: 'string' } },
};

const HEALTH_BODY: JsonSchema = {
  type: 'object',
  required: ['status', 'database', 'blob_store', 'version', 'uptime_s'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    database: DEPENDENCY,
    blob_store: DEPENDENCY,
    version: { type: 'string' },
    uptime_s: { type: 'number' },
  },
};

/** The route schema of `GET /health`. */
export const HEALTH_ROUTE_SCHEMA = {
  summary: 'Liveness and readiness: the database and the blob store answer',
  tags: ['operations'],
  response: {
    200: { description: 'Both dependencies answer.', ...HEALTH_BODY },
    503: { description: 'A dependency is down.', ...HEALTH_BODY },
  },
};

/** The route schema of `GET /metrics`. */
export const METRICS_ROUTE_SCHEMA = {
  summary: 'Prometheus metrics (text exposition format)',
  tags: ['operations'],
  produces: ['text/plain'],
  response: { 200: { description: 'Prometheus text format 0.0.4.', type: 'string' } },
};
