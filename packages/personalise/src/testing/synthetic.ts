/**
 * Synthetic corrections for the tests and the bench (not shipped): faces with random emotions, action units and
 * attention, a base estimator that ignores the eyes, and a user whose corrections follow a rule of their own:
 * eyes closing (AU43 high) means bored and disengaged to this user.
 */
import { ACTION_UNITS, WIA_EMOTIONS, type LearningStateScores, type WiaFace } from '@emolens/schema';
import type { Correction } from '../correction.js';
import { featuresOf } from '../features.js';
import { seededRandom } from '../train/seeded-random.js';

/** AU43 intensity above which the user reports boredom 3 and engagement 1. */
export const DROWSY_AU43 = 0.5;

/** Share of the faces that are drowsy. */
export const DROWSY_SHARE = 0.4;

/** A random WIA face (seeded). */
export function randomFace(random: () => number): WiaFace {
  const raw = WIA_EMOTIONS.map(() => random() ** 2);
  const sum = raw.reduce((a, b) => a + b, 0);
  const all = WIA_EMOTIONS.map((label, i) => ({ label, confidence: raw[i]! / sum })).sort((a, b) => b.confidence - a.confidence);
  // AU43 (eyes closed) is bimodal, as in a real session: awake (eyes open) or drowsy (closing).
  const au43 = random() < DROWSY_SHARE ? 0.6 + random() * 0.4 : random() * 0.35;
  const openness = Math.max(0, 1 - au43 + (random() - 0.5) * 0.2);
  return {
    face_id: 0,
    bbox: { x: 0, y: 0, width: 100, height: 100 },
    emotions: { primary: all[0]!, all },
    action_units: ACTION_UNITS.map((au) => ({ au, intensity: au === 'AU43' ? au43 : random() * 0.6 })),
    attention: {
      eyes: { left: openness, right: openness },
      eyes_closed: openness < 0.2,
      gaze: { yaw: (random() - 0.5) * 40, pitch: (random() - 0.5) * 30 },
      head_pose: { yaw: (random() - 0.5) * 60, pitch: (random() - 0.5) * 40, roll: (random() - 0.5) * 20 },
    },
  };
}

/** The base estimator: the eyes play no part; a little noise. */
export function baseEstimate(random: () => number): LearningStateScores {
  return { boredom: 1 + (random() - 0.5) * 0.4, confusion: 1 + (random() - 0.5) * 0.4, engagement: 2 + (random() - 0.5) * 0.4, frustration: 0.5 + (random() - 0.5) * 0.4 };
}

/** The user's rule: with AU43 above {@link DROWSY_AU43}, boredom 3 and engagement 1; else the base is right. */
export function userCorrection(face: WiaFace, base: LearningStateScores): LearningStateScores {
  const au43 = face.action_units?.find((a) => a.au === 'AU43')?.intensity ?? 0;
  return au43 > DROWSY_AU43 ? { ...base, boredom: 3, engagement: 1 } : { ...base };
}

/** `count` corrections following {@link userCorrection}, from `seed`. */
export function drowsyCorrections(count: number, seed: number): Correction[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const face = randomFace(random);
    const predicted = baseEstimate(random);
    return { features: featuresOf(face), predicted, corrected: userCorrection(face, predicted) };
  });
}

/** Mean absolute error over every state of every correction, of `estimate` against the user's scores. */
export function meanAbsoluteError(corrections: readonly Correction[], estimate: (c: Correction) => LearningStateScores): number {
  let sum = 0;
  let n = 0;
  for (const c of corrections) {
    const e = estimate(c);
    for (const state of Object.keys(c.corrected) as (keyof LearningStateScores)[]) {
      sum += Math.abs(e[state] - c.corrected[state]);
      n++;
    }
  }
  return sum / n;
}
