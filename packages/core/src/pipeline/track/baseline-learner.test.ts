import { describe, expect, it } from 'vitest';
import { ACTION_UNIT_DEFINITIONS } from '../derive/action-units.js';
import { BaselineLearner } from './baseline-learner.js';

const at = (offsetSpans: number) => ACTION_UNIT_DEFINITIONS.map((d) => d.neutral + offsetSpans * d.span);

describe('learning a face\'s baseline on a stream', () => {
  it('starts from the population\'s neutral, or from the explicit calibration', () => {
    expect(new BaselineLearner().current().actionUnits).toEqual(ACTION_UNIT_DEFINITIONS.map((d) => d.neutral));
    const start = { version: 1 as const, actionUnits: at(0.5), gaze: { yaw: 3, pitch: 1 } };
    expect(new BaselineLearner(start).current()).toEqual(start);
  });

  it('settles at the face\'s resting level, below its expressions', () => {
    // A face that rests 0.4 spans above the population's neutral and smiles (1.4 spans) a fifth of the time.
    const learner = new BaselineLearner();
    let baseline = learner.current();
    for (let i = 0; i < 600; i++) baseline = learner.update(at(i % 5 === 0 ? 1.4 : 0.4), { yaw: 6, pitch: -2 });
    ACTION_UNIT_DEFINITIONS.forEach((d, i) => {
      const level = (baseline.actionUnits[i]! - d.neutral) / d.span;
      expect(level).toBeGreaterThan(0.3);
      expect(level).toBeLessThan(0.6);
    });
    expect(baseline.gaze!.yaw).toBeCloseTo(6, 0);
    expect(baseline.gaze!.pitch).toBeCloseTo(-2, 0);
  });

  it('ignores a non-finite measure', () => {
    const learner = new BaselineLearner();
    const raw = at(0).map((v, i) => (i === 2 ? Number.NaN : v));
    expect(learner.update(raw, undefined).actionUnits.every(Number.isFinite)).toBe(true);
  });
});
