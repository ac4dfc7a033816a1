import { describe, expect, it } from 'vitest';
import { classifyResponse } from './classify-response.js';

const NOW = Date.parse('2025-08-06T10:30:00Z');

describe('classifyResponse', () => {
  it.each([
    [200, { action: 'sent' }],
    [201, { action: 'sent' }],
    [204, { action: 'sent' }],
    [299, { action: 'sent' }],
    [408, { action: 'retry' }],
    [425, { action: 'retry' }],
    [429, { action: 'retry' }],
    [500, { action: 'retry' }],
    [502, { action: 'retry' }],
    [503, { action: 'retry' }],
    [504, { action: 'retry' }],
    [507, { action: 'retry' }],
    [599, { action: 'retry' }],
    [409, { action: 'dead', reason: 'conflict' }],
    [400, { action: 'dead', reason: 'rejected' }],
    [401, { action: 'dead', reason: 'rejected' }],
    [403, { action: 'dead', reason: 'rejected' }],
    [404, { action: 'dead', reason: 'rejected' }],
    [405, { action: 'dead', reason: 'rejected' }],
    [413, { action: 'dead', reason: 'rejected' }],
    [415, { action: 'dead', reason: 'rejected' }],
    [422, { action: 'dead', reason: 'rejected' }],
    [499, { action: 'dead', reason: 'rejected' }],
    [501, { action: 'dead', reason: 'rejected' }],
    [505, { action: 'dead', reason: 'rejected' }],
    [100, { action: 'dead', reason: 'unexpected_status' }],
    [301, { action: 'dead', reason: 'unexpected_status' }],
    [304, { action: 'dead', reason: 'unexpected_status' }],
    [0, { action: 'dead', reason: 'unexpected_status' }],
    [600, { action: 'dead', reason: 'unexpected_status' }],
  ])('%i → %o (no Retry-After)', (status, verdict) => {
    expect(classifyResponse(status, null, NOW)).toEqual(verdict);
  });

  it('honours Retry-After on 429 and 503, in seconds or as a date', () => {
    expect(classifyResponse(429, '3', NOW)).toEqual({ action: 'retry', retryAfterMs: 3000 });
    expect(classifyResponse(503, 'Wed, 06 Aug 2025 10:30:10 GMT', NOW)).toEqual({ action: 'retry', retryAfterMs: 10_000 });
    expect(classifyResponse(429, 'garbage', NOW)).toEqual({ action: 'retry' });
  });

  it('ignores Retry-After on other statuses', () => {
    expect(classifyResponse(500, '3', NOW)).toEqual({ action: 'retry' });
    expect(classifyResponse(408, '3', NOW)).toEqual({ action: 'retry' });
    expect(classifyResponse(400, '3', NOW)).toEqual({ action: 'dead', reason: 'rejected' });
    expect(classifyResponse(201, '3', NOW)).toEqual({ action: 'sent' });
  });
});
