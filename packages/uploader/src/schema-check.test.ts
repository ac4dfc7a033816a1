import { WIA_EMOTIONS } from '@emolens/schema';
import { describe, expect, it } from 'vitest';
import { checkAgainstSchema } from './schema-check.js';
import { fieldOf } from './testing/field-of.js';

const scores = { boredom: 0, confusion: 1.5, engagement: 3, frustration: 2 };
const face = {
  face_id: 0,
  bbox: { x: 1, y: 2, width: 30, height: 40 },
  emotions: { primary: { label: 'happiness' as const, confidence: 0.7 }, all: WIA_EMOTIONS.map((label) => ({ label, confidence: 1 / 7 })) },
  dimensions: { valence: 0.1, arousal: 0.5 },
  head_pose: { yaw: 1, pitch: 2, roll: 3 },
};

describe('checkAgainstSchema', () => {
  it('takes a submission the /insert schema takes', () => {
    expect(() => checkAgainstSchema(scores, scores, { wia_face: face, predicted_emotion: 'happiness' }, { session: 's' })).not.toThrow();
    expect(() => checkAgainstSchema(scores, scores, undefined, undefined)).not.toThrow();
  });

  it.each([
    [{ wia_face: { ...face, dimensions: { valence: {}, arousal: 0.5 } } }, 'extensions.wia_face.dimensions.valence'],
    [{ wia_face: { ...face, dimensions: { valence: 2, arousal: 0.5 } } }, 'extensions.wia_face.dimensions.valence'],
    [{ wia_face: { ...face, head_pose: { yaw: 1, pitch: 2 } } }, 'extensions.wia_face.head_pose'],
    [{ wia_face: { ...face, landmarks: [{ x: 1, y: 2 }] } }, 'extensions.wia_face.landmarks.0'],
    [{ wia_face: { ...face, action_units: [{ au: 'AU3', intensity: 0.5 }] } }, 'extensions.wia_face.action_units.0.au'],
  ])('refuses case %# naming the field in the submission\'s terms', (extensions, field) => {
    expect(fieldOf(() => checkAgainstSchema(scores, scores, extensions as never, undefined))).toBe(field);
  });

  it('refuses emotions.all without each label once, naming a part of it', () => {
    const all = face.emotions.all.map(() => ({ label: 'fear' as const, confidence: 0.1 }));
    expect(fieldOf(() => checkAgainstSchema(scores, scores, { wia_face: { ...face, emotions: { ...face.emotions, all } } }, undefined))).toMatch(/^extensions\.wia_face\.emotions\.all/);
  });
});
