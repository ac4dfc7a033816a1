/**
 * The classify stage's output in WIA words: a classifier's probabilities, in its manifest's label order and
 * vocabulary, mapped through the one label table of `@emolens/schema`.
 */
import { toWia, type WiaEmotionScore } from '@emolens/schema';
import type { ClassifierManifest } from '../../assets/registry.js';

/** Scores in WIA labels, sorted by confidence (highest first), normalised to sum to 1. */
export function emotionScores(probabilities: Float32Array, manifest: Pick<ClassifierManifest, 'labels' | 'vocabulary'>): WiaEmotionScore[] {
  let total = 0;
  for (const p of probabilities) total += p;
  return manifest.labels
    .map((word, i) => ({ label: toWia(manifest.vocabulary, word), confidence: probabilities[i]! / total }))
    .sort((a, b) => b.confidence - a.confidence);
}
