import { describe, expect, it } from 'vitest';
import { EmoLensError } from '@emolens/schema';
import { TRACKING_DEFAULTS } from '../../options.js';
import { StreamTable } from './stream-state.js';

describe('StreamTable', () => {
  it('opens streams with their own ids and state, and forgets a closed one', () => {
    const table = new StreamTable();
    const a = table.open(TRACKING_DEFAULTS);
    const b = table.open({ ...TRACKING_DEFAULTS, smoothing: 'off' });
    expect(a.id).not.toBe(b.id);
    expect(table.get(a.id)).toBe(a);
    expect(b.tracking.smoothing).toBe('off');
    a.record('dimensions', new Map([[0, { valence: 1, arousal: 0 }]]));
    a.advance(40);
    expect(a.previous('dimensions', 0)).toEqual({ valence: 1, arousal: 0 });
    expect(b.previous('dimensions', 0)).toBeUndefined();
    expect([a.frames, a.lastTimestamp, b.frames]).toEqual([1, 40, 0]);
    table.close(a.id);
    table.close(a.id); // closing twice is harmless
    expect(table.size).toBe(1);
    expect(() => table.get(a.id)).toThrow(EmoLensError);
    try {
      table.get(999);
    } catch (error) {
      expect((error as EmoLensError).code).toBe('INVALID_REQUEST');
      expect((error as EmoLensError).details.field).toBe('stream');
    }
    table.clear();
    expect(table.size).toBe(0);
  });

  it('keeps only the last frame\'s values: a face absent from it has no previous value', () => {
    const state = new StreamTable().open(TRACKING_DEFAULTS);
    state.record('head_pose', new Map([[0, 'a'], [1, 'b']]));
    state.record('head_pose', new Map([[0, 'c']]));
    expect(state.previous('head_pose', 0)).toBe('c');
    expect(state.previous('head_pose', 1)).toBeUndefined();
  });

  it('takes timestamps that are finite and never go back, naming timestampMs otherwise', () => {
    const state = new StreamTable().open(TRACKING_DEFAULTS);
    expect(state.checkTimestamp(0)).toBe(0);
    state.advance(100);
    expect(state.checkTimestamp(100)).toBe(100); // a repeated frame
    expect(state.checkTimestamp(133.4)).toBe(133.4);
    for (const bad of [99, Number.NaN, Infinity, -Infinity, '200', undefined, null, 5n]) {
      try {
        state.checkTimestamp(bad);
        throw new Error(`expected INVALID_REQUEST for ${String(bad)}`);
      } catch (error) {
        expect((error as EmoLensError).code).toBe('INVALID_REQUEST');
        expect((error as EmoLensError).details.field).toBe('timestampMs');
        expect(() => JSON.stringify(error)).not.toThrow();
      }
    }
  });

  it('gives each face a stable id and its own smoothing, dropping both with the track', () => {
    const state = new StreamTable().open({ ...TRACKING_DEFAULTS, trackGraceMs: 100 });
    const box = (x: number) => ({ x, y: 0, width: 50, height: 50 });
    const frame = (boxes: ReturnType<typeof box>[], t: number) => {
      const ids = state.faceIds(boxes, t);
      for (const id of ids) state.smooth({ face_id: id, bbox: box(0), emotions: { primary: { label: 'neutral', confidence: 1 }, all: [{ label: 'neutral', confidence: 1 }] } }, t);
      return ids;
    };
    expect(frame([box(0), box(200)], 0)).toEqual([0, 1]);
    expect(frame([box(202), box(1)], 33)).toEqual([1, 0]);
    expect([state.tracks, state.smoothedFaces]).toEqual([2, 2]);
    expect(frame([box(3)], 100)).toEqual([0]); // face 1 unseen, within its grace
    expect([state.tracks, state.smoothedFaces]).toEqual([2, 2]);
    expect(frame([box(3)], 300)).toEqual([0]); // face 1 dropped, and its smoothing with it
    expect([state.tracks, state.smoothedFaces]).toEqual([1, 1]);
  });
});
