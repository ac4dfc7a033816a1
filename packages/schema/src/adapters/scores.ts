/**
 * Internal helpers shared by the adapters (not exported from the package).
 */
import { WIA_EMOTIONS, type WiaEmotion } from '../labels.js';
import type { WiaFace } from '../wia.js';

/**
 * The probability of each of the seven WIA classes for a face, read from `emotions.all`. A class missing
 * from `all` (a WIA result from another server may list only a few) counts as 0.
 */
export function scoreMap(face: WiaFace): Record<WiaEmotion, number> {
  const scores = { happiness: 0, sadness: 0, anger: 0, fear: 0, disgust: 0, surprise: 0, neutral: 0 };
  for (const { label, confidence } of face.emotions.all) if (label in scores) scores[label] = confidence;
  return scores;
}

/**
 * The seven classes ordered by probability, highest first; equal probabilities keep the order of
 * {@link WIA_EMOTIONS} (the SDK's tie order), so the result never depends on the order of `all`.
 */
export function rankedClasses(scores: Record<WiaEmotion, number>): WiaEmotion[] {
  return [...WIA_EMOTIONS].sort((a, b) => scores[b] - scores[a] || WIA_EMOTIONS.indexOf(a) - WIA_EMOTIONS.indexOf(b));
}
