import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_ORPHAN_GRACE_MS,
  DEFAULT_ORPHAN_SWEEP_INTERVAL_MS,
  DEFAULT_RATE_LIMIT_MAX,
  DEFAULT_RATE_LIMIT_WINDOW_MS,
  resolveConfig,
} from './config.js';

describe('resolveConfig', () => {
  it('uses the defaults for an empty environment', () => {
    expect(resolveConfig({})).toEqual({
      port: 8787,
      host: '127.0.0.1',
      dataDir: resolve('./emolens-data'),
      databaseUrl: undefined,
      s3: undefined,
      apiKeys: [],
      corsOrigins: [],
      rateLimit: { max: DEFAULT_RATE_LIMIT_MAX, windowMs: DEFAULT_RATE_LIMIT_WINDOW_MS },
      bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      orphanSweep: { graceMs: DEFAULT_ORPHAN_GRACE_MS, intervalMs: DEFAULT_ORPHAN_SWEEP_INTERVAL_MS },
      trustProxy: false,
      imageCheck: 'structure',
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = resolveConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/emolens',
      DATABASE_URL: 'postgres://u:p@db:5432/emolens',
      S3_ENDPOINT: 'https://acc.r2.cloudflarestorage.com',
      S3_BUCKET: 'images',
      S3_REGION: 'auto',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
      API_KEYS: ' key-one-0123456789abc , key-two-0123456789abc ,',
      CORS_ORIGINS: 'http://localhost:5173,https://app.example.com',
      RATE_LIMIT_MAX: '100',
      RATE_LIMIT_WINDOW_MS: '1000',
      BODY_LIMIT_BYTES: '2048',
      REQUEST_TIMEOUT_MS: '5000',
      ORPHAN_GRACE_MS: '60000',
      ORPHAN_SWEEP_INTERVAL_MS: '0',
      TRUST_PROXY: '10.0.0.0/8,loopback',
      IMAGE_CHECK: 'decode',
      LOG_LEVEL: 'warn',
    });
    expect(config).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/var/lib/emolens',
      databaseUrl: 'postgres://u:p@db:5432/emolens',
      s3: { endpoint: 'https://acc.r2.cloudflarestorage.com', bucket: 'images', region: 'auto', accessKeyId: 'id', secretAccessKey: 'secret', forcePathStyle: true },
      apiKeys: ['key-one-0123456789abc', 'key-two-0123456789abc'],
      corsOrigins: ['http://localhost:5173', 'https://app.example.com'],
      rateLimit: { max: 100, windowMs: 1000 },
      bodyLimitBytes: 2048,
      requestTimeoutMs: 5000,
      orphanSweep: { graceMs: 60000, intervalMs: 0 },
      trustProxy: '10.0.0.0/8,loopback',
      imageCheck: 'decode',
      logLevel: 'warn',
    });
  });

  it('turns the rate limit and the sweep off with 0', () => {
    expect(resolveConfig({ RATE_LIMIT_MAX: '0', ORPHAN_GRACE_MS: '0' })).toMatchObject({ rateLimit: false, orphanSweep: false });
    expect(resolveConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      resolveConfig({
        PORT: '70000',
        RATE_LIMIT_MAX: '-1',
        BODY_LIMIT_BYTES: '12MB',
        CORS_ORIGINS: 'localhost:5173',
        API_KEYS: 'short',
        LOG_LEVEL: 'loud',
        IMAGE_CHECK: 'full',
        DATABASE_URL: 'mysql://x',
        S3_BUCKET: 'b',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as Error).message.split('\n').slice(1);
    expect(lines.map((l) => l.trim().split(' ')[0])).toEqual([
      'CORS_ORIGINS',
      'API_KEYS',
      'RATE_LIMIT_MAX',
      'LOG_LEVEL',
      'IMAGE_CHECK',
      'DATABASE_URL',
      'S3_ENDPOINT',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
      'PORT',
      'BODY_LIMIT_BYTES',
    ]);
    // A rejected key is never echoed.
    expect((error as Error).message).not.toContain('short');
  });
});
