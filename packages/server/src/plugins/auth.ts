/**
 * Optional API keys (`X-API-Key`). Only sha256 hashes of the configured keys are kept; a presented key is hashed
 * and compared with every one of them in constant time, so neither timing nor memory reveals a key. Routes are
 * protected unless their config says `public: true` (`/health`, `/metrics`) or they are the docs.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ApiError } from '../errors.js';

/** Header of the API key. */
export const API_KEY_HEADER = 'x-api-key';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without an API key. */
    public?: boolean;
  }
}

/** The configured API keys, as hashes. */
export class ApiKeys {
  readonly #hashes: Buffer[];

  constructor(keys: readonly string[]) {
    this.#hashes = keys.map(sha256);
  }

  /** Whether keys are required at all. */
  get enabled(): boolean {
    return this.#hashes.length > 0;
  }

  /**
   * A short, non-secret id of the key `request` presents (the first 16 hex digits of its sha256), or `null` when it
   * presents none or a wrong one. The id scopes rate limits and idempotency keys per client.
   */
  identify(request: FastifyRequest): string | null {
    const presented = request.headers[API_KEY_HEADER];
    if (typeof presented !== 'string' || presented === '') return null;
    const hash = sha256(presented);
    let match = false;
    for (const known of this.#hashes) match = timingSafeEqual(known, hash) || match; // no early exit
    return match ? hash.toString('hex', 0, 8) : null;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Adds the key check to every route registered after this call that is not public. It runs as a route-level
 * `onRequest` hook after the rate limiter's, so guessing keys is rate-limited too, and before the body is read.
 */
export function installAuth(app: FastifyInstance, keys: ApiKeys): void {
  if (!keys.enabled) return;
  const check: onRequestAsyncHookHandler = async (request) => {
    if (keys.identify(request) === null) {
      throw new ApiError('UNAUTHORIZED', 'A valid X-API-Key header is required', {
        field: 'X-API-Key',
        suggestion: 'Send the key you were given in the X-API-Key header.',
      });
    }
  };
  app.addHook('onRoute', (route) => {
    // CORS preflights carry no custom header by design.
    if (route.config?.public === true || route.url.startsWith('/docs') || route.method === 'OPTIONS') return;
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...existing, check];
  });
}
