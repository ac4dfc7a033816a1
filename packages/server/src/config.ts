/**
 * Every setting of the server, declared once: its environment variable, its default and its check
 * ({@link resolveConfig}), and the one factory that picks the storage implementations from them
 * ({@link openStorage}). `buildServer` takes the same {@link ServerSettings}, so tests and embedders set them in code.
 */
import { join, resolve } from 'node:path';
import type { BlobStore } from './storage/blob-store.js';
import type { Database } from './storage/database.js';
import type { S3BlobStoreOptions } from './storage/s3-store.js';

/** Port the server listens on. */
export const DEFAULT_PORT = 8787;
/** Interface the server binds: loopback only, until `HOST=0.0.0.0` says otherwise. */
export const DEFAULT_HOST = '127.0.0.1';
/** Where the embedded database (`db/`) and the image files (`images/`) live. */
export const DEFAULT_DATA_DIR = './emolens-data';
/** Largest request body: a 9 MiB image is 12 MiB of base64. */
export const DEFAULT_BODY_LIMIT_BYTES = 12 * 1024 * 1024;
/**
 * Longest time a client may take to send a whole request (headers and body): a client that trickles a body (a
 * "slowloris") is answered 408 and its connection closed, instead of holding it. A 12 MiB body at 4 Mbit/s is 25 s.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Requests per window per client (API key, or IP address without one). */
export const DEFAULT_RATE_LIMIT_MAX = 600;
/** Length of the rate-limit window. */
export const DEFAULT_RATE_LIMIT_WINDOW_MS = 60_000;
/** An image older than this with no row is an orphan (a crash between its write and its row's commit). */
export const DEFAULT_ORPHAN_GRACE_MS = 15 * 60_000;
/** How often the orphan sweep runs (it also runs once at startup). */
export const DEFAULT_ORPHAN_SWEEP_INTERVAL_MS = 60 * 60_000;
/**
 * How far an uploaded JPEG is checked: `structure` walks its markers and scan data (about 0.05 ms for 50 KB),
 * `decode` also decodes it (about 3 ms more). PNG and WebP are always decoded.
 */
export const DEFAULT_IMAGE_CHECK = 'structure';
/** Default log level (pino's levels). */
export const DEFAULT_LOG_LEVEL = 'info';

/** How often the orphan sweep runs and what it deletes. */
export interface OrphanSweepSettings {
  /** Minimum age of an image without a row before it is deleted. Defaults to {@link DEFAULT_ORPHAN_GRACE_MS}. */
  graceMs: number;
  /** Period of the sweep; `0` runs it only at startup. Defaults to {@link DEFAULT_ORPHAN_SWEEP_INTERVAL_MS}. */
  intervalMs: number;
}

/** Rate limit per client. */
export interface RateLimitSettings {
  /** Requests allowed per window. Defaults to {@link DEFAULT_RATE_LIMIT_MAX}. */
  max: number;
  /** Window length in milliseconds. Defaults to {@link DEFAULT_RATE_LIMIT_WINDOW_MS}. */
  windowMs: number;
}

/** See {@link DEFAULT_IMAGE_CHECK}. */
export type ImageCheck = 'structure' | 'decode';

/** The settings of the HTTP application itself, whatever storage it runs on. */
export interface ServerSettings {
  /** API keys accepted in `X-API-Key`; empty: no authentication. Defaults to none (`API_KEYS`). */
  apiKeys: readonly string[];
  /** Origins allowed by CORS (exact `scheme://host[:port]`); empty: no cross-origin access. Defaults to none (`CORS_ORIGINS`). */
  corsOrigins: readonly string[];
  /** Rate limit per API key / IP, or `false` for none. Defaults to 600 per minute (`RATE_LIMIT_MAX`, `RATE_LIMIT_WINDOW_MS`). */
  rateLimit: RateLimitSettings | false;
  /** Largest accepted request body in bytes. Defaults to {@link DEFAULT_BODY_LIMIT_BYTES} (`BODY_LIMIT_BYTES`). */
  bodyLimitBytes: number;
  /** Longest time to receive a whole request, in ms. Defaults to {@link DEFAULT_REQUEST_TIMEOUT_MS} (`REQUEST_TIMEOUT_MS`). */
  requestTimeoutMs: number;
  /** Orphan sweep, or `false` for none. Defaults to a 15-minute grace, hourly (`ORPHAN_GRACE_MS`, `ORPHAN_SWEEP_INTERVAL_MS`). */
  orphanSweep: OrphanSweepSettings | false;
  /**
   * Which proxies' `X-Forwarded-For` to believe when finding the client's IP for the per-IP limit: `true` (any),
   * or a comma-separated list of addresses, CIDRs or proxy-addr names (`loopback`, `uniquelocal`). Defaults to
   * `false`: the socket's address (`TRUST_PROXY`).
   */
  trustProxy: boolean | string;
  /**
   * How far a JPEG is checked before it is stored: `'structure'` proves the file whole by walking its markers and
   * entropy-coded data; `'decode'` also decodes it, refusing corrupt scan data too, at about half the insert
   * throughput. Defaults to {@link DEFAULT_IMAGE_CHECK} (`IMAGE_CHECK`).
   */
  imageCheck: ImageCheck;
  /** Log level, or `'silent'`. Defaults to {@link DEFAULT_LOG_LEVEL} (`LOG_LEVEL`). */
  logLevel: string;
}

/** S3-compatible object store settings (`S3_*`): the store's own options, without its tuning knobs. */
export type S3Settings = Omit<S3BlobStoreOptions, 'pingTimeoutMs' | 'listPageSize'>;

/** Everything `main.ts` reads from the environment. */
export interface ServerConfig extends ServerSettings {
  /** Port to listen on. Defaults to {@link DEFAULT_PORT} (`PORT`). */
  port: number;
  /** Interface to bind. Defaults to {@link DEFAULT_HOST} (`HOST`). */
  host: string;
  /** Data directory of the embedded storage, absolute. Defaults to {@link DEFAULT_DATA_DIR} (`DATA_DIR`). */
  dataDir: string;
  /** PostgreSQL connection string; when set, PostgreSQL replaces PGlite (`DATABASE_URL`). */
  databaseUrl: string | undefined;
  /** S3 settings; when set, the bucket replaces the image files (`S3_BUCKET` and the other `S3_*`). */
  s3: S3Settings | undefined;
}

/** Default of every {@link ServerSettings}. */
export const DEFAULT_SETTINGS: Readonly<ServerSettings> = {
  apiKeys: [],
  corsOrigins: [],
  rateLimit: { max: DEFAULT_RATE_LIMIT_MAX, windowMs: DEFAULT_RATE_LIMIT_WINDOW_MS },
  bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  orphanSweep: { graceMs: DEFAULT_ORPHAN_GRACE_MS, intervalMs: DEFAULT_ORPHAN_SWEEP_INTERVAL_MS },
  trustProxy: false,
  imageCheck: DEFAULT_IMAGE_CHECK,
  logLevel: DEFAULT_LOG_LEVEL,
};

/** Thrown by {@link resolveConfig} with every problem it found, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads the settings from environment variables (see the README's table), checks them all and throws one
 * {@link ConfigError} listing every bad one. `RATE_LIMIT_MAX=0` turns the rate limit off, `ORPHAN_GRACE_MS=0` the sweep.
 */
export function resolveConfig(env: Readonly<Record<string, string | undefined>> = process.env): ServerConfig {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const integer = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`);
      return fallback;
    }
    return parsed;
  };
  const list = (name: string): string[] => (value(name) ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');

  const corsOrigins = list('CORS_ORIGINS');
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) problems.push(`CORS_ORIGINS entries must be origins like http://localhost:5173, not ${JSON.stringify(origin)}`);
  }
  const apiKeys = list('API_KEYS');
  for (const key of apiKeys) if (key.length < 16) problems.push('API_KEYS entries must be at least 16 characters long');

  const rateMax = integer('RATE_LIMIT_MAX', DEFAULT_RATE_LIMIT_MAX, 0);
  const rateWindow = integer('RATE_LIMIT_WINDOW_MS', DEFAULT_RATE_LIMIT_WINDOW_MS, 1);
  const graceMs = integer('ORPHAN_GRACE_MS', DEFAULT_ORPHAN_GRACE_MS, 0);
  const intervalMs = integer('ORPHAN_SWEEP_INTERVAL_MS', DEFAULT_ORPHAN_SWEEP_INTERVAL_MS, 0, 2 ** 31 - 1);
  const logLevel = value('LOG_LEVEL') ?? DEFAULT_LOG_LEVEL;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(logLevel)}`);

  const imageCheck = value('IMAGE_CHECK') ?? DEFAULT_IMAGE_CHECK;
  if (imageCheck !== 'structure' && imageCheck !== 'decode') problems.push(`IMAGE_CHECK must be structure or decode, not ${JSON.stringify(imageCheck)}`);

  const trustRaw = value('TRUST_PROXY');
  const trustProxy = trustRaw === undefined || trustRaw === 'false' ? false : trustRaw === 'true' ? true : trustRaw;

  const databaseUrl = value('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must start with postgres:// or postgresql://');

  let s3: S3Settings | undefined;
  const bucket = value('S3_BUCKET');
  if (bucket !== undefined) {
    const endpoint = value('S3_ENDPOINT');
    const accessKeyId = value('S3_ACCESS_KEY_ID');
    const secretAccessKey = value('S3_SECRET_ACCESS_KEY');
    if (endpoint === undefined) problems.push('S3_ENDPOINT is required with S3_BUCKET');
    if (accessKeyId === undefined) problems.push('S3_ACCESS_KEY_ID is required with S3_BUCKET');
    if (secretAccessKey === undefined) problems.push('S3_SECRET_ACCESS_KEY is required with S3_BUCKET');
    const forcePathStyle = value('S3_FORCE_PATH_STYLE') ?? 'false';
    if (forcePathStyle !== 'true' && forcePathStyle !== 'false') problems.push('S3_FORCE_PATH_STYLE must be true or false');
    s3 = {
      endpoint: endpoint ?? '',
      bucket,
      region: value('S3_REGION') ?? 'auto',
      accessKeyId: accessKeyId ?? '',
      secretAccessKey: secretAccessKey ?? '',
      forcePathStyle: forcePathStyle === 'true',
    };
  } else if (value('S3_ENDPOINT') !== undefined) {
    problems.push('S3_ENDPOINT is set but S3_BUCKET is not');
  }

  const config: ServerConfig = {
    port: integer('PORT', DEFAULT_PORT, 0, 65535),
    host: value('HOST') ?? DEFAULT_HOST,
    dataDir: resolve(value('DATA_DIR') ?? DEFAULT_DATA_DIR),
    databaseUrl,
    s3,
    apiKeys,
    corsOrigins,
    rateLimit: rateMax === 0 ? false : { max: rateMax, windowMs: rateWindow },
    bodyLimitBytes: integer('BODY_LIMIT_BYTES', DEFAULT_BODY_LIMIT_BYTES, 1024, 1024 * 1024 * 1024),
    requestTimeoutMs: integer('REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, 1000, 3_600_000),
    orphanSweep: graceMs === 0 ? false : { graceMs, intervalMs },
    trustProxy,
    imageCheck: imageCheck as ImageCheck,
    logLevel,
  };
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

/** The database and blob store a server runs on. */
export interface Storage {
  database: Database;
  blobs: BlobStore;
}

/**
 * Opens the storage `config` selects: PostgreSQL when `databaseUrl` is set, else PGlite in `dataDir/db`; the S3
 * bucket when `s3` is set, else files in `dataDir/images`. The PostgreSQL and S3 modules (and their clients) are
 * loaded only when selected.
 */
export async function openStorage(config: Pick<ServerConfig, 'dataDir' | 'databaseUrl' | 's3'>, onLost?: (error: Error) => void): Promise<Storage> {
  const database = await openDatabase(config, onLost);
  try {
    return { database, blobs: await openBlobStore(config) };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** The database {@link openStorage} would open. */
export async function openDatabase(config: Pick<ServerConfig, 'dataDir' | 'databaseUrl'>, onLost?: (error: Error) => void): Promise<Database> {
  if (config.databaseUrl !== undefined) {
    const { createPostgresDatabase } = await import('./storage/postgres.js');
    return createPostgresDatabase(config.databaseUrl);
  }
  // In a worker thread: PGlite's statements and synchronous file I/O would otherwise stop request handling.
  const { createPgliteThreadDatabase } = await import('./storage/pglite-thread.js');
  return createPgliteThreadDatabase(join(config.dataDir, 'db'), onLost);
}

/** The blob store {@link openStorage} would open. */
export async function openBlobStore(config: Pick<ServerConfig, 'dataDir' | 's3'>): Promise<BlobStore> {
  if (config.s3 !== undefined) {
    const { createS3BlobStore } = await import('./storage/s3-store.js');
    return createS3BlobStore(config.s3);
  }
  const { createFileBlobStore } = await import('./storage/file-store.js');
  return createFileBlobStore(join(config.dataDir, 'images'));
}
