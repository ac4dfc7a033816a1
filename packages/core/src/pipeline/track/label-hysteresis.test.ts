import { describe, expect, it } from 'vitest';
import { WIA_EMOTIONS, type WiaEmotion, type WiaEmotionScore } from '@emolens/schema';
import { hysteresisLabel } from './label-hysteresis.js';

/** Sorted scores with the given probabilities (the other classes share what is left). */
function scores(given: Partial<Record<WiaEmotion, number>>): WiaEmotionScore[] {
  const rest = WIA_EMOTIONS.filter((label) => given[label] === undefined);
  const left = 1 - Object.values(given).reduce((sum, p) => sum + p, 0);
  return WIA_EMOTIONS.map((label) => ({ label, confidence: given[label] ?? left / rest.length })).sort((a, b) => b.confidence - a.confidence);
}

/** The labels reported over a sequence of frames. */
function labels(frames: Partial<Record<WiaEmotion, number>>[], margin: number): WiaEmotion[] {
  let held: WiaEmotion | undefined;
  return frames.map((frame) => (held = hysteresisLabel(held, scores(frame), margin)));
}

describe('hysteresisLabel', () => {
  it('starts on the best class', () => {
    expect(hysteresisLabel(undefined, scores({ surprise: 0.6, fear: 0.3 }), 0.1)).toBe('surprise');
  });

  it('does not flicker on alternating near-ties', () => {
    const frames = Array.from({ length: 20 }, (_, k) => (k % 2 ? { happiness: 0.44, neutral: 0.48 } : { happiness: 0.48, neutral: 0.44 }));
    expect(new Set(labels(frames, 0.1))).toEqual(new Set(['happiness']));
    // Without hysteresis it flickers every frame.
    expect(new Set(labels(frames, 0))).toEqual(new Set(['happiness', 'neutral']));
  });

  it('switches on a clear change, as soon as the lead reaches the margin', () => {
    const frames = [{ neutral: 0.7, happiness: 0.2 }, { neutral: 0.5, happiness: 0.45 }, { neutral: 0.45, happiness: 0.5 }, { neutral: 0.45, happiness: 0.55 }, { neutral: 0.2, happiness: 0.75 }];
    expect(labels(frames, 0.1)).toEqual(['neutral', 'neutral', 'neutral', 'happiness', 'happiness']);
    // And back only when neutral leads happiness by the margin in turn.
    expect(labels([...frames, { neutral: 0.5, happiness: 0.45 }, { neutral: 0.6, happiness: 0.3 }], 0.1).slice(-2)).toEqual(['happiness', 'neutral']);
  });

  it('switches to the best class, whichever held', () => {
    expect(hysteresisLabel('neutral', scores({ anger: 0.5, fear: 0.4, neutral: 0.05 }), 0.1)).toBe('anger');
  });

  it('with a margin of 0, reports the best class every frame (primary = all[0])', () => {
    const tie = scores({ sadness: 0.4, fear: 0.4 });
    expect(hysteresisLabel('fear', tie, 0)).toBe(tie[0]!.label);
  });
});
