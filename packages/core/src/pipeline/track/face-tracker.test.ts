import { describe, expect, it } from 'vitest';
import type { Box } from '../box.js';
import { FaceTracker, MIN_TRACK_IOU } from './face-tracker.js';

const box = (x: number, y: number, side = 100): Box => ({ x, y, width: side, height: side });
const FRAME_MS = 1000 / 30;

/** Runs `frames` (each a list of boxes) through a tracker at 30 fps; returns each frame's ids. */
function track(frames: Box[][], graceMs = 500, tracker = new FaceTracker(graceMs)): number[][] {
  return frames.map((boxes, k) => tracker.update(boxes, k * FRAME_MS).ids);
}

describe('FaceTracker', () => {
  it('numbers the faces of the first frame 0, 1, … in order, and keeps each id while its face moves', () => {
    const frames = Array.from({ length: 30 }, (_, k) => [box(100 + 5 * k, 100), box(400, 100 + 3 * k), box(700 - 4 * k, 300, 80)]);
    const ids = track(frames);
    expect(ids[0]).toEqual([0, 1, 2]);
    for (const frame of ids) expect(frame).toEqual([0, 1, 2]);
  });

  it('follows faces whatever order the detector lists them in', () => {
    const frames = Array.from({ length: 10 }, (_, k) => {
      const faces = [box(100 + 5 * k, 100), box(400, 100), box(700, 300), box(100, 400)];
      return k % 2 ? faces.reverse() : faces;
    });
    const ids = track(frames);
    ids.forEach((frame, k) => expect(frame).toEqual(k % 2 ? [3, 2, 1, 0] : [0, 1, 2, 3]));
  });

  it('does not swap the ids of two faces crossing paths, even when one hides behind the other while they cross', () => {
    // A goes right and B left along the same line, 20 px a frame; they meet at frame 10. In frames 8–12 B is
    // hidden behind A (the detector finds one face).
    const a = (k: number) => box(20 * k, 100);
    const b = (k: number) => box(400 - 20 * k, 100);
    const frames = Array.from({ length: 22 }, (_, k) => (k >= 8 && k <= 12 ? [a(k)] : [a(k), b(k)]));
    const ids = track(frames);
    ids.forEach((frame, k) => expect(frame).toEqual(k >= 8 && k <= 12 ? [0] : [0, 1]));
  });

  it('does not swap the ids of two faces crossing paths in plain view, whatever order they are listed in', () => {
    const frames = Array.from({ length: 22 }, (_, k) => {
      const faces = [box(20 * k, 100 + k), box(400 - 20 * k, 130 - k)];
      return k % 3 === 1 ? faces.reverse() : faces;
    });
    const ids = track(frames);
    ids.forEach((frame, k) => expect(frame).toEqual(k % 3 === 1 ? [1, 0] : [0, 1]));
  });

  it('keeps a far face\'s id when a near face passes in front of it (box size tells them apart)', () => {
    // The small face stands still; the large one sweeps across it (their IoU stays under the gate).
    const small = box(300, 150, 60);
    const frames = Array.from({ length: 20 }, (_, k) => [box(100 + 25 * k, 100, 200), small]);
    expect(Math.max(...frames.map(([near]) => iouOf(near!, small)))).toBeLessThan(MIN_TRACK_IOU);
    for (const frame of track(frames)) expect(frame).toEqual([0, 1]);
  });

  it('gives a face missing for less than the grace its id back, and one missing for longer a new id', () => {
    const tracker = new FaceTracker(500);
    expect(tracker.update([box(100, 100), box(400, 100)], 0).ids).toEqual([0, 1]);
    // Face 0 is not found for 400 ms (its track is kept, not reported).
    expect(tracker.update([box(400, 100)], 200).ids).toEqual([1]);
    expect(tracker.size).toBe(2);
    expect(tracker.update([box(100, 100), box(400, 100)], 400).ids).toEqual([0, 1]);
    // Face 1 is not found for longer than 500 ms: its track is dropped, and it comes back as a new face.
    expect(tracker.update([box(100, 100)], 900)).toEqual({ ids: [0], dropped: [] }); // unseen for exactly the grace: kept
    expect(tracker.update([box(100, 100)], 901)).toEqual({ ids: [0], dropped: [1] });
    expect(tracker.update([box(100, 100), box(400, 100)], 1010).ids).toEqual([0, 2]);
  });

  it('looks for a missing face where its motion takes it', () => {
    const tracker = new FaceTracker(500);
    for (let k = 0; k < 5; k++) tracker.update([box(100 + 10 * k, 100)], k * FRAME_MS);
    // 300 ms unseen at 300 px/s: 90 px on, where its last box no longer overlaps enough, but its prediction does.
    expect(tracker.update([box(230, 100)], 4 * FRAME_MS + 300).ids).toEqual([0]);
  });

  it('keeps the ids of faces found on every frame, however far apart the frames (here 1 fps, grace 0)', () => {
    const frames = Array.from({ length: 5 }, (_, k) => [box(100 + k, 100), box(400, 100 - k)]);
    const tracker = new FaceTracker(0);
    for (const [k, boxes] of frames.entries()) expect(tracker.update(boxes, k * 1000).ids).toEqual([0, 1]);
  });

  it('never reuses an id: faces entering and leaving take new ones', () => {
    const tracker = new FaceTracker(0);
    const seen: number[] = [];
    // Ten faces come and go one after another at the same place, each for 3 frames with a gap between.
    for (let face = 0; face < 10; face++) {
      for (let k = 0; k < 3; k++) seen.push(...tracker.update([box(200, 200), box(500 + (face % 2) * 50, 100)], (face * 5 + k) * FRAME_MS).ids);
      tracker.update([], (face * 5 + 3) * FRAME_MS);
    }
    const ids = [...new Set(seen)];
    expect(ids).toEqual([...Array(20).keys()]); // every appearance a new id, in order, none reused
  });

  it('handles faces entering and leaving among others that stay', () => {
    const stay = (k: number) => [box(50, 50), box(300, 50)].map((b) => ({ ...b, x: b.x + k }));
    const frames = [
      stay(0),
      [...stay(1), box(600, 300)], // a third face enters
      [...stay(2), box(602, 300), box(50, 300)], // and a fourth
      [box(52, 300), ...stay(3)], // the third leaves; the detector lists the rest in another order
      [...stay(4)], // the fourth leaves
    ];
    expect(track(frames)).toEqual([[0, 1], [0, 1, 2], [0, 1, 2, 3], [3, 0, 1], [0, 1]]);
  });

  it('on a frame with no face, ages the tracks and drops them after the grace', () => {
    const tracker = new FaceTracker(100);
    tracker.update([box(0, 0), box(300, 0), box(600, 0)], 0);
    expect(tracker.update([], 50)).toEqual({ ids: [], dropped: [] });
    expect(tracker.update([], 150)).toEqual({ ids: [], dropped: [0, 1, 2] });
    expect(tracker.size).toBe(0);
  });
});

function iouOf(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w <= 0 || h <= 0 ? 0 : (w * h) / (a.width * a.height + b.width * b.height - w * h);
}
