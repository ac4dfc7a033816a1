import { describe, expect, it } from 'vitest';
import { checkWindow, frameIndexOf, frameTable, isSelected, keyFrameAfter, selectedBetween, selectedSpan, selectFrames, windowDurationMs, type FrameWindow } from './frame-table.js';

/** A 30 fps track of `n` frames as WebM stores it: timestamps in whole ms. */
const webm30 = (n: number, offset = 0) => frameTable(Array.from({ length: n }, (_, i) => offset + Math.round((i * 1000) / 30) / 1000), offset + Math.round((n * 1000) / 30) / 1000);
const delivered = (n: number, window: FrameWindow) => {
  const table = webm30(n);
  const selection = selectFrames(table, window);
  return Array.from({ length: n }, (_, i) => i).filter((i) => isSelected(selection, i));
};

describe('frameTable', () => {
  it('sorts B-frame decode order into presentation order and measures from the first frame', () => {
    const table = frameTable([0.1, 0.3, 0.2, 0.5, 0.4], 0.6);
    expect(Array.from(table.ms)).toEqual([0, 200, 100, 400, 300].sort((a, b) => a - b));
    expect(table.durationMs).toBe(500);
  });

  it('rounds each timestamp to the µs, so a time base in seconds reads as whole ms', () => {
    const table = webm30(90);
    expect(table.ms[1]).toBe(33);
    expect(table.ms[2]).toBe(67);
    expect(table.ms[89]).toBe(2967);
    expect(table.durationMs).toBe(3000);
  });

  it("takes the container's duration where it ends within two frames of the last one (a WebM's last frame has no duration)", () => {
    const starts = Array.from({ length: 90 }, (_, i) => Math.round((i * 1000) / 30) / 1000);
    expect(frameTable(starts, 2.967, 3).durationMs).toBe(3000);
    // None: the last frame lasts the mean interval.
    expect(frameTable(starts, 2.967, null).durationMs).toBeCloseTo(3000.337, 3);
    // A file cut short keeps the duration of the whole: the frames there are say otherwise.
    expect(frameTable(starts.slice(0, 30), 0.933 + 0.034, 3).durationMs).toBeCloseTo(1000.345, 3);
  });

  it("leaves out an edit list's pre-roll (frames before 0), and starts the video at 0", () => {
    // A cut at 0.1 s of a 10 fps file: the key frame at -0.3 s and the frames up to the cut are decoded, never shown.
    const table = frameTable([-0.3, -0.2, -0.1, 0, 0.1, 0.2], 0.3, 0.3);
    expect(Array.from(table.seconds)).toEqual([0, 0.1, 0.2]);
    expect(Array.from(table.ms)).toEqual([0, 100, 200]);
    expect(table.durationMs).toBe(300);
    // A cut inside a frame: the one on screen at 0 stays, at 0 ms; the others keep their own times.
    const inside = frameTable([-0.25, -0.15, -0.05, 0.05, 0.15], 0.25);
    expect(Array.from(inside.seconds)).toEqual([-0.05, 0.05, 0.15]);
    expect(Array.from(inside.ms)).toEqual([0, 50, 150]);
    expect(inside.durationMs).toBe(250);
    // Float noise around 0 is 0.
    expect(Array.from(frameTable([-0.2, -0.1, -0.00001, 0.1], 0.2).ms)).toEqual([0, 100]);
  });

  it('keeps a start after 0 (no edit list) at frame 0, and frames an edit starts past', () => {
    expect(Array.from(frameTable([1.4, 1.5, 1.6], 1.7).ms)).toEqual([0, 100, 200]);
    expect(Array.from(frameTable([-0.3, -0.2], -0.1).ms)).toEqual([0, 100]);
  });

  it('is empty for a track with no packets', () => {
    expect(frameTable([], -Infinity)).toMatchObject({ durationMs: 0 });
  });
});

describe('selectFrames', () => {
  it('delivers every sampleRate-th frame from the first', () => {
    expect(delivered(10, { sampleRate: 1, startMs: 0 })).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(delivered(90, { sampleRate: 7, startMs: 0 })).toEqual([0, 7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84]);
  });

  it('counts the rate from the first frame at or after startMs, and stops before endMs', () => {
    // 500 ms is frame 15's time: it is the first; 1500 ms is frame 45's, which is not delivered.
    expect(delivered(90, { sampleRate: 5, startMs: 500, endMs: 1500 })).toEqual([15, 20, 25, 30, 35, 40]);
    expect(delivered(90, { sampleRate: 5, startMs: 501, endMs: 1501 })).toEqual([16, 21, 26, 31, 36, 41]);
  });

  it('delivers nothing for a window past the end, and up to the end for an endMs past it', () => {
    expect(delivered(90, { sampleRate: 1, startMs: 5000 })).toEqual([]);
    expect(delivered(90, { sampleRate: 30, startMs: 0, endMs: 1e9 })).toEqual([0, 30, 60]);
  });
});

describe('selectedSpan and windowDurationMs', () => {
  it('give the frames and the length of the window within the track', () => {
    const table = webm30(90);
    expect(selectedSpan(selectFrames(table, { sampleRate: 7, startMs: 0 }))).toBe(90);
    expect(selectedSpan(selectFrames(table, { sampleRate: 5, startMs: 500, endMs: 1500 }))).toBe(30);
    expect(windowDurationMs(table, { sampleRate: 1, startMs: 0 })).toBe(3000);
    expect(windowDurationMs(table, { sampleRate: 1, startMs: 500, endMs: 1500 })).toBe(1000);
    // Cut at the track's end; nothing past it.
    expect(windowDurationMs(table, { sampleRate: 1, startMs: 2500, endMs: 9000 })).toBe(500);
    expect(windowDurationMs(table, { sampleRate: 1, startMs: 5000 })).toBe(0);
    expect(selectedSpan(selectFrames(table, { sampleRate: 1, startMs: 5000 }))).toBe(0);
  });
});

describe('frameIndexOf', () => {
  it('finds a decoded frame by its timestamp, and gives two frames with one timestamp one index each', () => {
    const table = frameTable([0, 0.04, 0.04, 0.12], 0.16);
    expect(frameIndexOf(table, 0.04, 0)).toBe(1);
    expect(frameIndexOf(table, 0.04, 2)).toBe(2);
    // A frame the decoder never outputs (0.08 is not in the table either way) is skipped over.
    expect(frameIndexOf(table, 0.12 + 1e-9, 3)).toBe(3);
    expect(frameIndexOf(table, 0.2, 4)).toBe(4);
  });
});

describe('checkWindow', () => {
  it.each([
    [{ sampleRate: 0, startMs: 0 }, 'sampleRate'],
    [{ sampleRate: 1.5, startMs: 0 }, 'sampleRate'],
    [{ sampleRate: 1, startMs: -1 }, 'startMs'],
    [{ sampleRate: 1, startMs: Number.NaN }, 'startMs'],
    [{ sampleRate: 1, startMs: 100, endMs: 100 }, 'endMs'],
    [{ sampleRate: 1, startMs: 0, endMs: Number.NaN }, 'endMs'],
  ])('refuses %o, naming %s', (window, field) => {
    expect(() => checkWindow(window)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ field }) }));
  });
});

describe('key frames and damaged spans', () => {
  it("indexes the key frames in presentation order, a pre-roll's left out", () => {
    const table = frameTable([-0.1, 0, 0.1, 0.2, 0.3, 0.4], 0.5, null, [-0.1, 0.2, 0.4]);
    expect(Array.from(table.keyFrames)).toEqual([2, 4]);
    expect(keyFrameAfter(table, 0)).toBe(2);
    expect(keyFrameAfter(table, 2)).toBe(4);
    expect(keyFrameAfter(table, 4)).toBeUndefined();
  });

  it('counts the frames a selection delivers in a span', () => {
    const every3 = { first: 2, end: 20, step: 3 }; // 2, 5, 8, 11, 14, 17
    expect(selectedBetween(every3, 0, 20)).toBe(6);
    expect(selectedBetween(every3, 5, 11)).toBe(2);
    expect(selectedBetween(every3, 6, 8)).toBe(0);
    expect(selectedBetween(every3, 6, 9)).toBe(1);
    expect(selectedBetween(every3, 17, 40)).toBe(1);
    expect(selectedBetween(every3, 30, 40)).toBe(0);
  });
});
