import { describe, expect, it } from 'vitest';
import { BLINK_MAX_MS, FaceHistory, HISTORY_MS, type HistorySample } from './face-history.js';

const sample = (t: number, over: Partial<HistorySample> = {}): HistorySample => ({ t, closed: false, away: false, yaw: 0, pitch: 0, mouthOpen: false, ...over });

/** `seconds` of 30 fps frames from `start`, each made by `at(t)`. */
function feed(history: FaceHistory, start: number, seconds: number, at: (t: number) => Partial<HistorySample> = () => ({})): number {
  let t = start;
  for (; t < start + seconds * 1000; t += 1000 / 30) history.add(sample(t, at(t)));
  return t;
}

describe('a face\'s history', () => {
  it('counts blinks per minute once 10 s are seen, not long closures', () => {
    const h = new FaceHistory();
    // A 150 ms blink every 3 s, and one 2 s closure.
    feed(h, 0, 30, (t) => ({ closed: t % 3000 < 150 || (t > 20_000 && t < 22_000) }));
    const rate = h.blinkRate()!;
    // 10 blinks start in 30 s; the one inside the long closure merges with it.
    expect(rate).toBeGreaterThan(17);
    expect(rate).toBeLessThan(20);
    const short = new FaceHistory();
    feed(short, 0, 5, (t) => ({ closed: t % 3000 < 150 }));
    expect(short.blinkRate()).toBeUndefined();
  });

  it('keeps the last minute only', () => {
    const h = new FaceHistory();
    feed(h, 0, 90, (t) => ({ closed: t < 30_000 && t % 2000 < 100 }));
    // The blinks of the first 30 s have left the window.
    expect(h.blinkRate()).toBe(0);
    const w = h.window(HISTORY_MS * 2);
    expect(w.spanMs).toBeLessThanOrEqual(HISTORY_MS);
  });

  it('summarises a window: closed and away shares, longest closure, head speed, yawns', () => {
    const h = new FaceHistory();
    feed(h, 0, 10, (t) => ({ closed: t >= 8000, away: t < 5000, yaw: (t / 1000) * 10, mouthOpen: t > 1000 && t < 3000 }));
    const w = h.window(10_000);
    expect(w.closedShare).toBeCloseTo(0.2, 1);
    expect(w.awayShare).toBeCloseTo(0.5, 1);
    expect(w.longestClosureMs).toBeGreaterThan(1900);
    expect(w.headSpeed).toBeCloseTo(10, 0);
    expect(w.yawns).toBe(1);
    expect(BLINK_MAX_MS).toBeLessThan(w.longestClosureMs);
  });

  it('ignores a sample from the past, and summarises nothing as nothing', () => {
    const h = new FaceHistory();
    expect(h.window(10_000)).toEqual({ spanMs: 0, closedShare: 0, longestClosureMs: 0, awayShare: 0, headSpeed: 0, yawns: 0 });
    h.add(sample(1000));
    h.add(sample(500, { closed: true }));
    expect(h.window(10_000).closedShare).toBe(0);
  });
});
