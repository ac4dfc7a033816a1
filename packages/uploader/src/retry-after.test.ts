import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.js';

const NOW = Date.parse('2025-08-06T10:30:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('1', NOW)).toBe(1000);
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
    expect(parseRetryAfter('007', NOW)).toBe(7000);
  });

  it('caps absurd numbers at a year', () => {
    expect(parseRetryAfter('99999999999999999999', NOW)).toBe(365 * 24 * 3600 * 1000);
  });

  it('reads HTTP dates (IMF-fixdate, RFC 850, asctime) as the time until them', () => {
    expect(parseRetryAfter('Wed, 06 Aug 2025 10:30:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Wednesday, 06-Aug-25 10:31:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Wed Aug  6 10:32:00 2025', NOW) ?? 0).toBeGreaterThanOrEqual(0);
  });

  it('gives 0 for a date in the past', () => {
    expect(parseRetryAfter('Wed, 06 Aug 2025 10:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:00 GMT', NOW)).toBe(0);
  });

  it('gives undefined for missing or malformed values', () => {
    for (const bad of [undefined, null, '', '   ', '-1', '1.5', '+3', '1e3', 'soon', 'NaN', 'Infinity', 'Wed, 99 Foo 2025 10:00:00 GMT', '12 34']) {
      expect(parseRetryAfter(bad, NOW), String(bad)).toBeUndefined();
    }
  });
});
