/**
 * The Wakee learning states — boredom, confusion, engagement, frustration, each on DAiSEE's 0–3 scale — from a
 * face's emotions, action units, head and eyes, and on a stream their recent history. Gaze counts where the
 * irises were located (when `attention` is asked for too); otherwise the head's direction stands for it, which keeps
 * the states at the mesh's frame rate.
 *
 * This is an explicit prior, not a model trained on DAiSEE (which is not available to us): each score is a bias plus
 * a weighted sum of named inputs in [0, 1], clamped to [0, 3]. Every coefficient is below with the reason for it;
 * `docs/signals.md` ("Learning states") discusses the evidence and the limits. On-device personalisation (`@emolens/personalise`)
 * learns each user's corrections on top of it.
 */
import { LEARNING_STATE_MAX, LEARNING_STATE_MIN, LEARNING_STATES, type LearningState, type LearningStateScores, type WiaEmotion, type WiaEmotionScore } from '@emolens/schema';
import { round } from '../../round.js';
import { ACTION_UNIT_DEFINITIONS, intensity } from './action-units.js';
import { eyesClosed, lookingAway, type FaceFeatures } from './face-features.js';
import { signal } from './signal.js';

/** The inputs of the estimator, each in [0, 1]. */
export const LEARNING_INPUTS = [
  'closed', 'drowsy', 'yawning', 'away', 'still', 'fidget',
  'happiness', 'surprise', 'sadness', 'anger', 'fear', 'disgust', 'neutral',
  'AU1', 'AU2', 'AU4', 'AU7', 'AU12', 'AU15', 'AU17', 'AU23', 'tilt',
] as const;
export type LearningInput = (typeof LEARNING_INPUTS)[number];
export type LearningInputs = Record<LearningInput, number>;

/** The window of a stream's history the states read. */
export const WINDOW_MS = 10_000;
/** Head speed (°/s) read as fidgeting in full; stillness is full at 0. */
const FIDGET_DEG_S = 40;
/** A closure this long reads as fully drowsy. */
const DROWSY_MS = 2_000;
/** Head roll read as a full tilt (the quizzical head tilt). */
const TILT_DEG = 20;

/** One state's formula: a bias and a weight per input. */
export interface StateFormula {
  bias: number;
  terms: Partial<Record<LearningInput, number>>;
}

/** Every coefficient of the estimator, each with the reason for it. */
export const LEARNING_STATE_FORMULAS: Readonly<Record<LearningState, StateFormula>> = {
  boredom: {
    bias: 0.9,
    terms: {
      // Long eye closures (not blinks) are the strongest single sign of boredom/drowsiness in DAiSEE-style studies.
      drowsy: 1.2,
      // Time with the eyes closed over the window.
      closed: 0.6,
      // A yawn in the window.
      yawning: 0.8,
      // Looking away from the screen.
      away: 0.6,
      // A motionless, expressionless face reads as disengaged.
      still: 0.3,
      // Flat affect.
      neutral: 0.3,
      // Smiling is incompatible with boredom.
      happiness: -0.8,
      // Surprise is a sign of interest.
      surprise: -0.5,
      // Lip corner pull (smile) beyond the classifier.
      AU12: -0.3,
    },
  },
  confusion: {
    bias: 0.5,
    terms: {
      // Brow lowering is the facial sign of confusion most replicated (D'Mello & Graesser).
      AU4: 1.4,
      // Lid tightening accompanies effortful processing.
      AU7: 0.5,
      // A tilted head.
      tilt: 0.4,
      // An unexpected step.
      surprise: 0.3,
      // Uncertainty.
      fear: 0.2,
      // A smile signals understanding.
      happiness: -0.5,
      // Closed eyes are not working on the problem.
      closed: -0.3,
    },
  },
  engagement: {
    bias: 1.2,
    terms: {
      // Gaze on the screen is the core of behavioural engagement.
      away: -1.0,
      // Smiling (AU12) goes with engagement.
      AU12: 0.6,
      // Raised brows: interest.
      AU1: 0.2,
      // Raised brows: interest.
      AU2: 0.2,
      // Positive affect.
      happiness: 0.4,
      // Interest.
      surprise: 0.3,
      // A steady head facing the screen.
      still: 0.3,
      // Long closures.
      drowsy: -1.2,
      // Time with the eyes closed.
      closed: -0.6,
      // A yawn.
      yawning: -0.6,
    },
  },
  frustration: {
    bias: 0.3,
    terms: {
      // Anger is frustration's expression.
      anger: 1.2,
      // Brow lowering.
      AU4: 0.5,
      // Pressed, tightened lips.
      AU23: 0.4,
      // Lip corners down.
      AU15: 0.4,
      // Chin raised (pouting).
      AU17: 0.3,
      // Discouragement.
      sadness: 0.5,
      // Aversion.
      disgust: 0.4,
      // Restless head movement.
      fidget: 0.5,
      // Positive affect.
      happiness: -0.6,
    },
  },
};

const clamp01 = (v: number) => (v > 1 ? 1 : v > 0 ? v : 0);

/** The estimator's inputs from a face's features and emotion scores (history from its stream, when it has one). */
export function learningInputs(f: FaceFeatures, scores: readonly WiaEmotionScore[]): LearningInputs {
  const p = (label: WiaEmotion) => scores.find((s) => s.label === label)?.confidence ?? 0;
  const au = (code: string) => {
    const i = ACTION_UNIT_DEFINITIONS.findIndex((d) => d.code === code);
    return intensity(ACTION_UNIT_DEFINITIONS[i]!, f.actionUnits[i]!, f.baseline?.actionUnits[i]);
  };
  const w = f.history?.window(WINDOW_MS);
  const streamed = w !== undefined && w.spanMs > 0;
  return {
    closed: streamed ? w.closedShare : Number(eyesClosed(f)),
    drowsy: streamed ? clamp01(w.longestClosureMs / DROWSY_MS) : 0,
    yawning: streamed ? clamp01(w.yawns) : 0,
    away: streamed ? w.awayShare : Number(lookingAway(f)),
    // Unknown on a single image: neither still nor fidgeting.
    still: streamed ? clamp01(1 - w.headSpeed / FIDGET_DEG_S) : 0,
    fidget: streamed ? clamp01(w.headSpeed / FIDGET_DEG_S - 0.5) : 0,
    happiness: p('happiness'), surprise: p('surprise'), sadness: p('sadness'), anger: p('anger'), fear: p('fear'), disgust: p('disgust'), neutral: p('neutral'),
    AU1: au('AU1'), AU2: au('AU2'), AU4: au('AU4'), AU7: au('AU7'), AU12: au('AU12'), AU15: au('AU15'), AU17: au('AU17'), AU23: au('AU23'),
    tilt: clamp01(Math.abs(f.headPose.roll) / TILT_DEG),
  };
}

/** The four scores of the inputs, each clamped to [0, 3] and rounded to 0.01. */
export function learningStates(inputs: LearningInputs): LearningStateScores {
  const out = {} as LearningStateScores;
  for (const state of LEARNING_STATES) {
    const formula = LEARNING_STATE_FORMULAS[state];
    let v = formula.bias;
    for (const [name, weight] of Object.entries(formula.terms) as [LearningInput, number][]) v += weight * inputs[name];
    out[state] = round(Math.min(LEARNING_STATE_MAX, Math.max(LEARNING_STATE_MIN, v)), 2);
  }
  return out;
}

export const learningStatesSignal = signal({
  field: 'learning_states',
  option: 'returnLearningStates',
  needs: ['scores', 'mesh'],
  derive: ({ features, scores }) => {
    const f = features();
    return f ? learningStates(learningInputs(f, scores)) : undefined;
  },
});
