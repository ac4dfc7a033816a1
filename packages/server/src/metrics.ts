/**
 * The server's Prometheus metrics, in a registry of its own (never prom-client's global one), so several servers in
 * one process (tests, embedders) each count their own requests.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The metrics of one server. */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Requests answered, by method, route pattern and status code. */
  readonly requests: Counter<'method' | 'route' | 'status_code'>;
  /** Time to answer, by method, route pattern and status code. */
  readonly requestDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** Wall time of each stage of a stored insert: `image_check`, `blob_put`, `database` (waiting for its statement included). */
  readonly insertStageDuration: Histogram<'stage'>;
  /** Annotations stored. */
  readonly inserts: Counter;
  /** Retries answered from an idempotency record, storing nothing. */
  readonly idempotentReplays: Counter;
  /** Images written but whose row is not committed yet (the blob queue); stays up after a crash only as orphans. */
  readonly blobsPending: Gauge;
  /** Queries and transactions that failed in the database. */
  readonly databaseErrors: Counter;
  /** Images the orphan sweep deleted. */
  readonly orphansDeleted: Counter;
}

/** Metric name prefix. */
const PREFIX = 'emolens_';

/** Creates the metrics, with Node's default process metrics (CPU, memory, event loop, GC) in the same registry. */
export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({ name: `${PREFIX}http_requests_total`, help: 'HTTP requests answered.', labelNames: ['method', 'route', 'status_code'], registers }),
    requestDuration: new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'Time to answer an HTTP request.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    insertStageDuration: new Histogram({
      name: `${PREFIX}insert_stage_duration_seconds`,
      help: 'Wall time of each stage of POST /insert: image_check, blob_put, database.',
      labelNames: ['stage'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    inserts: new Counter({ name: `${PREFIX}inserts_total`, help: 'Annotations stored by POST /insert.', registers }),
    idempotentReplays: new Counter({ name: `${PREFIX}idempotent_replays_total`, help: 'POST /insert retries answered from an idempotency record.', registers }),
    blobsPending: new Gauge({ name: `${PREFIX}blobs_pending`, help: 'Images written whose row is not committed yet.', registers }),
    databaseErrors: new Counter({ name: `${PREFIX}database_errors_total`, help: 'Database queries or transactions that failed.', registers }),
    orphansDeleted: new Counter({ name: `${PREFIX}orphans_deleted_total`, help: 'Images without a row deleted by the orphan sweep.', registers }),
  };
}
