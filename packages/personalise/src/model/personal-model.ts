/**
 * The trained personalisation: the normalisation of its training set and one or two heads, as plain typed arrays.
 * Predicting with it needs no tfjs: the heads are small enough to run in plain JavaScript on the page.
 */
import type { DenseHead } from '../train/fit-types.js';
import type { Normalisation } from './head-input.js';

/** A trained head and how many corrections it learned from. */
export interface TrainedHead {
  head: DenseHead;
  /** Corrections in its training set (the blend weight grows with it). */
  corrections: number;
}

/** What `train()` produces, and what an export carries. */
export interface PersonalModel {
  normalisation: Normalisation;
  /** Learning-state head: the residual (corrected − predicted) / 3 of each state, in `LEARNING_STATES` order. */
  states: TrainedHead;
  /** Emotion head, when some corrections named an emotion: residual logits of the seven labels, in `WIA_EMOTIONS` order. */
  emotion: TrainedHead | undefined;
}

/** `tanh(input·w1 + b1)·w2 + b2`, in double precision. */
export function runHead(head: DenseHead, input: Float32Array): Float64Array {
  const hidden = new Float64Array(head.hidden);
  for (let h = 0; h < head.hidden; h++) {
    let sum = head.b1[h]!;
    for (let i = 0; i < head.inputs; i++) sum += input[i]! * head.w1[i * head.hidden + h]!;
    hidden[h] = Math.tanh(sum);
  }
  const out = new Float64Array(head.outputs);
  for (let o = 0; o < head.outputs; o++) {
    let sum = head.b2[o]!;
    for (let h = 0; h < head.hidden; h++) sum += hidden[h]! * head.w2[h * head.outputs + o]!;
    out[o] = sum;
  }
  return out;
}
