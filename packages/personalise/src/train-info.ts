/** What a training reports. */
export interface TrainInfo {
  /** Corrections the new model learned from (0: nothing to train on, the model is unchanged). */
  corrections: number;
  /** Of those, the ones that named an emotion (the emotion head's training set). */
  emotionCorrections: number;
  /** Wall time of the training, ms, from the page's side (worker start and transfers included). */
  ms: number;
  /** Time each head's fit took in tfjs, ms. */
  fitMs: { states: number; emotion?: number };
  /** Final training loss of each head (Huber loss of the residual / 3; cross-entropy), L2 penalty included. */
  loss: { states: number; emotion?: number };
  /** The tfjs backend it ran on (`cpu`), or `null` when nothing was trained. */
  backend: string | null;
  /** True when the model was not replaced: no corrections, or a `reset()`/`import()` came while it trained. */
  skipped: boolean;
}
