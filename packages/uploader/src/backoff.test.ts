import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, type BackoffPolicy } from './backoff.js';

const policy: BackoffPolicy = { baseMs: 1000, maxMs: 60_000, factor: 2 };

describe('backoffCeiling', () => {
  it('grows by the factor from the base, and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffCeiling(n, policy))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });

  it('treats attempts below 1 as the first, and never overflows past the cap', () => {
    expect(backoffCeiling(0, policy)).toBe(1000);
    expect(backoffCeiling(-3, policy)).toBe(1000);
    expect(backoffCeiling(10_000, policy)).toBe(60_000);
    expect(backoffCeiling(Number.POSITIVE_INFINITY, policy)).toBe(60_000);
  });

  it('with factor 1 is a constant', () => {
    expect([1, 5, 50].map((n) => backoffCeiling(n, { baseMs: 250, maxMs: 1000, factor: 1 }))).toEqual([250, 250, 250]);
  });
});

describe('backoffDelay (full jitter)', () => {
  it('spans [0, ceiling] with the random value', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(2000);
    expect(backoffDelay(3, policy, () => 0.999999)).toBe(4000);
    expect(backoffDelay(20, policy, () => 0.999999)).toBe(60_000);
  });

  it('is an integer within bounds for any attempt, and actually varies', () => {
    for (let attempt = 1; attempt <= 30; attempt++) {
      const delays = Array.from({ length: 200 }, () => backoffDelay(attempt, policy));
      for (const d of delays) {
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(backoffCeiling(attempt, policy));
      }
      expect(new Set(delays).size).toBeGreaterThan(50);
    }
  });

  it('averages half the ceiling', () => {
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += backoffDelay(4, policy);
    expect(sum / n).toBeGreaterThan(3800);
    expect(sum / n).toBeLessThan(4200);
  });
});
