import { describe, expect, it } from 'vitest';
import { snapshotSubmission, validateSubmission } from './validate-submission.js';
import { fieldOf } from './testing/field-of.js';

const scores = { boredom: 0, confusion: 1.5, engagement: 3, frustration: 2 };
const face = {
  face_id: 0,
  bbox: { x: 1, y: 2, width: 30, height: 40 },
  emotions: { primary: { label: 'happiness', confidence: 0.7 }, all: ['happiness', 'neutral', 'surprise', 'sadness', 'anger', 'fear', 'disgust'].map((label) => ({ label, confidence: 1 / 7 })) },
};
const probabilities = { happiness: 0.5, sadness: 0.1, anger: 0.1, fear: 0.1, disgust: 0.1, surprise: 0.05, neutral: 0.05 };

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
    [() => validateSubmission(scores, scores, { wia_face: {} as never }, undefined), 'extensions.wia_face.face_id'],
    [() => validateSubmission(scores, scores, { wia_face: { ...face, bbox: { x: 0, y: 0, width: Number.NaN, height: 1 } } as never }, undefined), 'extensions.wia_face.bbox'],
    [() => validateSubmission(scores, scores, { wia_face: { ...face, emotions: { primary: { label: 'joy', confidence: 1 }, all: [] } } as never }, undefined), 'extensions.wia_face.emotions'],
    [() => validateSubmission(scores, scores, { wia_face: { ...face, landmarks: Array.from({ length: 479 }, () => ({ x: 0, y: 0, z: 0 })) } as never }, undefined), 'extensions.wia_face.landmarks'],
    [() => validateSubmission(scores, scores, { wia_face: { ...face, bbox: { ...face.bbox, z: 1 } } as never }, undefined), 'extensions.wia_face.bbox.z'],
    [() => validateSubmission(scores, scores, { wia_face: { ...face, extra: 1 } as never }, undefined), 'extensions.wia_face.extra'],
    [() => validateSubmission(scores, scores, { wia_face: { ...face, emotions: { ...face.emotions, all: [1, 2, 3, 4, 5, 6, 7] } } as never }, undefined), 'extensions.wia_face.emotions.all.0'],
    [() => validateSubmission(scores, scores, { wia_face: { ...face, emotions: { ...face.emotions, all: face.emotions.all.map((e, i) => (i === 3 ? { ...e, confidence: 2 } : e)) } } as never }, undefined), 'extensions.wia_face.emotions.all.3'],
    [() => validateSubmission(scores, scores, { wia_face: { ...face, emotions: { ...face.emotions, primary: { label: 'happiness', confidence: 0.7, why: 'x' } } } as never }, undefined), 'extensions.wia_face.emotions.primary.why'],
    [() => validateSubmission(scores, scores, undefined, { 'bad key': 1 }), 'meta.bad key'],
    [() => validateSubmission(scores, scores, undefined, { long: 'x'.repeat(257) }), 'meta.long'],
    [() => validateSubmission(scores, scores, undefined, { nested: {} as never }), 'meta.nested'],
    [() => validateSubmission(scores, scores, undefined, { inf: Number.POSITIVE_INFINITY }), 'meta.inf'],
    [() => validateSubmission(scores, scores, undefined, Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i]))), 'meta'],
  ])('refuses case %# with INVALID_REQUEST naming the field', (call, field) => {
    expect(fieldOf(call)).toBe(field);
  });
});

describe('snapshotSubmission', () => {
  it('copies the fields once: a change after the call, or a getter that answers differently later, changes nothing', () => {
    const corrected = { ...scores };
    let reads = 0;
    const meta = {
      get note() {
        return ++reads === 1 ? 'first' : 'x'.repeat(1000);
      },
    };
    const snapshot = snapshotSubmission({ image: 'AAAA', predicted: scores, corrected, meta });
    corrected.boredom = 99;
    expect(snapshot.corrected.boredom).toBe(0);
    expect(snapshot.meta).toEqual({ note: 'first' });
    expect(() => validateSubmission(snapshot.predicted, snapshot.corrected, snapshot.extensions, snapshot.meta)).not.toThrow();
    expect(snapshot.image).toBe('AAAA');
    expect(snapshotSubmission({ image: 'AAAA', predicted: scores, corrected, extensions: { wia_face: face } }).extensions?.wia_face).toEqual(face);
  });

  it('refuses what JSON cannot hold, or the server would refuse, with INVALID_REQUEST', () => {
    const circular: Record<string, unknown> = { ...face };
    circular['self'] = circular;
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const throwing = Object.defineProperty({}, 'a', { enumerable: true, get: () => { throw new Error('trap'); } });
    const cases: [object, string][] = [
      [{ predicted: scores, corrected: scores, extensions: { wia_face: circular } }, 'submission'],
      [{ predicted: scores, corrected: scores, meta: { big: 1n } }, 'submission'],
      [{ predicted: scores, corrected: scores, meta: proxy }, 'submission'],
      [{ predicted: scores, corrected: scores, meta: throwing }, 'submission'],
      [{ predicted: scores, corrected: scores, meta: JSON.parse('{"__proto__":"x"}') as object }, 'meta.__proto__'],
      [{ predicted: scores, corrected: scores, meta: { a: 'ok \ud800' } }, 'meta.a'],
      [{ predicted: scores, corrected: scores, meta: { note: 'a\u0000b' } }, 'meta.note'],
    ];
    for (const [submission, field] of cases) expect(fieldOf(() => snapshotSubmission({ image: 'AAAA', ...submission })), field).toBe(field);
    // A whole emoji (a surrogate pair) is fine.
    expect(() => snapshotSubmission({ image: 'AAAA', predicted: scores, corrected: scores, meta: { a: '😀' } })).not.toThrow();
  });
});
