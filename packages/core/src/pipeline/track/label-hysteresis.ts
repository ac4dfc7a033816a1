/**
 * Label hysteresis: the label a tracked face reports holds until another class clearly leads it. Two classes
 * close in probability trade first place from frame to frame even after smoothing; without a margin the
 * reported label would flicker between them.
 */
import type { WiaEmotion, WiaEmotionScore } from '@emolens/schema';

/**
 * Rounding slack: a lead computed as exactly `margin` from rounded figures (0.55 − 0.45) may fall a few ulps short
 * of it, and must still count.
 */
const SLACK = 1e-9;

/**
 * The label to report: `held` (the face's label on its previous frame) until the best class of `scores` exceeds
 * `held`'s probability by at least `margin`, then the best class. With no label held yet, or a margin of 0, the
 * best class.
 * @param scores every class with its probability, sorted (highest first).
 */
export function hysteresisLabel(held: WiaEmotion | undefined, scores: readonly WiaEmotionScore[], margin: number): WiaEmotion {
  const best = scores[0]!;
  if (held === undefined || best.label === held) return best.label;
  const heldConfidence = scores.find((score) => score.label === held)?.confidence ?? 0;
  return best.confidence - heldConfidence >= margin - SLACK ? best.label : held;
}
