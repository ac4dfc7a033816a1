/**
 * Personalised estimates: the base estimate plus the head's residual, weighted by how much the head has learned
 * from ({@link blendWeight}).
 */
import { LEARNING_STATES, LEARNING_STATE_MAX, LEARNING_STATE_MIN, WIA_EMOTIONS, type LearningStateScores, type WiaEmotion } from '@emolens/schema';
import { EMOTION_OFFSET } from '../features.js';
import { EMOTION_HEAD_INPUTS, STATE_HEAD_INPUTS, writeStandardised, writeStateInput } from './head-input.js';
import { runHead, type PersonalModel } from './personal-model.js';

/** Smallest base probability whose logarithm the emotion head adds to (keeps log(0) out). */
export const MIN_PROBABILITY = 1e-4;

/**
 * Weight of a head's residual after `n` corrections: `n / (n + k)`. 0 with none (the base estimate, exactly);
 * ½ after `k`; towards 1 as corrections accumulate.
 */
export function blendWeight(n: number, k: number): number {
  return n <= 0 ? 0 : n / (n + k);
}

/** The base learning-state scores plus the model's blended residual, each clamped to [0, 3]. */
export function predictStates(model: PersonalModel | undefined, features: ArrayLike<number>, base: LearningStateScores, k: number): LearningStateScores {
  const weight = model ? blendWeight(model.states.corrections, k) : 0;
  if (!model || weight === 0) return { ...base };
  const input = new Float32Array(STATE_HEAD_INPUTS);
  writeStateInput(features, base, model.normalisation, input);
  const residual = runHead(model.states.head, input);
  const out = {} as LearningStateScores;
  LEARNING_STATES.forEach((state, i) => {
    const value = base[state] + weight * residual[i]! * LEARNING_STATE_MAX;
    out[state] = Math.min(LEARNING_STATE_MAX, Math.max(LEARNING_STATE_MIN, value));
  });
  return out;
}

/**
 * The emotion probabilities of `features` (its first seven slots), personalised: the softmax of the base
 * log-probabilities plus the emotion head's blended residual logits. Without an emotion head, the base
 * probabilities as they are.
 */
export function predictEmotions(model: PersonalModel | undefined, features: ArrayLike<number>, k: number): Record<WiaEmotion, number> {
  const base = WIA_EMOTIONS.map((_, i) => features[EMOTION_OFFSET + i]!);
  const emotion = model?.emotion;
  const weight = emotion ? blendWeight(emotion.corrections, k) : 0;
  if (!model || !emotion || weight === 0) return asProbabilities(base);
  const input = new Float32Array(EMOTION_HEAD_INPUTS);
  writeStandardised(features, model.normalisation, input);
  const residual = runHead(emotion.head, input);
  const logits = base.map((p, i) => Math.log(Math.max(MIN_PROBABILITY, p)) + weight * residual[i]!);
  const top = Math.max(...logits);
  const exp = logits.map((l) => Math.exp(l - top));
  const sum = exp.reduce((a, b) => a + b, 0);
  return Object.fromEntries(WIA_EMOTIONS.map((label, i) => [label, exp[i]! / sum])) as Record<WiaEmotion, number>;
}

/**
 * The features' seven emotion values as probabilities: as they are when they already are (what `featuresOf` gives,
 * summing to 1), else clamped at 0 and scaled to sum 1 (uniform when none is above 0): a hand-made vector in
 * [-1, 1] must not come out as negative "probabilities".
 */
function asProbabilities(values: readonly number[]): Record<WiaEmotion, number> {
  const clamped = values.map((v) => Math.max(0, v));
  const sum = clamped.reduce((a, b) => a + b, 0);
  const out = Math.abs(sum - 1) < 1e-4 && clamped.every((v, i) => v === values[i]) ? values : sum > 0 ? clamped.map((v) => v / sum) : clamped.map(() => 1 / clamped.length);
  return Object.fromEntries(WIA_EMOTIONS.map((label, i) => [label, out[i]!])) as Record<WiaEmotion, number>;
}
