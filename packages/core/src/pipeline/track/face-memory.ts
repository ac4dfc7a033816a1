/**
 * What a stream keeps of one tracked face for its mesh-based signals: the baseline learned from its frames
 * (`derive/baseline.ts`) and its recent history (`face-history.ts`). Made when the track starts, dropped with it.
 */
import type { Baseline, EyeGaze } from '../derive/baseline.js';
import { BaselineLearner } from './baseline-learner.js';
import { ACTION_UNIT_DEFINITIONS, intensity } from '../derive/action-units.js';
import { eyesClosed, lookingAway, type FaceFeatures } from '../derive/face-features.js';
import { FaceHistory } from './face-history.js';

const AU25 = ACTION_UNIT_DEFINITIONS.findIndex((d) => d.code === 'AU25');
const AU26 = ACTION_UNIT_DEFINITIONS.findIndex((d) => d.code === 'AU26');
/** Jaw drop and lips-apart intensity above which the mouth counts as wide open. */
const MOUTH_OPEN = 0.8;

/** One face's memory on a stream. */
export class FaceMemory {
  private learner: BaselineLearner | undefined;
  private learnedFrom: Baseline | undefined;
  readonly history = new FaceHistory();

  /** @param learn learn the face's baseline from its frames (the stream's `calibrate` option) */
  constructor(private readonly learn: boolean) {}

  /**
   * The face's baseline after this frame: learned from its frames, starting from `calibration` (the explicit one),
   * or `calibration` itself when the stream does not learn.
   */
  observe(actionUnits: readonly number[], gaze: EyeGaze | undefined, calibration: Baseline | undefined): Baseline | undefined {
    if (!this.learn) return calibration;
    if (!this.learner || this.learnedFrom !== calibration) {
      this.learner = new BaselineLearner(calibration);
      this.learnedFrom = calibration;
    }
    return this.learner.update(actionUnits, gaze);
  }

  /** Adds the frame at `t` to the history; returns it. */
  record(t: number, f: FaceFeatures): FaceHistory {
    const neutral = f.baseline?.actionUnits;
    const au = (i: number) => intensity(ACTION_UNIT_DEFINITIONS[i]!, f.actionUnits[i]!, neutral?.[i]);
    this.history.add({
      t,
      closed: eyesClosed(f),
      away: lookingAway(f),
      yaw: f.headPose.yaw,
      pitch: f.headPose.pitch,
      mouthOpen: au(AU25) > MOUTH_OPEN && au(AU26) > MOUTH_OPEN,
    });
    return this.history;
  }
}
