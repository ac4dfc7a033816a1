import { LEARNING_STATES, type WiaEmotionScore } from '@emolens/schema';
import { describe, expect, it } from 'vitest';
import { FaceMemory } from '../track/face-memory.js';
import { ACTION_UNIT_DEFINITIONS } from './action-units.js';
import type { FaceFeatures } from './face-features.js';
import { LEARNING_INPUTS, LEARNING_STATE_FORMULAS, learningInputs, learningStates } from './learning-states.js';

const NEUTRAL: WiaEmotionScore[] = [{ label: 'neutral', confidence: 1 }];

/** Features of a frame: neutral action units but those in `units` (intensity 0–1), eyes open unless `closed`. */
function frame({ closed = false, yaw = 0, units = {} as Record<string, number> } = {}): FaceFeatures {
  return {
    measures: {} as FaceFeatures['measures'],
    actionUnits: ACTION_UNIT_DEFINITIONS.map((d) => d.neutral + (units[d.code] ?? 0) * d.span),
    headPose: { yaw, pitch: 0, roll: 0 },
    eyes: closed ? { left: 0.05, right: 0.05 } : { left: 0.8, right: 0.8 },
    eyeGaze: undefined,
    baseline: undefined,
    history: undefined,
  };
}

/** The states after `seconds` of 30 fps frames made by `at(t)`, on a stream. */
function after(seconds: number, at: (t: number) => FaceFeatures, scores = NEUTRAL) {
  const memory = new FaceMemory(false);
  let last = at(0);
  for (let t = 0; t <= seconds * 1000; t += 1000 / 30) {
    last = at(t);
    last.history = memory.record(t, last);
  }
  return learningStates(learningInputs(last, scores));
}

describe('the learning-state estimator', () => {
  it('has a formula for every state, over known inputs only', () => {
    expect(Object.keys(LEARNING_STATE_FORMULAS)).toEqual([...LEARNING_STATES]);
    for (const formula of Object.values(LEARNING_STATE_FORMULAS)) {
      for (const input of Object.keys(formula.terms)) expect(LEARNING_INPUTS).toContain(input);
    }
  });

  it('is deterministic on a fixed sequence', () => {
    const run = () => after(10, (t) => frame({ closed: t > 4000 && t < 4200, units: { AU12: t / 10_000 } }));
    expect(run()).toEqual(run());
  });

  it('raises boredom when the eyes stay closed for 2 s', () => {
    const open = after(10, () => frame());
    const closed = after(10, (t) => frame({ closed: t >= 8000 }));
    expect(closed.boredom).toBeGreaterThan(open.boredom + 1);
    expect(closed.engagement).toBeLessThan(open.engagement);
  });

  it('raises engagement with sustained frontal gaze and a smile (AU12), against looking away', () => {
    const engaged = after(10, () => frame({ units: { AU12: 0.9 } }));
    const away = after(10, () => frame({ yaw: 40 }));
    expect(engaged.engagement).toBeGreaterThan(away.engagement + 1);
    expect(engaged.boredom).toBeLessThan(away.boredom);
  });

  it('raises confusion with a lowered brow (AU4), frustration with anger', () => {
    const still = after(3, () => frame());
    expect(after(3, () => frame({ units: { AU4: 1 } })).confusion).toBeGreaterThan(still.confusion + 1);
    expect(after(3, () => frame(), [{ label: 'anger', confidence: 1 }]).frustration).toBeGreaterThan(still.frustration + 1);
  });

  it('keeps every score in [0, 3] at the extremes, on a single image too', () => {
    const all1 = Object.fromEntries(LEARNING_INPUTS.map((i) => [i, 1]));
    const all0 = Object.fromEntries(LEARNING_INPUTS.map((i) => [i, 0]));
    for (const inputs of [all1, all0]) {
      for (const v of Object.values(learningStates(inputs as never))) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(3);
      }
    }
    const single = learningStates(learningInputs(frame({ closed: true }), NEUTRAL));
    for (const v of Object.values(single)) expect(Number.isFinite(v)).toBe(true);
  });
});
