import { describe, expect, it } from 'vitest';
import { EmoLensError, toEmoLensError, httpStatusOf } from '../errors.js';
import { WIA_EMOTIONS } from '../labels.js';
import type { WiaFaceResult } from '../wia.js';
import { toEmotionApi } from './emotion-api.js';
import { largestFace, largestFaceIndex } from './largest-face.js';
import { toRankedList } from './ranked-list.js';
import { toSamoError } from './samo-error.js';
import { toWakeePrediction } from './wakee-predict.js';
import { toWebcamError, toWebcamPredict, webcamHttpStatus } from './webcam.js';

const face = () => ({
  face_id: 0,
  bbox: { x: 1, y: 2, width: 30, height: 40 },
  emotions: { primary: { label: 'happiness', confidence: 0.9 }, all: WIA_EMOTIONS.map((label) => ({ label, confidence: label === 'happiness' ? 0.9 : 0.1 / 6 })) },
});

const adapters: [string, (result: unknown) => unknown][] = [
  ['toEmotionApi', (r) => toEmotionApi(r as WiaFaceResult)],
  ['toWebcamPredict', (r) => toWebcamPredict(r as WiaFaceResult)],
  ['toRankedList', (r) => toRankedList(r as WiaFaceResult)],
  ['toWakeePrediction', (r) => toWakeePrediction(r as WiaFaceResult, new Date(0))],
  ['largestFace', (r) => largestFace(r as WiaFaceResult)],
  ['largestFaceIndex', (r) => largestFaceIndex(r as WiaFaceResult)],
];

/** The field the adapter's `INVALID_REQUEST` names for `result`. */
function refusal(adapter: (result: unknown) => unknown, result: unknown): string {
  try {
    adapter(result);
  } catch (error) {
    expect(error).toBeInstanceOf(EmoLensError);
    expect((error as EmoLensError).code).toBe('INVALID_REQUEST');
    return String((error as EmoLensError).details.field);
  }
  throw new Error('no error');
}

describe('the adapters of results, given what is not one', () => {
  const withFace = (change: (f: ReturnType<typeof face>) => unknown) => {
    const f = face();
    change(f);
    return { request_id: 'req_1', processing_time_ms: 1, faces: [face(), f] };
  };
  const cases: [unknown, string][] = [
    [null, 'result'],
    [{}, 'result.faces'],
    [{ faces: {} }, 'result.faces'],
    [{ faces: [null] }, 'result.faces[0]'],
    [withFace((f) => ((f as { bbox: unknown }).bbox = null)), 'result.faces[1].bbox'],
    [withFace((f) => (f.bbox.width = Number.NaN)), 'result.faces[1].bbox.width'],
    [withFace((f) => ((f.emotions.primary as { label: string }).label = 'joy')), 'result.faces[1].emotions.primary.label'],
    [withFace((f) => ((f.emotions.primary as { label: string }).label = 'constructor')), 'result.faces[1].emotions.primary.label'],
    [withFace((f) => ((f.emotions as { all: unknown }).all = 'x')), 'result.faces[1].emotions.all'],
    [withFace((f) => ((f.emotions.all[2] as { confidence: unknown }).confidence = '0.5')), 'result.faces[1].emotions.all[2].confidence'],
    [new Proxy({}, { get: () => { throw new Error('trap'); } }), 'result'],
  ];

  for (const [name, adapter] of adapters) {
    it(`${name} refuses each with INVALID_REQUEST naming the part`, () => {
      expect(cases.map(([result]) => refusal(adapter, result))).toEqual(cases.map(([, field]) => field));
    });
  }

  it('toRankedList refuses options that are not an object of its keys', () => {
    const result = { request_id: 'r', processing_time_ms: 1, faces: [face()] } as unknown as WiaFaceResult;
    expect(() => toRankedList(result, null as never)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => toRankedList(result, { top: 2 } as never)).toThrow(expect.objectContaining({ details: expect.objectContaining({ kind: 'unknown_option' }) }));
    expect(toRankedList(result, { topK: 1 })).toEqual([{ emotion: 'joy', confidence: 0.9 }]);
  });
});

describe('the adapters of errors, given what is not an EmoLensError', () => {
  it('answer it as INTERNAL_ERROR', () => {
    for (const thrown of [new TypeError('boom'), null, undefined, 'text', { code: 'INVALID_IMAGE' }]) {
      expect(toWebcamError(thrown)).toEqual({ error: 'Unexpected error' });
      expect(webcamHttpStatus(thrown)).toBe(500);
      expect(toSamoError(thrown, new Date(0))).toMatchObject({ error: 'Unexpected error', code: 'INTERNAL_ERROR', details: { kind: 'unexpected' } });
    }
    expect(toEmoLensError(new TypeError('boom')).details).toEqual({ kind: 'unexpected', reason: 'TypeError: boom' });
  });

  it('give a code they do not know the status and SAMO code of an internal error', () => {
    const forged = Object.assign(new EmoLensError('INTERNAL_ERROR', 'x'), { code: 'toString' }) as unknown as EmoLensError;
    expect(httpStatusOf(forged)).toBe(500);
    expect(toSamoError(forged).code).toBe('INTERNAL_ERROR');
    expect(httpStatusOf(new EmoLensError('DISPOSED', 'gone'))).toBe(503);
  });
});
