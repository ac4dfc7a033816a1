/**
 * Temporal smoothing of one face's values (its class probabilities, its dimensions) over the frames of a stream,
 * at the frames' own timestamps: a frame rate that drops, or a frame that comes late, is smoothed by the time
 * that passed, not by the count of frames.
 *
 * Both filters are first-order low-passes discretised exactly (`1 − e^(−dt/τ)`) rather than with the usual
 * first-order approximation (`dt / (dt + τ)`, which Casiez et al. write): the two agree when frames are much closer
 * than the time constant, and the exact form also gives a 15 fps and a 60 fps stream the same response over the
 * same time, which the approximation does not (it smooths slow streams less).
 */
import type { ResolvedTrackingOptions } from '../../options.js';

/** The 1€ filter's cutoff for its estimate of the speed of change: 1 Hz, the value Casiez et al. use throughout. */
export const ONE_EURO_DERIVATIVE_CUTOFF_HZ = 1;

/** Filters a vector of values (one face's) sample by sample. */
export interface ValueFilter {
  /**
   * The filtered `values`, observed at `timestampMs` (non-decreasing from sample to sample). The first sample
   * comes out as it is; a sample at the previous one's timestamp changes nothing (no time passed for it to act).
   */
  next(values: readonly number[], timestampMs: number): number[];
}

/** The options a filter is made from. */
export type SmoothingOptions = Pick<ResolvedTrackingOptions, 'smoothing' | 'smoothingMinCutoffHz' | 'smoothingBeta' | 'emaHalfLifeMs'>;

/** A new filter of the kind `options.smoothing` names. */
export function valueFilter(options: SmoothingOptions): ValueFilter {
  switch (options.smoothing) {
    case 'one-euro':
      return new OneEuroFilter(options.smoothingMinCutoffHz, options.smoothingBeta);
    case 'ema':
      return new EmaFilter(options.emaHalfLifeMs);
    case 'off':
      return { next: (values) => [...values] };
  }
}

/** The share of the new sample in a low-pass of time constant `tauS` after `dtS` seconds. */
function blend(dtS: number, tauS: number): number {
  return 1 - Math.exp(-dtS / tauS);
}

/** The time constant, in seconds, of a low-pass with cutoff `hz`. */
function timeConstant(hz: number): number {
  return 1 / (2 * Math.PI * hz);
}

/**
 * Holds the filtered values and the time they stand at, and hands each later sample, with the seconds since, to
 * `step` (once per value), so each filter only says how one value moves.
 */
abstract class TimedFilter implements ValueFilter {
  protected values: number[] | undefined;
  private at = 0;

  next(values: readonly number[], timestampMs: number): number[] {
    if (this.values === undefined || this.values.length !== values.length) {
      this.values = [...values];
      this.start(values.length);
    } else {
      const dtS = (timestampMs - this.at) / 1000;
      if (dtS > 0) for (let i = 0; i < values.length; i++) this.values[i] = this.step(i, values[i]!, this.values[i]!, dtS);
    }
    this.at = Math.max(this.at, timestampMs);
    return [...this.values];
  }

  /** Called when the filter starts from a first sample of `count` values. */
  protected start(_count: number): void {}

  /** Value `i`'s filtered value, from its last one, given the new sample `x` after `dtS` seconds. */
  protected abstract step(i: number, x: number, last: number, dtS: number): number;
}

/**
 * The 1€ filter (Casiez, Roussel, Vogel: "1€ Filter: A Simple Speed-based Low-pass Filter for Noisy Input in
 * Interactive Systems", CHI 2012), one per value: the value's speed is estimated (and itself low-passed at
 * {@link ONE_EURO_DERIVATIVE_CUTOFF_HZ}), and the cutoff is `minCutoffHz + beta × |speed|`.
 */
export class OneEuroFilter extends TimedFilter {
  private speeds: number[] = [];

  constructor(
    private readonly minCutoffHz: number,
    private readonly beta: number,
  ) {
    super();
  }

  protected override start(count: number): void {
    this.speeds = new Array<number>(count).fill(0);
  }

  protected step(i: number, x: number, last: number, dtS: number): number {
    const speed = this.speeds[i]! + blend(dtS, timeConstant(ONE_EURO_DERIVATIVE_CUTOFF_HZ)) * ((x - last) / dtS - this.speeds[i]!);
    this.speeds[i] = speed;
    return last + blend(dtS, timeConstant(this.minCutoffHz + this.beta * Math.abs(speed))) * (x - last);
  }
}

/** An exponential moving average whose weight halves every `halfLifeMs`. */
export class EmaFilter extends TimedFilter {
  constructor(private readonly halfLifeMs: number) {
    super();
  }

  protected step(_i: number, x: number, last: number, dtS: number): number {
    return last + blend(dtS, this.halfLifeMs / 1000 / Math.LN2) * (x - last);
  }
}
