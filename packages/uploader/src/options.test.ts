import { describe, expect, it } from 'vitest';
import {
  DEFAULT_JPEG_QUALITY,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_MAX_SIDE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RETRY_BASE_MS,
  DEFAULT_RETRY_FACTOR,
  DEFAULT_RETRY_MAX_MS,
  resolveOptions,
  type UploaderOptions,
} from './options.js';
import { fieldOf } from './testing/field-of.js';

const base: UploaderOptions = { endpoint: 'https://api.example.com/insert', consent: true };

describe('resolveOptions', () => {
  it('fills in every default', () => {
    const { fetch, ...rest } = resolveOptions(base);
    expect(typeof fetch).toBe('function');
    expect(rest).toEqual({
      endpoint: 'https://api.example.com/insert',
      apiKey: undefined,
      consent: true,
      name: 'https://api.example.com/insert',
      maxSide: 640,
      jpegQuality: 0.85,
      maxQueueBytes: 50 * 1024 * 1024,
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
      retryFactor: 2,
      maxAttempts: Number.POSITIVE_INFINITY,
      maxRetryAfterMs: 3_600_000,
      requestTimeoutMs: 30_000,
    });
    expect([DEFAULT_MAX_SIDE, DEFAULT_JPEG_QUALITY, DEFAULT_MAX_QUEUE_BYTES, DEFAULT_RETRY_BASE_MS, DEFAULT_RETRY_MAX_MS]).toEqual([
      rest.maxSide,
      rest.jpegQuality,
      rest.maxQueueBytes,
      rest.retryBaseMs,
      rest.retryMaxMs,
    ]);
    expect([DEFAULT_RETRY_FACTOR, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_RETRY_AFTER_MS, DEFAULT_REQUEST_TIMEOUT_MS]).toEqual([
      rest.retryFactor,
      rest.maxAttempts,
      rest.maxRetryAfterMs,
      rest.requestTimeoutMs,
    ]);
  });

  // Per option: the default is used when absent, a given value is kept.
  it.each([
    ['apiKey', 'k-123'],
    ['name', 'annotations'],
    ['maxSide', 320],
    ['jpegQuality', 1],
    ['maxQueueBytes', 1024],
    ['retryBaseMs', 0],
    ['retryMaxMs', 5000],
    ['retryFactor', 1],
    ['maxAttempts', 3],
    ['maxRetryAfterMs', 0],
    ['requestTimeoutMs', 100],
  ] as const)('keeps %s = %o', (key, value) => {
    expect(resolveOptions({ ...base, [key]: value })[key]).toBe(value);
  });

  it('keeps consent false, a given fetch, and the endpoint as the default name', () => {
    const fetch = (() => Promise.resolve(new Response())) as typeof globalThis.fetch;
    const resolved = resolveOptions({ ...base, consent: false, fetch });
    expect(resolved.consent).toBe(false);
    expect(resolved.fetch).toBe(fetch);
    expect(resolveOptions({ ...base, endpoint: 'http://127.0.0.1:8080/insert' }).name).toBe('http://127.0.0.1:8080/insert');
  });

  it.each([
    [{ endpoint: '' }, 'endpoint'],
    [{ endpoint: 'not a url' }, 'endpoint'],
    [{ endpoint: 'ftp://x/insert' }, 'endpoint'],
    [{ endpoint: 42 }, 'endpoint'],
    [{ consent: undefined }, 'consent'],
    [{ consent: 'yes' }, 'consent'],
    [{ apiKey: '' }, 'apiKey'],
    [{ name: '' }, 'name'],
    [{ maxSide: 0 }, 'maxSide'],
    [{ maxSide: 10.5 }, 'maxSide'],
    [{ maxSide: 4097 }, 'maxSide'],
    [{ maxSide: Number.POSITIVE_INFINITY }, 'maxSide'],
    [{ jpegQuality: 0 }, 'jpegQuality'],
    [{ jpegQuality: 1.1 }, 'jpegQuality'],
    [{ jpegQuality: Number.NaN }, 'jpegQuality'],
    [{ maxQueueBytes: 0 }, 'maxQueueBytes'],
    [{ retryBaseMs: -1 }, 'retryBaseMs'],
    [{ retryBaseMs: 2000, retryMaxMs: 1000 }, 'retryMaxMs'],
    [{ retryFactor: 0.5 }, 'retryFactor'],
    [{ maxAttempts: 0 }, 'maxAttempts'],
    [{ maxAttempts: 2.5 }, 'maxAttempts'],
    [{ maxRetryAfterMs: -5 }, 'maxRetryAfterMs'],
    [{ requestTimeoutMs: 0 }, 'requestTimeoutMs'],
    [{ requestTimeoutMs: '30' }, 'requestTimeoutMs'],
  ])('refuses %o with INVALID_REQUEST naming %s', (patch, field) => {
    expect(fieldOf(() => resolveOptions({ ...base, ...(patch as object) } as UploaderOptions))).toBe(field);
  });

  it('takes an unlimited maxAttempts', () => {
    expect(resolveOptions({ ...base, maxAttempts: Number.POSITIVE_INFINITY }).maxAttempts).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses a missing options object', () => {
    expect(fieldOf(() => resolveOptions(undefined as unknown as UploaderOptions))).toBe('options');
  });

  it('refuses a misspelt option, naming the one meant, rather than leaving it at its default', () => {
    expect(() => resolveOptions({ ...base, maxQueueByte: 10 } as UploaderOptions)).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ kind: 'unknown_option', field: 'maxQueueByte', suggestion: 'Did you mean "maxQueueBytes"?' }) }),
    );
  });
  it('refuses an option whose getter throws with INVALID_REQUEST naming it, not the raw error', () => {
    for (const thrown of [new TypeError('no'), 42]) {
      const options = Object.defineProperty({ ...base }, 'maxSide', { enumerable: true, get: () => { throw thrown; } }) as UploaderOptions;
      expect(() => resolveOptions(options)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ field: 'maxSide' }) }));
    }
  });
});
