/**
 * The derived signals, in the order their fields appear in a WIA face. Adding a signal: one file in this folder
 * declaring it (`signal.ts`), its switch in `options.ts` (`SIGNAL_DEFAULTS`), and its line here.
 */
import type { FrameOptions } from '../../options.js';
import { actionUnitsSignal } from './action-units-signal.js';
import { attentionSignal } from './attention.js';
import { headPoseSignal } from './head-pose.js';
import { learningStatesSignal } from './learning-states.js';
import { landmarksSignal } from './landmarks.js';
import type { DerivedSignal, SignalNeed } from './signal.js';
import { dimensionsSignal } from './valence-arousal.js';

/** Every signal the pipeline can compute. */
export const SIGNALS: readonly DerivedSignal[] = [dimensionsSignal, landmarksSignal, headPoseSignal, actionUnitsSignal, attentionSignal, learningStatesSignal];

/** The signals a call's options switch on, in registry order. */
export function requestedSignals(options: FrameOptions, signals: readonly DerivedSignal[] = SIGNALS): DerivedSignal[] {
  return signals.filter((s) => options[s.option]);
}

/** Everything the given signals need. */
export function needsOf(signals: readonly DerivedSignal[]): Set<SignalNeed> {
  return new Set(signals.flatMap((s) => s.needs));
}
