import { describe, expect, it } from 'vitest';
import { TRACKING_DEFAULTS, type ResolvedTrackingOptions } from '../../options.js';
import { EmaFilter, OneEuroFilter, valueFilter, type ValueFilter } from './smoothing.js';

/** Feeds `filter` the samples `value(t)` at `fps` from 0 to `durationMs` (inclusive), returning the last output. */
function run(filter: ValueFilter, fps: number, durationMs: number, value: (t: number) => number[]): number[] {
  let out: number[] = [];
  const frames = Math.round((durationMs * fps) / 1000);
  for (let k = 0; k <= frames; k++) out = filter.next(value((k * 1000) / fps), (k * 1000) / fps);
  return out;
}

const step = (t: number) => (t === 0 ? [0, 1] : [1, 0]);
const options = (changes: Partial<ResolvedTrackingOptions>) => ({ ...TRACKING_DEFAULTS, ...changes });

describe('valueFilter', () => {
  it('makes the filter the options name; off is the identity', () => {
    expect(valueFilter(options({}))).toBeInstanceOf(OneEuroFilter);
    expect(valueFilter(options({ smoothing: 'ema' }))).toBeInstanceOf(EmaFilter);
    const off = valueFilter(options({ smoothing: 'off' }));
    for (const [k, values] of [[0.1, 0.9], [0.7, 0.3], [0.2, 0.8]].entries()) expect(off.next(values, k * 33)).toEqual(values);
  });
});

describe.each([
  ['one-euro', () => new OneEuroFilter(TRACKING_DEFAULTS.smoothingMinCutoffHz, TRACKING_DEFAULTS.smoothingBeta)],
  ['ema', () => new EmaFilter(TRACKING_DEFAULTS.emaHalfLifeMs)],
] as const)('%s', (_name, make) => {
  it('starts from the first sample as it is', () => {
    expect(make().next([0.3, 0.7], 1234)).toEqual([0.3, 0.7]);
  });

  it('converges to a constant input, from below and above', () => {
    const out = run(make(), 30, 3000, (t) => (t === 0 ? [0, 1] : [0.6, 0.4]));
    expect(out[0]).toBeCloseTo(0.6, 4);
    expect(out[1]).toBeCloseTo(0.4, 4);
  });

  it('smooths: a step is not passed at once, and the output stays between the inputs', () => {
    const filter = make();
    filter.next([0, 1], 0);
    const [a, b] = filter.next([1, 0], 33);
    expect(a).toBeGreaterThan(0);
    expect(a).toBeLessThan(0.5);
    expect(a! + b!).toBeCloseTo(1, 12); // a weighted mean of the inputs, per value
  });

  it('runs on time, not on frames: the same input at 15 and 60 fps is at the same value after the same time', () => {
    // An expression changing over 300 ms. The 1€ filter's speed estimate depends a little on the sampling (a filter
    // that counted frames would see 4 times as many at 60 fps, and be far ahead).
    const ramp = (t: number) => [Math.min(1, t / 300), Math.max(0, 1 - t / 300)];
    for (const ms of [200, 400, 600]) expect(Math.abs(run(make(), 15, ms, ramp)[0]! - run(make(), 60, ms, ramp)[0]!)).toBeLessThan(0.07);
    expect(Math.abs(run(make(), 15, 1000, ramp)[0]! - run(make(), 60, 1000, ramp)[0]!)).toBeLessThan(0.005);
    expect(Math.abs(run(make(), 15, 1000, step)[0]! - run(make(), 60, 1000, step)[0]!)).toBeLessThan(0.005);
  });

  it('changes nothing for a sample at the previous timestamp (no time passed)', () => {
    const filter = make();
    filter.next([0, 1], 0);
    const before = filter.next([1, 0], 40);
    expect(filter.next([0.5, 0.5], 40)).toEqual(before);
  });
});

describe('OneEuroFilter', () => {
  it('is a plain low-pass at minCutoffHz without beta: exactly the same at any frame rate', () => {
    for (const fps of [10, 15, 30, 60, 120]) {
      // 1 Hz: time constant 1/(2π) s; after 0.6 s a unit step has come 1 − e^(−1.2π) of the way.
      expect(run(new OneEuroFilter(1, 0), fps, 600, step)[0]).toBeCloseTo(1 - Math.exp(-1.2 * Math.PI), 9);
    }
  });

  it('follows a fast change more closely with a higher beta, and holds noise down when still', () => {
    const lagging = run(new OneEuroFilter(0.5, 0), 30, 200, step)[0]!;
    const following = run(new OneEuroFilter(0.5, 0.3), 30, 200, step)[0]!;
    expect(following).toBeGreaterThan(lagging + 0.1);
    // A steady value with frame-to-frame jitter of ±0.05: the output varies far less.
    const filter = new OneEuroFilter(TRACKING_DEFAULTS.smoothingMinCutoffHz, TRACKING_DEFAULTS.smoothingBeta);
    const outputs: number[] = [];
    for (let k = 0; k < 90; k++) outputs.push(filter.next([0.5 + (k % 2 ? 0.05 : -0.05)], (k * 1000) / 30)[0]!);
    const late = outputs.slice(30);
    expect(Math.max(...late) - Math.min(...late)).toBeLessThan(0.04);
  });
});

describe('EmaFilter', () => {
  it('halves the distance to a constant input every half-life, at any frame rate', () => {
    for (const fps of [10, 30, 60]) expect(run(new EmaFilter(150), fps, 300, step)[0]).toBeCloseTo(0.75, 9);
  });
});
