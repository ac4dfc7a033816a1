/**
 * Learns one face's neutral baseline from the frames of a stream (see `derive/baseline.ts`): each action unit's raw
 * measure is tracked at a low running quantile — the level the face rests at, expressions being the excursions
 * above it — and the eye-in-head gaze at its running median (people mostly look at their screen).
 */
import { ACTION_UNIT_DEFINITIONS } from '../derive/action-units.js';
import type { Baseline, EyeGaze } from '../derive/baseline.js';

/** Quantile the action units' baseline tracks: the face's resting level sits low in its own distribution. */
const REST_QUANTILE = 0.3;
/** Frames after which a learned baseline has moved far enough to be the face's own (its step shrinks to the floor by then). */
export const BASELINE_SETTLE_FRAMES = 60;
/** Step of the quantile tracker, in each unit's span (then a tenth of that once settled). */
const STEP = 0.1;
/** Step of the gaze median tracker, in degrees. */
const GAZE_STEP = 0.5;

/** Learns one face's baseline from the frames of a stream. */
export class BaselineLearner {
  private readonly units: number[];
  private gaze: EyeGaze | undefined;
  private frames = 0;

  constructor(start?: Baseline) {
    this.units = start ? [...start.actionUnits] : ACTION_UNIT_DEFINITIONS.map((d) => d.neutral);
    this.gaze = start?.gaze && { ...start.gaze };
  }

  /** Moves the baseline toward this frame's raw values; returns the baseline after it. */
  update(actionUnits: readonly number[], gaze: EyeGaze | undefined): Baseline {
    const settled = this.frames >= BASELINE_SETTLE_FRAMES;
    const step = settled ? STEP / 10 : STEP;
    ACTION_UNIT_DEFINITIONS.forEach((d, i) => {
      const x = actionUnits[i]!;
      if (!Number.isFinite(x)) return;
      // Stochastic quantile tracking: up by q·step when above, down by (1−q)·step when below.
      this.units[i]! += (x > this.units[i]! ? REST_QUANTILE : -(1 - REST_QUANTILE)) * step * d.span;
    });
    if (gaze) {
      if (!this.gaze) this.gaze = { ...gaze };
      else {
        this.gaze.yaw += Math.sign(gaze.yaw - this.gaze.yaw) * GAZE_STEP;
        this.gaze.pitch += Math.sign(gaze.pitch - this.gaze.pitch) * GAZE_STEP;
      }
    }
    this.frames++;
    return this.current();
  }

  current(): Baseline {
    return { version: 1, actionUnits: [...this.units], ...(this.gaze ? { gaze: { ...this.gaze } } : {}) };
  }
}
