/**
 * A face's emotions as points in time, in the form the chart draws: probabilities in `WIA_EMOTIONS` order and the
 * index of the primary label. Both the live history and a video's timeline are turned into these.
 */
import { WIA_EMOTIONS, type WiaFace } from '@emolens/core';

/** One face at one time. */
export interface EmotionPoint {
  /** Milliseconds (since the session started, or from the video's start). */
  t: number;
  /** Probability of each class, in `WIA_EMOTIONS` order. */
  probs: Float32Array;
  /** Index in `WIA_EMOTIONS` of the reported primary label. */
  primary: number;
}

const INDEX = new Map<string, number>(WIA_EMOTIONS.map((label, i) => [label, i]));

/** The index of `label` in `WIA_EMOTIONS`. */
export function emotionIndex(label: string): number {
  return INDEX.get(label) ?? WIA_EMOTIONS.indexOf('neutral');
}

/** `face` at time `t` as a chart point. */
export function toPoint(t: number, face: WiaFace): EmotionPoint {
  const probs = new Float32Array(WIA_EMOTIONS.length);
  for (const { label, confidence } of face.emotions.all) probs[emotionIndex(label)] = confidence;
  return { t, probs, primary: emotionIndex(face.emotions.primary.label) };
}
