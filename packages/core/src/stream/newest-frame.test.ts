import { describe, expect, it } from 'vitest';
import { FRAMES_IN_FLIGHT, NewestFrame } from './newest-frame.js';

describe('NewestFrame', () => {
  it('takes a frame when idle and leaves frames presented during a flight for the newest', () => {
    const s = new NewestFrame(1);
    expect(s.presented({ presentedFrames: 1 })).toBe(true);
    expect(s.busy).toBe(true);
    expect(s.presented({ presentedFrames: 2 })).toBe(false);
    expect(s.presented({ presentedFrames: 3 })).toBe(false);
    // Landing with newer frames presented: take the one on screen now (frames 2 was never taken).
    expect(s.landed()).toBe(true);
    expect(s.takenFrames).toBe(2);
    expect(s.skippedFrames).toBe(1);
    expect(s.landed()).toBe(false);
    expect(s.busy).toBe(false);
  });

  it.each([1, FRAMES_IN_FLIGHT])('never has more than %i frames in flight and never queues more', (depth) => {
    const s = new NewestFrame(depth);
    let inFlight = 0;
    let maxInFlight = 0;
    for (let frame = 1; frame <= 100; frame++) {
      if (s.presented({ presentedFrames: frame })) inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (frame % 3 === 0 && inFlight > 0) {
        inFlight--;
        if (s.landed()) inFlight++;
      }
    }
    expect(maxInFlight).toBe(depth);
    expect(s.takenFrames + s.skippedFrames).toBe(100);
  });

  it('by default keeps a second frame waiting while one is analysed, and skips the rest', () => {
    const s = new NewestFrame();
    expect(s.presented({ presentedFrames: 1 })).toBe(true);
    expect(s.presented({ presentedFrames: 2 })).toBe(true);
    expect(s.presented({ presentedFrames: 3 })).toBe(false);
    expect(s.landed()).toBe(true);
    expect(s.landed()).toBe(false);
    expect(s.landed()).toBe(false);
    expect(s.busy).toBe(false);
    expect(s.takenFrames).toBe(3);
  });
});
