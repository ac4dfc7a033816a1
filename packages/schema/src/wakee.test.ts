import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { LEARNING_STATES, toWakeeInsertBody, type LearningStateScores } from './wakee.js';

const load = async (name: string) => ((await import(`../schemas/${name}.schema.json`)) as { default: object }).default;
const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addSchema(await load('wia-face-result'), 'wia-face-result.schema.json');
const validate = ajv.compile(await load('wakee-insert-request'));

const predicted: LearningStateScores = { boredom: 1.2, confusion: 0.8, engagement: 2.1, frustration: 0.3 };
const corrected: LearningStateScores = { boredom: 1.5, confusion: 1, engagement: 2, frustration: 0.5 };
const face = {
  face_id: 0,
  bbox: { x: 1, y: 2, width: 30, height: 30 },
  emotions: {
    primary: { label: 'happiness', confidence: 0.7 },
    all: ['happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise', 'neutral'].map((label, i) => ({ label, confidence: i === 0 ? 0.7 : 0.05 })),
  },
};

describe('toWakeeInsertBody', () => {
  it('writes exactly the Wakee seed body from two score sets', () => {
    // The seed's curl example, field for field.
    expect(toWakeeInsertBody('AAAA', predicted, corrected)).toEqual({
      image_base64: 'AAAA',
      predicted_boredom: 1.2,
      predicted_confusion: 0.8,
      predicted_engagement: 2.1,
      predicted_frustration: 0.3,
      user_boredom: 1.5,
      user_confusion: 1,
      user_engagement: 2,
      user_frustration: 0.5,
    });
  });

  it('adds only the extension fields that are set, and the schema accepts them', () => {
    const body = toWakeeInsertBody('AAAA', predicted, corrected, {
      predicted_emotion: 'happiness',
      user_emotion: 'neutral',
      wia_face: face as never,
      meta: { session: 's1', at: 12, ok: true, none: null },
      predicted_probabilities: undefined,
    });
    expect(Object.keys(body)).not.toContain('predicted_probabilities');
    expect(validate(body), ajv.errorsText(validate.errors)).toBe(true);
  });
});

describe('wakee-insert-request schema', () => {
  const good = toWakeeInsertBody('AAAA', predicted, corrected);
  const bad: [string, unknown][] = [
    ['an unknown field', { ...good, extra: 1 }],
    ['a score above 3', { ...good, user_boredom: 3.01 }],
    ['a negative score', { ...good, predicted_confusion: -0.1 }],
    ['a score as a string', { ...good, user_engagement: '2' }],
    ['a missing score', Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'user_frustration'))],
    ['a data URL instead of base64', { ...good, image_base64: 'data:image/jpeg;base64,AAAA' }],
    ['an unknown emotion', { ...good, user_emotion: 'joy' }],
    ['a meta key with a path', { ...good, meta: { '../x': 1 } }],
    ['a meta value that is an object', { ...good, meta: { a: { b: 1 } } }],
  ];
  it.each(bad)('refuses %s', (_, body) => {
    expect(validate(body)).toBe(false);
  });

  it('names the four states in the order of the API', () => {
    expect(LEARNING_STATES).toEqual(['boredom', 'confusion', 'engagement', 'frustration']);
  });
});
