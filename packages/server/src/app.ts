/**
 * The HTTP application: `buildServer` wires the plugins (cross-cutting concerns) and the routes onto storage it is
 * given, after migrating the database. It keeps no state of its own beyond counters: any number of instances can
 * serve one database and one blob store (see the README on the rate limiter's store).
 */
import Fastify, { LogController, type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import { createServer, type Server } from 'node:http';
import { InsertBatcher } from './annotations/insert-batcher.js';
import { sweepOrphans } from './annotations/orphan-sweep.js';
import { DEFAULT_SETTINGS, type ServerSettings } from './config.js';
import { createMetrics, type ServerMetrics } from './metrics.js';
import { ApiKeys, installAuth } from './plugins/auth.js';
import { installBodyEncoding } from './plugins/body-encoding.js';
import { installCors } from './plugins/cors.js';
import { installDocs } from './plugins/docs.js';
import { clientErrorHandler, frameworkErrors, installErrorHandling, refuseConnect, refuseExpectation, requireHost } from './plugins/errors.js';
import { installMetrics } from './plugins/metrics.js';
import { installRateLimit } from './plugins/rate-limit.js';
import { installRequestId, requestId } from './plugins/request-id.js';
import { installValidation } from './plugins/validation.js';
import { healthRoute } from './routes/health.js';
import { insertRoute } from './routes/insert.js';
import { loadRoute } from './routes/load.js';
import type { BlobStore } from './storage/blob-store.js';
import type { Database } from './storage/database.js';
import { countDatabaseErrors } from './storage/instrumented.js';
import { migrate } from './storage/migrate.js';

/** What {@link buildServer} takes: open storage, and any {@link ServerSettings} to override their defaults. */
export interface ServerOptions extends Partial<ServerSettings> {
  /** The database (PGlite, PostgreSQL, or any {@link Database}). The caller closes it, after the server. */
  database: Database;
  /** The image store (files, S3, or any {@link BlobStore}). The caller closes it, after the server. */
  blobs: BlobStore;
  /** Apply the pending migrations before serving. Defaults to `true`. */
  migrate?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The server's Prometheus metrics (its own registry). */
    readonly emolensMetrics: ServerMetrics;
  }
}

/**
 * Builds the server, ready to `listen()` (or to `inject()` in tests). The orphan sweep, unless turned off, runs
 * once when the server is ready and then every `orphanSweep.intervalMs`; `close()` stops it.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const settings: ServerSettings = { ...DEFAULT_SETTINGS, ...definedOnly(options) };
  if (options.migrate !== false) await migrate(options.database);

  const fastifyOptions: FastifyHttpOptions<Server> = {
    logger: { level: settings.logLevel },
    // One log line per error, not two per request: the hot path stays lean (the request metrics count them all).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    bodyLimit: settings.bodyLimitBytes,
    requestTimeout: settings.requestTimeoutMs,
    // Node checks the request timeout every 30 s by default: a trickled request would hold its socket up to 30 s
    // past the limit. A check every quarter of the limit (0.25–5 s) keeps the overrun small.
    serverFactory: (handler) =>
      createServer(
        // requireHostHeader: Node's own check answers 400 with an empty body; `requireHost` refuses in the error format.
        { requestTimeout: settings.requestTimeoutMs, connectionsCheckingInterval: Math.max(250, Math.min(5000, settings.requestTimeoutMs / 4)), requireHostHeader: false },
        handler,
      )
        .on('connect', refuseConnect)
        .on('checkExpectation', refuseExpectation),
    genReqId: requestId,
    requestIdHeader: false,
    frameworkErrors,
    clientErrorHandler,
    trustProxy: settings.trustProxy,
  };
  const app = Fastify(fastifyOptions);
  // JSON only: a text/plain body is refused with 415 instead of reaching the validator as a string.
  app.removeContentTypeParser('text/plain');

  const metrics = createMetrics();
  app.decorate('emolensMetrics', metrics);
  const database = countDatabaseErrors(options.database, () => metrics.databaseErrors.inc());
  const { blobs } = options;
  const keys = new ApiKeys(settings.apiKeys);

  installValidation(app);
  installRequestId(app);
  installErrorHandling(app);
  app.addHook('onRequest', requireHost);
  await installCors(app, settings.corsOrigins);
  if (settings.rateLimit !== false) await installRateLimit(app, settings.rateLimit, keys);
  installAuth(app, keys);
  installBodyEncoding(app);
  await installDocs(app);
  installMetrics(app, metrics);

  healthRoute(app, database, blobs);
  // PGlite runs one statement at a time; a PostgreSQL pool takes a few at once.
  const inserts = new InsertBatcher(database, database.kind === 'pglite' ? 1 : 4);
  insertRoute(app, { database, inserts, blobs, metrics, imageCheck: settings.imageCheck, warn: (message, error) => app.log.warn({ err: error }, message) }, keys);
  loadRoute(app, database);

  if (settings.orphanSweep !== false) scheduleOrphanSweep(app, database, blobs, metrics, settings.orphanSweep);
  return app;
}

function scheduleOrphanSweep(app: FastifyInstance, database: Database, blobs: BlobStore, metrics: ServerMetrics, sweep: { graceMs: number; intervalMs: number }): void {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = (): void => {
    if (running !== undefined) return;
    running = sweepOrphans({ database, blobs, graceMs: sweep.graceMs, onDelete: () => metrics.orphansDeleted.inc() })
      .then((result) => {
        if (result.deleted > 0) app.log.info(result, 'orphan sweep deleted images without a row');
      })
      .catch((error: unknown) => app.log.warn({ err: error }, 'orphan sweep failed'))
      .finally(() => {
        running = undefined;
      });
  };
  app.addHook('onReady', async () => {
    run();
    if (sweep.intervalMs > 0) timer = setInterval(run, sweep.intervalMs).unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}

/** The settings `options` sets (not `undefined`), so the others keep their defaults. */
function definedOnly(options: ServerOptions): Partial<ServerSettings> {
  return Object.fromEntries(
    Object.keys(DEFAULT_SETTINGS)
      .map((name) => [name, options[name as keyof ServerSettings]])
      .filter(([, value]) => value !== undefined),
  ) as Partial<ServerSettings>;
}
