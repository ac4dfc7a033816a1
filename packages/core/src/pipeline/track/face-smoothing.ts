/**
 * What a stream reports of one tracked face: its class probabilities and dimensions smoothed over time
 * (`smoothing.ts`), its primary label held by hysteresis (`label-hysteresis.ts`), and, unless smoothing is off,
 * the frame's own values under `raw`. One instance per track, made when the track starts, so a new face starts
 * from its own raw values.
 */
import { WIA_EMOTIONS, type WiaEmotion, type WiaEmotionScore, type WiaFace } from '@emolens/schema';
import type { ResolvedTrackingOptions } from '../../options.js';
import { round } from '../../round.js';
import { hysteresisLabel } from './label-hysteresis.js';
import { valueFilter, type ValueFilter } from './smoothing.js';

/** One track's smoothing filters and reported label. */
export class FaceSmoothing {
  private readonly probabilities: ValueFilter;
  private readonly dimensions: ValueFilter;
  private label: WiaEmotion | undefined;

  constructor(private readonly options: ResolvedTrackingOptions) {
    this.probabilities = valueFilter(options);
    this.dimensions = valueFilter(options);
  }

  /**
   * The face as the stream reports it, from `face` as the frame alone gives it (at `timestampMs`):
   * - `emotions.all`: the smoothed probabilities, renormalised to sum to 1, sorted (ties in WIA order);
   * - `emotions.primary`: the hysteresis label with its smoothed probability, which may differ from `all[0]` while
   *   `all[0]` leads it by less than `labelHysteresis`;
   * - `dimensions` (when the face has them): smoothed valence and arousal;
   * - `raw` (unless smoothing is `off`): the frame's own `emotions` and `dimensions`.
   * Every other field is the frame's own.
   */
  apply(face: WiaFace, timestampMs: number): WiaFace {
    const raw = new Map(face.emotions.all.map((score) => [score.label, score.confidence]));
    const smoothed = normalised(this.probabilities.next(WIA_EMOTIONS.map((label) => raw.get(label) ?? 0), timestampMs));
    const all: WiaEmotionScore[] = WIA_EMOTIONS.map((label, i) => ({ label, confidence: smoothed[i]! })).sort((a, b) => b.confidence - a.confidence);
    const label = hysteresisLabel(this.label, all, this.options.labelHysteresis);
    this.label = label;
    const out: WiaFace = { ...face, emotions: { primary: { label, confidence: smoothed[WIA_EMOTIONS.indexOf(label)]! }, all } };
    if (face.dimensions) {
      const [valence, arousal] = this.dimensions.next([face.dimensions.valence, face.dimensions.arousal], timestampMs);
      out.dimensions = { valence: round(valence!, 4), arousal: round(arousal!, 4) };
    }
    if (this.options.smoothing !== 'off') out.raw = { emotions: face.emotions, ...(face.dimensions ? { dimensions: face.dimensions } : {}) };
    return out;
  }
}

/**
 * `values` scaled to sum to 1. Each value is filtered on its own, so their sum drifts from 1 (a little: every
 * filter is a weighted mean of the past values, which summed to 1, but each with its own weights).
 */
function normalised(values: number[]): number[] {
  const total = values.reduce((sum, v) => sum + v, 0);
  return total > 0 ? values.map((v) => v / total) : values;
}
