/**
 * Valence and arousal from the emotion distribution.
 *
 * Each class has a fixed position on Russell's circumplex of affect (valence: unpleasant −1 … pleasant +1;
 * arousal: calm 0 … excited 1), rounded from the positions commonly tabulated for the basic emotions. A
 * face's dimensions are the probability-weighted mean of those positions, so they move smoothly with the
 * distribution and stay inside the ranges.
 */
import type { ActionUnit, WiaDimensions, WiaEmotion } from '@emolens/schema';
import { round } from '../../round.js';
import { actionUnits } from './action-units.js';
import { signal } from './signal.js';

/** Circumplex position of each class. */
export const CIRCUMPLEX: Readonly<Record<WiaEmotion, WiaDimensions>> = {
  happiness: { valence: 0.8, arousal: 0.6 },
  surprise: { valence: 0.2, arousal: 0.85 },
  neutral: { valence: 0, arousal: 0.2 },
  sadness: { valence: -0.7, arousal: 0.3 },
  disgust: { valence: -0.65, arousal: 0.5 },
  anger: { valence: -0.6, arousal: 0.85 },
  fear: { valence: -0.65, arousal: 0.8 },
};

/** Probability-weighted circumplex position; probabilities need not be normalised. */
export function valenceArousal(scores: readonly { label: WiaEmotion; confidence: number }[]): WiaDimensions {
  let valence = 0, arousal = 0, total = 0;
  for (const { label, confidence } of scores) {
    valence += CIRCUMPLEX[label].valence * confidence;
    arousal += CIRCUMPLEX[label].arousal * confidence;
    total += confidence;
  }
  if (!(total > 0)) return { ...CIRCUMPLEX.neutral };
  return { valence: round(valence / total, 4), arousal: round(arousal / total, 4) };
}

/**
 * `dimensions`: valence/arousal of every face, unless `returnDimensions: false`. When the face has a mesh (a signal
 * that reads it was asked for: action units, attention, learning states, landmarks), they are refined by its action
 * units ({@link refinedDimensions}).
 */
export const dimensionsSignal = signal({
  field: 'dimensions',
  option: 'returnDimensions',
  needs: ['scores'],
  derive: ({ face, scores, features }) => {
    const plain = valenceArousal(scores);
    const f = face.mesh ? features() : undefined;
    return f ? refinedDimensions(plain, actionUnits(f.actionUnits, f.baseline?.actionUnits)) : plain;
  },
});

/**
 * Action-unit weights of the refinement: each dimension moves by the weighted sum of intensities (see
 * {@link refinedDimensions}). Least squares (ridge 1) of the circumplex mapping's error against FER+ vote-derived
 * valence/arousal on 1,527 FER2013 Training faces, over the units the circumplex suggests (AU6, AU12, AU4 for
 * valence; AU5, AU25 for arousal; `test/eval/signals/fit-dimensions.ts`). The fit keeps a smile's lift of valence
 * beyond what the classifier gives; the arousal weights came out near zero (the classifier's surprise and fear
 * already carry wide eyes and an open mouth) and are kept as fitted. Effect on PrivateTest: docs/signals.md ("Action units").
 */
export const DIMENSION_AU_WEIGHTS: Readonly<{ valence: Readonly<Record<string, number>>; arousal: Readonly<Record<string, number>> }> = {
  valence: { AU6: 0.053, AU12: 0.13, AU4: 0.012 },
  arousal: { AU5: -0.03, AU25: 0.008 },
};

/**
 * Valence/arousal of the circumplex mapping, moved by the face's action units (`DIMENSION_AU_WEIGHTS`), clamped
 * to the ranges.
 */
export function refinedDimensions(plain: WiaDimensions, units: readonly ActionUnit[]): WiaDimensions {
  let valence = plain.valence, arousal = plain.arousal;
  for (const { au, intensity } of units) {
    valence += (DIMENSION_AU_WEIGHTS.valence[au] ?? 0) * intensity;
    arousal += (DIMENSION_AU_WEIGHTS.arousal[au] ?? 0) * intensity;
  }
  return { valence: round(Math.min(1, Math.max(-1, valence)), 4), arousal: round(Math.min(1, Math.max(0, arousal)), 4) };
}
