/**
 * What crosses the training boundary (page ↔ worker): plain numbers and typed arrays, no tfjs types.
 */

/** The weights of a head: `tanh(x·w1 + b1)·w2 + b2`, matrices row-major (`w1` is `inputs × hidden`). */
export interface DenseHead {
  inputs: number;
  hidden: number;
  outputs: number;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

/** One head to fit. */
export interface FitRequest {
  /** Number of samples. */
  rows: number;
  inputs: number;
  hidden: number;
  outputs: number;
  /** Inputs, `rows × inputs`, row-major. */
  x: Float32Array;
  /** Targets, `rows × outputs`: residuals (`huber`), or one-hot labels (`softmax`). */
  y: Float32Array;
  /** `softmax` only: added to the head's output before the softmax (the base log-probabilities). */
  offset?: Float32Array;
  /**
   * `huber`: the head regresses `y` under the Huber loss (quadratic within `huberDelta`, linear beyond, so one
   * wild correction pulls less than under squared error); `softmax`: `offset + head` are the logits of the classes
   * in `y`, under cross-entropy.
   */
  loss: 'huber' | 'softmax';
  /** `huber` only: where the loss turns from quadratic to linear, in target units. */
  huberDelta: number;
  /** Full-batch Adam steps. */
  epochs: number;
  learningRate: number;
  /** Weight of the L2 penalty on `w1` and `w2`. */
  l2: number;
  /** Seed of the initial weights. */
  seed: number;
}

/** A fitted head. */
export interface FitResult {
  head: DenseHead;
  /** The loss on the training data at the last step (penalty included). */
  loss: number;
  /** How long the fit took, in ms. */
  ms: number;
  /** The tfjs backend it ran on. */
  backend: string;
}
