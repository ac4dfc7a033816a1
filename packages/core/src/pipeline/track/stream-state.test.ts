import { describe, expect, it } from 'vitest';
import { EmoLensError } from '@emolens/schema';
import { StreamTable } from './stream-state.js';

describe('StreamTable', () => {
  it('opens streams with their own ids and state, and forgets a closed one', () => {
    const table = new StreamTable();
    const a = table.open();
    const b = table.open();
    expect(a.id).not.toBe(b.id);
    expect(table.get(a.id)).toBe(a);
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
    const state = new StreamTable().open();
    state.record('head_pose', new Map([[0, 'a'], [1, 'b']]));
    state.record('head_pose', new Map([[0, 'c']]));
    expect(state.previous('head_pose', 0)).toBe('c');
    expect(state.previous('head_pose', 1)).toBeUndefined();
  });
});
