/**
 * The `raw` extension of a stream's WIA face (`WiaFace.raw`) in `wia-face-result.schema.json`: results of a stream,
 * with smoothed values, a primary held by hysteresis and the frame's own values under `raw`, validate; a malformed
 * `raw` does not.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { WIA_EMOTIONS, type WiaEmotion, type WiaEmotions, type WiaFace, type WiaFaceResult } from './index.js';

// import(), not node:fs: this package typechecks without Node's types.
const schema = ((await import('../schemas/wia-face-result.schema.json')) as { default: Record<string, unknown> }).default;
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

function emotions(probabilities: Partial<Record<WiaEmotion, number>>, primary?: WiaEmotion): WiaEmotions {
  const all = WIA_EMOTIONS.map((label) => ({ label, confidence: probabilities[label] ?? 0 })).sort((a, b) => b.confidence - a.confidence);
  return { primary: primary ? all.find((s) => s.label === primary)! : { ...all[0]! }, all };
}

/** A face of a stream: smoothed, its primary held on neutral while happiness leads by less than the margin. */
const face: WiaFace = {
  face_id: 7,
  bbox: { x: 10, y: 20, width: 100, height: 100 },
  emotions: emotions({ happiness: 0.48, neutral: 0.44, surprise: 0.08 }, 'neutral'),
  dimensions: { valence: 0.4, arousal: 0.45 },
  raw: { emotions: emotions({ happiness: 0.7, neutral: 0.2, surprise: 0.1 }), dimensions: { valence: 0.58, arousal: 0.55 } },
};
const result = (...faces: unknown[]) => JSON.parse(JSON.stringify({ request_id: 'req_1', processing_time_ms: 3.5, faces } satisfies Record<keyof WiaFaceResult, unknown>)) as unknown;

describe('WiaFace.raw in wia-face-result.schema.json', () => {
  it('accepts a stream face with raw emotions and dimensions, with raw emotions alone, and a face without raw', () => {
    const { dimensions: _dimensions, ...withoutDimensions } = face;
    const valid = [result(face), result({ ...withoutDimensions, raw: { emotions: face.raw!.emotions } }), result({ ...face, raw: undefined })];
    for (const value of valid) expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects a malformed raw', () => {
    const bad = [
      { ...face, raw: {} },
      { ...face, raw: { dimensions: face.dimensions } },
      { ...face, raw: { ...face.raw, smoothed: true } },
      { ...face, raw: { ...face.raw, dimensions: { valence: 2, arousal: 0.5 } } },
      { ...face, raw: { emotions: { ...face.raw!.emotions, all: face.raw!.emotions.all.slice(0, 6) } } },
      { ...face, raw: { emotions: { primary: { label: 'joy', confidence: 1 }, all: face.raw!.emotions.all } } },
      { ...face, raw: [face.raw] },
    ];
    for (const value of bad) expect(validate(result(value))).toBe(false);
  });
});
