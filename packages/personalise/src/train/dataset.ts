/**
 * The corrections as training sets: the normalisation of their features, the learning-state head's inputs and
 * residual targets, and (for the corrections that name an emotion) the emotion head's inputs, labels and base
 * log-probabilities.
 */
import { LEARNING_STATES, LEARNING_STATE_MAX, WIA_EMOTIONS } from '@emolens/schema';
import type { StoredCorrection } from '../correction.js';
import { EMOTION_OFFSET, FEATURE_LENGTH } from '../features.js';
import { EMOTION_HEAD_INPUTS, STATE_HEAD_INPUTS, normalisationOf, writeStandardised, writeStateInput, type Normalisation } from '../model/head-input.js';
import { MIN_PROBABILITY } from '../model/predict.js';
import type { FitRequest } from './fit-types.js';

/** How a head is fitted (the rest of a {@link FitRequest}). */
export interface FitSettings {
  hidden: number;
  huberDelta: number;
  epochs: number;
  learningRate: number;
  /** Strength of the L2 prior: each head's penalty weight is this / its number of samples. */
  weightDecay: number;
  seed: number;
}

/** The training sets of a list of corrections. */
export interface Datasets {
  normalisation: Normalisation;
  states: FitRequest;
  /** Only when some correction names an emotion. */
  emotion: FitRequest | undefined;
}

/** Builds the training sets of `corrections` (at least one). */
export function datasetsOf(corrections: readonly StoredCorrection[], settings: FitSettings): Datasets {
  const rows = corrections.length;
  const normalisation = normalisationOf(corrections.map((c) => c.features));
  const outputs = LEARNING_STATES.length;
  const x = new Float32Array(rows * STATE_HEAD_INPUTS);
  const y = new Float32Array(rows * outputs);
  corrections.forEach((c, r) => {
    writeStateInput(c.features, c.predicted, normalisation, x, r * STATE_HEAD_INPUTS);
    LEARNING_STATES.forEach((state, i) => {
      y[r * outputs + i] = (c.corrected[state] - c.predicted[state]) / LEARNING_STATE_MAX;
    });
  });
  const { weightDecay, ...fit } = settings;
  const states: FitRequest = { ...fit, l2: weightDecay / rows, rows, inputs: STATE_HEAD_INPUTS, outputs, x, y, loss: 'huber' };

  const labelled = corrections.filter((c) => c.correctedEmotion !== undefined);
  let emotion: FitRequest | undefined;
  if (labelled.length > 0) {
    const classes = WIA_EMOTIONS.length;
    const ex = new Float32Array(labelled.length * EMOTION_HEAD_INPUTS);
    const ey = new Float32Array(labelled.length * classes);
    const offset = new Float32Array(labelled.length * classes);
    labelled.forEach((c, r) => {
      writeStandardised(c.features, normalisation, ex, r * FEATURE_LENGTH);
      ey[r * classes + WIA_EMOTIONS.indexOf(c.correctedEmotion!)] = 1;
      for (let i = 0; i < classes; i++) offset[r * classes + i] = Math.log(Math.max(MIN_PROBABILITY, c.features[EMOTION_OFFSET + i]!));
    });
    // Its own seed: the emotion head does not depend on whether the state head was fitted first.
    emotion = { ...fit, l2: weightDecay / labelled.length, seed: settings.seed + 1, rows: labelled.length, inputs: EMOTION_HEAD_INPUTS, outputs: classes, x: ex, y: ey, offset, loss: 'softmax' };
  }
  return { normalisation, states, emotion };
}
