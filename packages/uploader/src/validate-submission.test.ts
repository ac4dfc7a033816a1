import { describe, expect, it } from 'vitest';
import { validateSubmission } from './validate-submission.js';

const scores = { boredom: 0, confusion: 1.5, engagement: 3, frustration: 2 };
const probabilities = { happiness: 0.5, sadness: 0.1, anger: 0.1, fear: 0.1, disgust: 0.1, surprise: 0.05, neutral: 0.05 };

function fieldOf(f: () => void): unknown {
  try {
    f();
  } catch (e) {
    return (e as { code: string; details: { field: string } }).code === 'INVALID_REQUEST' ? (e as { details: { field: string } }).details.field : e;
  }
  return undefined;
}

describe('validateSubmission', () => {
  it('accepts scores in [0, 3], the extension fields and meta', () => {
    expect(() =>
      validateSubmission(scores, scores, { predicted_emotion: 'happiness', user_emotion: 'neutral', predicted_probabilities: probabilities }, { session: 's1', n: 3, ok: true, none: null }),
    ).not.toThrow();
    expect(() => validateSubmission(scores, scores, undefined, undefined)).not.toThrow();
  });

  it.each([
    [() => validateSubmission({ ...scores, boredom: -0.1 }, scores, undefined, undefined), 'predicted.boredom'],
    [() => validateSubmission(scores, { ...scores, frustration: 3.01 }, undefined, undefined), 'corrected.frustration'],
    [() => validateSubmission(scores, { ...scores, engagement: Number.NaN }, undefined, undefined), 'corrected.engagement'],
    [() => validateSubmission(scores, { boredom: 1, confusion: 1, engagement: 1 } as never, undefined, undefined), 'corrected.frustration'],
    [() => validateSubmission(null as never, scores, undefined, undefined), 'predicted'],
    [() => validateSubmission(scores, scores, { predicted_emotion: 'joy' as never }, undefined), 'extensions.predicted_emotion'],
    [() => validateSubmission(scores, scores, { user_emotion: 'happy' as never }, undefined), 'extensions.user_emotion'],
    [() => validateSubmission(scores, scores, { predicted_probabilities: { ...probabilities, fear: 2 } }, undefined), 'extensions.predicted_probabilities.fear'],
    [() => validateSubmission(scores, scores, { predicted_probabilities: { ...probabilities, joy: 0 } as never }, undefined), 'extensions.predicted_probabilities.joy'],
    [() => validateSubmission(scores, scores, { meta: {} } as never, undefined), 'extensions.meta'],
    [() => validateSubmission(scores, scores, { wia_face: 'x' as never }, undefined), 'extensions.wia_face'],
    [() => validateSubmission(scores, scores, undefined, { 'bad key': 1 }), 'meta.bad key'],
    [() => validateSubmission(scores, scores, undefined, { long: 'x'.repeat(257) }), 'meta.long'],
    [() => validateSubmission(scores, scores, undefined, { nested: {} as never }), 'meta.nested'],
    [() => validateSubmission(scores, scores, undefined, { inf: Number.POSITIVE_INFINITY }), 'meta.inf'],
    [() => validateSubmission(scores, scores, undefined, Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i]))), 'meta'],
  ])('refuses case %# with INVALID_REQUEST naming the field', (call, field) => {
    expect(fieldOf(call)).toBe(field);
  });
});
