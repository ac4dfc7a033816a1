/**
 * `@emolens/server`: the EmoLens collection server. The Wakee API's `POST /insert` and `GET /load` (plus `/health`,
 * `/metrics`, `/docs`) on Fastify, storing annotations in PGlite or PostgreSQL and their images as files or in an
 * S3-compatible bucket. Run it with `node dist/main.js` (environment variables: see the README), or embed it:
 *
 * @example
 * ```ts
 * import { buildServer, openStorage, resolveConfig } from '@emolens/server';
 * const config = resolveConfig(process.env);
 * const storage = await openStorage(config);
 * const app = await buildServer({ ...config, ...storage });
 * await app.listen({ port: config.port, host: config.host });
 * ```
 * @packageDocumentation
 */
export { buildServer, type ServerOptions } from './app.js';
export {
  ConfigError,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_DATA_DIR,
  DEFAULT_HOST,
  DEFAULT_LOG_LEVEL,
  DEFAULT_ORPHAN_GRACE_MS,
  DEFAULT_ORPHAN_SWEEP_INTERVAL_MS,
  DEFAULT_PORT,
  DEFAULT_RATE_LIMIT_MAX,
  DEFAULT_RATE_LIMIT_WINDOW_MS,
  DEFAULT_SETTINGS,
  openBlobStore,
  openDatabase,
  openStorage,
  resolveConfig,
  type OrphanSweepSettings,
  type RateLimitSettings,
  type S3Settings,
  type ServerConfig,
  type ServerSettings,
  type Storage,
} from './config.js';
export { ApiError } from './errors.js';
export type { InsertResponse } from './annotations/insert.js';
export type { AnnotationRow } from './annotations/repository.js';
export type { AnnotationStatistics, EmotionStatistics, StateStatistics } from './annotations/statistics.js';
export { sweepOrphans, type SweepOptions, type SweepResult } from './annotations/orphan-sweep.js';
export { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './image/inspect.js';
export type { ServerMetrics } from './metrics.js';
export { INSERT_RESPONSE_SCHEMA } from './schemas/insert.js';
export { DEFAULT_LOAD_LIMIT, MAX_LOAD_LIMIT } from './schemas/load.js';
export { assertBlobKey, type BlobStore } from './storage/blob-store.js';
export type { Database, Queryable } from './storage/database.js';
export { DataDirLockedError } from './storage/data-dir-lock.js';
export { createFileBlobStore, type FileBlobStoreOptions } from './storage/file-store.js';
export { migrate, readMigrations, MIGRATIONS_DIR, type Migration } from './storage/migrate.js';
export { createPgliteDatabase } from './storage/pglite.js';
export { createPgliteThreadDatabase } from './storage/pglite-thread.js';
export { SERVER_VERSION } from './version.js';
