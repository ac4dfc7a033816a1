/**
 * Valence and arousal from the emotion distribution.
 *
 * Each class has a fixed position on Russell's circumplex of affect (valence: unpleasant −1 … pleasant +1;
 * arousal: calm 0 … excited 1), rounded from the positions commonly tabulated for the basic emotions. A
 * face's dimensions are the probability-weighted mean of those positions, so they move smoothly with the
 * distribution and stay inside the ranges.
 */
import type { WiaDimensions, WiaEmotion } from '@emolens/schema';
import { round } from '../../round.js';
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

/** `dimensions`: valence/arousal of every face, unless `returnDimensions: false`. */
export const dimensionsSignal = signal({
  field: 'dimensions',
  option: 'returnDimensions',
  needs: ['scores'],
  derive: ({ scores }) => valenceArousal(scores),
});
