/**
 * Rate limits with @fastify/rate-limit: per API key when the request presents a valid one, else per client IP
 * (see `trustProxy` behind a proxy). Its store is in this process's memory: several instances behind a load
 * balancer each count alone unless given a shared store (the README shows the Redis option).
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { RateLimitSettings } from '../config.js';
import { ApiError } from '../errors.js';
import type { ApiKeys } from './auth.js';

/** Registers the limiter on every route whose config does not say `rateLimit: false`. */
export async function installRateLimit(app: FastifyInstance, settings: RateLimitSettings, keys: ApiKeys): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: settings.max,
    timeWindow: settings.windowMs,
    keyGenerator: (request) => {
      const id = keys.enabled ? keys.identify(request) : null;
      return id === null ? `ip:${request.ip}` : `key:${id}`;
    },
    errorResponseBuilder: (_request, context) =>
      new ApiError('RATE_LIMITED', `Rate limit exceeded, retry in ${context.after}`, {
        limit: context.max,
        retry_after_s: Math.ceil(context.ttl / 1000),
        suggestion: 'Wait for the number of seconds in Retry-After, then retry.',
      }),
  });
}
