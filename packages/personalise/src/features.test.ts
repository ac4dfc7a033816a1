import { ACTION_UNITS, isEmoLensError, WIA_EMOTIONS, type WiaFace } from '@emolens/schema';
import { describe, expect, it } from 'vitest';
import { FEATURE_INDEX, FEATURE_LAYOUT, FEATURE_LAYOUT_ID, FEATURE_LENGTH, featuresOf } from './features.js';

const bare: WiaFace = {
  face_id: 0,
  bbox: { x: 0, y: 0, width: 10, height: 10 },
  emotions: { primary: { label: 'neutral', confidence: 0.7 }, all: [{ label: 'neutral', confidence: 0.7 }, { label: 'happiness', confidence: 0.3 }] },
};

describe('the feature layout', () => {
  it('names every slot once, in a fixed order: emotions, action units, eyes, gaze, head', () => {
    expect(FEATURE_LENGTH).toBe(7 + 17 + 1 + 2 + 2 + 3 + 1);
    expect(new Set(FEATURE_LAYOUT.map((s) => s.name)).size).toBe(FEATURE_LENGTH);
    expect(FEATURE_LAYOUT.slice(0, 7).map((s) => s.name)).toEqual(WIA_EMOTIONS.map((l) => `emotion:${l}`));
    expect(FEATURE_LAYOUT.slice(7, 24).map((s) => s.name)).toEqual(ACTION_UNITS.map((a) => `au:${a}`));
    expect(FEATURE_LAYOUT.slice(24).map((s) => s.name)).toEqual([
      'au:present', 'eye:left', 'eye:right', 'gaze:yaw', 'gaze:pitch', 'head:yaw', 'head:pitch', 'head:roll', 'attention:present',
    ]);
    expect(FEATURE_LAYOUT_ID).toBe(`emolens-face-v1:${FEATURE_LENGTH}`);
  });
});

describe('featuresOf', () => {
  it('gives 0 for everything a face does not carry', () => {
    const f = featuresOf(bare);
    expect(f).toBeInstanceOf(Float32Array);
    expect(f.length).toBe(FEATURE_LENGTH);
    expect(f[FEATURE_INDEX['emotion:neutral']!]).toBeCloseTo(0.7, 6);
    expect(f[FEATURE_INDEX['emotion:happiness']!]).toBeCloseTo(0.3, 6);
    expect(Array.from(f).filter((v) => v !== 0)).toHaveLength(2);
  });

  it('reads action units, eyes, gaze and head pose, scaled and clamped to [-1, 1]', () => {
    const f = featuresOf({
      ...bare,
      action_units: [{ au: 'AU43', intensity: 0.8 }, { au: 'AU12', intensity: 1.5 }],
      attention: { eyes: { left: 0.25, right: 0.5 }, eyes_closed: false, gaze: { yaw: 22.5, pitch: -90 }, head_pose: { yaw: -30, pitch: 9, roll: 45 } },
      head_pose: { yaw: 99, pitch: 99, roll: 99 }, // attention's head pose wins
    });
    const at = (name: string) => f[FEATURE_INDEX[name]!];
    expect(at('au:AU43')).toBeCloseTo(0.8, 6);
    expect(at('au:AU12')).toBe(1);
    expect(at('au:AU1')).toBe(0);
    expect(at('au:present')).toBe(1);
    expect([at('eye:left'), at('eye:right')]).toEqual([0.25, 0.5]);
    expect(at('gaze:yaw')).toBeCloseTo(0.5, 6);
    expect(at('gaze:pitch')).toBe(-1);
    expect(at('head:yaw')).toBeCloseTo(-0.5, 6);
    expect(at('head:pitch')).toBeCloseTo(0.2, 6);
    expect(at('head:roll')).toBe(1);
    expect(at('attention:present')).toBe(1);
  });

  it("uses the face's head_pose without attention, and treats non-finite values as absent", () => {
    const f = featuresOf({ ...bare, head_pose: { yaw: 30, pitch: Number.NaN, roll: -45 }, action_units: [{ au: 'AU1', intensity: Number.NaN }] });
    expect(f[FEATURE_INDEX['head:yaw']!]).toBeCloseTo(0.5, 6);
    expect(f[FEATURE_INDEX['head:pitch']!]).toBe(0);
    expect(f[FEATURE_INDEX['head:roll']!]).toBe(-1);
    expect(f[FEATURE_INDEX['au:AU1']!]).toBe(0);
    expect(f[FEATURE_INDEX['attention:present']!]).toBe(0);
    expect(Array.from(f).every((v) => Number.isFinite(v) && v >= -1 && v <= 1)).toBe(true);
  });

  it('refuses what is not a face with INVALID_REQUEST, and reads parts of the wrong shape as absent', () => {
    for (const face of [null, undefined, 'face', 3, [bare]]) {
      let error: unknown;
      try {
        featuresOf(face as never);
      } catch (e) {
        error = e;
      }
      expect(isEmoLensError(error), String(face)).toBe(true);
      expect(error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'face' } });
    }
    const f = featuresOf({ ...bare, emotions: { ...bare.emotions, all: { 0: 1 } as never }, action_units: [null, 'AU1', { au: 'AU1', intensity: 0.5 }] as never, attention: 'x' as never });
    expect(f[FEATURE_INDEX['au:AU1']!]).toBe(0.5);
    expect(f[FEATURE_INDEX['au:present']!]).toBe(1);
    expect(Array.from(f).every((v) => Number.isFinite(v) && v >= -1 && v <= 1)).toBe(true);
    expect(featuresOf({ ...bare, action_units: {} as never })[FEATURE_INDEX['au:present']!]).toBe(1);
  });
});
