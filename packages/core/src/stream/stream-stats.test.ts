import { describe, expect, it } from 'vitest';
import { STATS_WINDOW_MS, StreamStatsWindow } from './stream-stats.js';

describe('StreamStatsWindow', () => {
  it('measures the rate and latency percentiles over the window', () => {
    const w = new StreamStatsWindow();
    for (let i = 0; i <= 60; i++) w.add(i * (1000 / 30), i === 60 ? 100 : 10 + (i % 10));
    const stats = w.read(60 * (1000 / 30), 7);
    expect(stats.resultsPerSecond).toBeCloseTo(30, 0);
    expect(stats.latencyP50Ms).toBeGreaterThanOrEqual(10);
    expect(stats.latencyP50Ms).toBeLessThanOrEqual(19);
    expect(stats.results).toBe(61);
    expect(stats.skippedFrames).toBe(7);
  });

  it('forgets results older than the window, and reads 0 when idle', () => {
    const w = new StreamStatsWindow();
    expect(w.read(0, 0)).toMatchObject({ resultsPerSecond: 0, latencyP50Ms: 0, results: 0 });
    w.add(0, 500);
    w.add(100, 500);
    const later = w.read(STATS_WINDOW_MS + 200, 0);
    expect(later.latencyP95Ms).toBe(0);
    expect(later.resultsPerSecond).toBe(0);
    expect(later.results).toBe(2);
  });
});
