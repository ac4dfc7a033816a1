/**
 * The REST adapters of `@emolens/schema` (pure functions, Node): exact outputs on hand-made WIA results, the
 * error bodies of the seeds byte for byte, request validation, and every output checked against its
 * published JSON Schema (and malformed objects rejected by it, so each schema can fail).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// ajv is a devDependency of @emolens/schema (the test package does not list it), hence the path.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {
  EMOTION_API_LABELS,
  ERROR_HTTP_STATUS,
  EmoLensError,
  ERROR_KINDS,
  LABEL_TABLE,
  SAMO_ERROR_CODE,
  SAMO_HTTP_STATUS,
  SAMO_LABELS,
  WEBCAM_LABELS,
  WIA_EMOTIONS,
  WIA_FACE_REQUEST_DEFAULTS,
  WIA_VIDEO_REQUEST_DEFAULTS,
  fromWia,
  largestFace,
  largestFaceIndex,
  parseWiaFaceRequest,
  parseWiaVideoRequest,
  summarizeTimeline,
  toEmotionApi,
  toRankedList,
  toSamoError,
  toWebcamError,
  toWakeePrediction,
  toWebcamPredict,
  toWia,
  wakeeTimestamp,
  webcamHttpStatus,
  type ErrorCode,
  type WiaEmotion,
  type WiaFace,
  type WiaFaceResult,
  type WiaVideoFrame,
  type WiaVideoResult,
} from '../../packages/schema/src/index.ts';

// ---------------------------------------------------------------------------------------------------------
// Fixtures: WIA results built the way the SDK builds them (all seven labels, sorted, ties in WIA order).
// Probabilities are binary fractions, so sums and ratios are exact.

type Scores = Partial<Record<WiaEmotion, number>>;

function face(face_id: number, [x, y, width, height]: [number, number, number, number], scores: Scores, extra: Partial<WiaFace> = {}): WiaFace {
  const all = WIA_EMOTIONS.map((label) => ({ label, confidence: scores[label] ?? 0 })).sort((a, b) => b.confidence - a.confidence);
  return { face_id, bbox: { x, y, width, height }, emotions: { primary: { ...all[0]! }, all }, ...extra };
}

function result(...faces: WiaFace[]): WiaFaceResult {
  return { request_id: 'req_test01', processing_time_ms: 14.25, faces };
}

/** happiness-primary; disgust 1/64. */
const HAPPY: Scores = { happiness: 0.5, neutral: 0.25, surprise: 0.125, sadness: 0.0625, anger: 0.03125, fear: 0.015625, disgust: 0.015625 };
/** disgust-primary; anger is the best of the other six (0.25 of 0.5 left). */
const DISGUSTED: Scores = { disgust: 0.5, anger: 0.25, sadness: 0.125, neutral: 0.0625, fear: 0.03125, surprise: 0.03125 };
/** neutral-primary. */
const NEUTRAL: Scores = { neutral: 0.75, sadness: 0.125, happiness: 0.0625, surprise: 0.0625 };
/** happiness and surprise tie (0.375 each), disgust 0.25. */
const TIED: Scores = { surprise: 0.375, happiness: 0.375, disgust: 0.25 };

const ONE = result(
  face(0, [120, 80, 200, 250], HAPPY, {
    dimensions: { valence: 0.72, arousal: 0.45 },
    landmarks: [
      { x: 150.25, y: 120.5, z: -3.1 },
      { x: 160, y: 121, z: 0 },
    ],
    head_pose: { yaw: 12.5, pitch: -4, roll: 1.2 },
    action_units: [
      { au: 'AU6', intensity: 0.8 },
      { au: 'AU12', intensity: 0.9 },
    ],
    attention: { eyes: { left: 0.8, right: 0.75 }, eyes_closed: false, blink_rate: 14.5, gaze: { yaw: 3.5, pitch: -1 }, head_pose: { yaw: 12.5, pitch: -4, roll: 1.2 } },
    learning_states: { boredom: 0.4, confusion: 0.5, engagement: 2.6, frustration: 0.1 },
  }),
);
/** The largest face (by area) is the middle one, the disgusted one. */
const THREE = result(
  face(0, [10, 20, 100, 100], HAPPY), // 10000
  face(1, [300, 40, 150, 160], DISGUSTED), // 24000
  face(2, [600, 50, 120, 130], NEUTRAL), // 15600
);
const NONE = result();

// ---------------------------------------------------------------------------------------------------------
// JSON Schemas

const SCHEMA_DIR = new URL('../../packages/schema/schemas/', import.meta.url);
const SCHEMA_FILES = [
  'wia-face-result',
  'wia-error',
  'wia-face-request',
  'wia-video-request',
  'wia-video-result',
  'emotion-api-response',
  'webcam-predict-response',
  'webcam-error',
  'ranked-list',
  'samo-error',
  'wakee-predict-response',
] as const;
type SchemaName = (typeof SCHEMA_FILES)[number];

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const schemas = Object.fromEntries(
  SCHEMA_FILES.map((name) => [name, JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), 'utf8')) as Record<string, unknown>]),
) as Record<SchemaName, Record<string, unknown>>;
// The video result's faces are `{ "$ref": "wia-face-result.schema.json#/$defs/face" }`, relative to its own file:
// Ajv resolves that only with the face result registered under its file name, before compiling.
ajv.addSchema(schemas['wia-face-result'], 'wia-face-result.schema.json');
const validators = Object.fromEntries(SCHEMA_FILES.map((name) => [name, ajv.compile(schemas[name])])) as Record<
  SchemaName,
  ReturnType<typeof ajv.compile>
>;

function expectValid(name: SchemaName, value: unknown): void {
  const validate = validators[name];
  const ok = validate(value);
  expect(ok, `${name}: ${ajv.errorsText(validate.errors)} for ${JSON.stringify(value)}`).toBe(true);
}

function expectInvalid(name: SchemaName, value: unknown): void {
  expect(validators[name](value), `${name} should reject ${JSON.stringify(value)}`).toBe(false);
}

/** A JSON round trip: what a server would send. */
function wire<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}

function enumOf(schema: unknown, ...path: string[]): unknown[] {
  let node = schema as Record<string, unknown>;
  for (const key of path) node = node[key] as Record<string, unknown>;
  return node['enum'] as unknown[];
}

/** Calls `fn`, expects an EmoLensError, returns it. */
function caught(fn: () => unknown): EmoLensError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EmoLensError);
    return error as EmoLensError;
  }
  throw new Error('expected an EmoLensError');
}

// ---------------------------------------------------------------------------------------------------------

describe('label table', () => {
  it('has the emotion-api, webcam and samo columns the adapters use', () => {
    expect(WIA_EMOTIONS.map((l) => LABEL_TABLE[l]['emotion-api']).filter((w) => w !== null)).toEqual([...EMOTION_API_LABELS]);
    expect(LABEL_TABLE.disgust['emotion-api']).toBeNull();
    expect(WIA_EMOTIONS.map((l) => LABEL_TABLE[l].webcam)).toEqual([...WEBCAM_LABELS]);
    expect(WIA_EMOTIONS.map((l) => LABEL_TABLE[l].samo)).toEqual([...SAMO_LABELS]);
    expect(SAMO_LABELS).toEqual(['joy', 'sadness', 'anger', 'fear', 'disgust', 'surprise', 'neutral']);
    expect(toWia('samo', 'joy')).toBe('happiness');
    expect(fromWia('samo', 'happiness')).toBe('joy');
    expect(() => toWia('samo', 'excitement')).toThrow();
  });

  it('agrees with the enums of the schemas', () => {
    expect(enumOf(schemas['emotion-api-response'], 'items', 'properties', 'emotion')).toEqual([...EMOTION_API_LABELS]);
    expect(enumOf(schemas['webcam-predict-response'], 'properties', 'emotion')).toEqual([...WEBCAM_LABELS, 'No face detected']);
    expect(enumOf(schemas['wia-face-result'], '$defs', 'label')).toEqual([...WIA_EMOTIONS]);
    const goEmotions = enumOf(schemas['ranked-list'], 'items', 'properties', 'emotion');
    expect(goEmotions).toHaveLength(28);
    for (const word of SAMO_LABELS) expect(goEmotions).toContain(word);
    const errorProps = ['properties', 'error', 'properties'];
    expect(enumOf(schemas['wia-error'], ...errorProps, 'code')).toEqual(Object.keys(ERROR_HTTP_STATUS));
    expect(enumOf(schemas['wia-error'], ...errorProps, 'details', 'properties', 'kind')).toEqual([...ERROR_KINDS]);
    expect(enumOf(schemas['samo-error'], 'properties', 'code')).toEqual(Object.keys(SAMO_HTTP_STATUS));
  });
});

describe('largestFace', () => {
  it('picks the largest box, the first of equal ones, none without faces', () => {
    expect(largestFaceIndex(THREE)).toBe(1);
    expect(largestFace(THREE)).toBe(THREE.faces[1]);
    expect(largestFaceIndex(NONE)).toBe(-1);
    expect(largestFace(NONE)).toBeUndefined();
    const equal = result(face(0, [0, 0, 40, 10], HAPPY), face(1, [50, 0, 20, 20], NEUTRAL), face(2, [90, 0, 10, 40], DISGUSTED));
    expect(largestFaceIndex(equal)).toBe(0);
  });
});

describe('toEmotionApi (POST /emotion)', () => {
  it('one face: its box as [x, y, w, h] and its best class among the six, renormalised without disgust', () => {
    const out = toEmotionApi(ONE);
    expect(out).toEqual([{ bounding_box: [120, 80, 200, 250], emotion: 'happy', confidence: 0.5 / 0.984375 }]);
    expect(JSON.stringify(out)).toBe('[{"bounding_box":[120,80,200,250],"emotion":"happy","confidence":0.5079365079365079}]');
    expectValid('emotion-api-response', wire(out));
  });

  it('three faces, in result order; the disgust-primary face reports its best non-disgust class', () => {
    const out = toEmotionApi(THREE);
    expect(out).toEqual([
      { bounding_box: [10, 20, 100, 100], emotion: 'happy', confidence: 0.5 / 0.984375 },
      { bounding_box: [300, 40, 150, 160], emotion: 'angry', confidence: 0.5 },
      { bounding_box: [600, 50, 120, 130], emotion: 'neutral', confidence: 0.75 },
    ]);
    expectValid('emotion-api-response', wire(out));
  });

  it('no face: []', () => {
    expect(toEmotionApi(NONE)).toEqual([]);
    expectValid('emotion-api-response', wire(toEmotionApi(NONE)));
  });

  it('ties go to the earlier WIA class, whatever the order of emotions.all', () => {
    const f = face(0, [1, 2, 3, 4], TIED);
    expect(f.emotions.all[0]!.label).toBe('happiness');
    const reversed: WiaFace = { ...f, emotions: { primary: f.emotions.primary, all: [...f.emotions.all].reverse() } };
    for (const g of [f, reversed]) expect(toEmotionApi(result(g))).toEqual([{ bounding_box: [1, 2, 3, 4], emotion: 'happy', confidence: 0.5 }]);
  });

  it('a face that is all disgust reports neutral with confidence 0', () => {
    const out = toEmotionApi(result(face(0, [5, 5, 50, 50], { disgust: 1 })));
    expect(out).toEqual([{ bounding_box: [5, 5, 50, 50], emotion: 'neutral', confidence: 0 }]);
    expectValid('emotion-api-response', wire(out));
  });

  it('takes a WIA result from another server whose emotions.all lists only some classes', () => {
    const partial: WiaFace = {
      face_id: 0,
      bbox: { x: 120, y: 80, width: 200, height: 250 },
      emotions: {
        primary: { label: 'happiness', confidence: 0.5 },
        all: [
          { label: 'happiness', confidence: 0.5 },
          { label: 'disgust', confidence: 0.25 },
          { label: 'neutral', confidence: 0.25 },
        ],
      },
    };
    expect(toEmotionApi(result(partial))).toEqual([{ bounding_box: [120, 80, 200, 250], emotion: 'happy', confidence: 0.5 / 0.75 }]);
  });

  it('the schema accepts the seed sample and rejects malformed bodies', () => {
    expectValid('emotion-api-response', [
      { bounding_box: [120, 85, 90, 90], emotion: 'happy', confidence: 0.94 },
      { bounding_box: [260, 100, 85, 85], emotion: 'neutral', confidence: 0.88 },
    ]);
    const ok = { bounding_box: [1, 2, 3, 4], emotion: 'happy', confidence: 0.5 };
    for (const bad of [
      { ...ok, emotion: 'disgust' },
      { ...ok, emotion: 'happiness' },
      { ...ok, confidence: 1.5 },
      { ...ok, confidence: '0.5' },
      { ...ok, bounding_box: [1, 2, 3] },
      { ...ok, bounding_box: [1, 2, 3, 4, 5] },
      { ...ok, bounding_box: [1, 2, 3.5, 4] },
      { ...ok, bounding_box: { x: 1, y: 2, width: 3, height: 4 } },
      { ...ok, extra: true },
      { bounding_box: [1, 2, 3, 4], emotion: 'happy' },
    ]) {
      expectInvalid('emotion-api-response', [bad]);
    }
    expectInvalid('emotion-api-response', ok);
  });
});

describe('toWebcamPredict (POST /predict)', () => {
  it('one face: its WIA primary in upper case', () => {
    expect(toWebcamPredict(ONE)).toEqual({ emotion: 'HAPPY' });
    expect(JSON.stringify(toWebcamPredict(ONE))).toBe('{"emotion":"HAPPY"}');
  });

  it('three faces: the largest one (here disgust-primary, which the webcam API can say)', () => {
    expect(toWebcamPredict(THREE)).toEqual({ emotion: 'DISGUST' });
  });

  it('equal largest faces: the first', () => {
    expect(toWebcamPredict(result(face(0, [0, 0, 20, 20], NEUTRAL), face(1, [30, 0, 20, 20], HAPPY)))).toEqual({ emotion: 'NEUTRAL' });
  });

  it('no face: the seed body', () => {
    expect(JSON.stringify(toWebcamPredict(NONE))).toBe('{"emotion":"No face detected"}');
  });

  it('every label maps, and validates', () => {
    const outs = WIA_EMOTIONS.map((label) => toWebcamPredict(result(face(0, [0, 0, 10, 10], { [label]: 1 }))));
    expect(outs.map((o) => o.emotion)).toEqual(['HAPPY', 'SAD', 'ANGRY', 'FEAR', 'DISGUST', 'SURPRISE', 'NEUTRAL']);
    for (const out of [...outs, toWebcamPredict(NONE)]) expectValid('webcam-predict-response', wire(out));
  });

  it('the schema rejects malformed bodies', () => {
    for (const bad of [{ emotion: 'happy' }, { emotion: 'UNKNOWN' }, { emotion: 'No face' }, {}, { emotion: 'HAPPY', confidence: 1 }, ['HAPPY']]) {
      expectInvalid('webcam-predict-response', bad);
    }
  });
});

describe('toWebcamError / webcamHttpStatus', () => {
  const cases: [EmoLensError, string, number][] = [
    [new EmoLensError('INVALID_REQUEST', 'No image provided', { field: 'image_url', kind: 'missing_image' }), '{"error":"No image provided"}', 400],
    [new EmoLensError('INVALID_IMAGE', 'The provided image could not be processed', { kind: 'invalid_base64' }), '{"error":"Invalid base64 data"}', 500],
    [new EmoLensError('INVALID_IMAGE', 'The provided image could not be processed', { kind: 'undecodable' }), '{"error":"Failed to decode image"}', 500],
    [new EmoLensError('INVALID_IMAGE', 'The provided image could not be processed', { kind: 'unsupported_type' }), '{"error":"Failed to decode image"}', 500],
    [new EmoLensError('INVALID_IMAGE', 'The provided image could not be processed', { reason: 'no kind' }), '{"error":"Failed to decode image"}', 500],
    [new EmoLensError('MODEL_LOAD_FAILED', 'Model files not found', { asset: 'face' }), '{"error":"Model files not found"}', 500],
    [new EmoLensError('INTERNAL_ERROR', 'Error description here'), '{"error":"Error description here"}', 500],
    [new EmoLensError('IMAGE_TOO_LARGE', 'The image has 100000000 pixels', { kind: 'too_large' }), '{"error":"The image has 100000000 pixels"}', 500],
    [new EmoLensError('INTERNAL_ERROR', ''), '{"error":"INTERNAL_ERROR"}', 500],
  ];

  it.each(cases)('%s → %s (%d)', (error, body, status) => {
    expect(JSON.stringify(toWebcamError(error))).toBe(body);
    expect(webcamHttpStatus(error)).toBe(status);
    expectValid('webcam-error', wire(toWebcamError(error)));
  });

  it('a request without an image gives the seed 400 body', () => {
    const error = caught(() => parseWiaFaceRequest({ options: {} }));
    expect(JSON.stringify(toWebcamError(error))).toBe('{"error":"No image provided"}');
    expect(webcamHttpStatus(error)).toBe(400);
  });

  it('the schema accepts the seed bodies and rejects malformed ones', () => {
    for (const error of ['No image provided', 'Invalid base64 data', 'Failed to decode image', 'Model files not found', 'Error description here']) {
      expectValid('webcam-error', { error });
    }
    for (const bad of [{}, { error: '' }, { error: 500 }, { error: { code: 'X' } }, { error: 'x', code: 'X' }, 'No image provided']) {
      expectInvalid('webcam-error', bad);
    }
  });
});

describe('toRankedList (SAMO-DL /predict)', () => {
  it('one face: seven entries in GoEmotions words, highest first', () => {
    const out = toRankedList(ONE);
    expect(out).toEqual([
      { emotion: 'joy', confidence: 0.5 },
      { emotion: 'neutral', confidence: 0.25 },
      { emotion: 'surprise', confidence: 0.125 },
      { emotion: 'sadness', confidence: 0.0625 },
      { emotion: 'anger', confidence: 0.03125 },
      { emotion: 'fear', confidence: 0.015625 },
      { emotion: 'disgust', confidence: 0.015625 },
    ]);
    expectValid('ranked-list', wire(out));
  });

  it('three faces: the largest by default, or the one asked for', () => {
    expect(toRankedList(THREE, { topK: 2 })).toEqual([
      { emotion: 'disgust', confidence: 0.5 },
      { emotion: 'anger', confidence: 0.25 },
    ]);
    expect(toRankedList(THREE, { face: 2, topK: 1 })).toEqual([{ emotion: 'neutral', confidence: 0.75 }]);
    expect(toRankedList(THREE, { face: 0, threshold: 0.2 })).toEqual([
      { emotion: 'joy', confidence: 0.5 },
      { emotion: 'neutral', confidence: 0.25 },
    ]);
  });

  it('threshold is inclusive and applied before topK', () => {
    expect(toRankedList(ONE, { threshold: 0.125 })).toEqual([
      { emotion: 'joy', confidence: 0.5 },
      { emotion: 'neutral', confidence: 0.25 },
      { emotion: 'surprise', confidence: 0.125 },
    ]);
    expect(toRankedList(ONE, { threshold: 0.2, topK: 5 })).toHaveLength(2);
    expect(toRankedList(ONE, { threshold: 1 })).toEqual([]);
    expect(toRankedList(ONE, { threshold: 0 })).toHaveLength(7);
    expect(toRankedList(ONE, { topK: 100 })).toHaveLength(7);
  });

  it('ties in WIA order (zeros included)', () => {
    expect(toRankedList(result(face(0, [0, 0, 9, 9], TIED)))).toEqual([
      { emotion: 'joy', confidence: 0.375 },
      { emotion: 'surprise', confidence: 0.375 },
      { emotion: 'disgust', confidence: 0.25 },
      { emotion: 'sadness', confidence: 0 },
      { emotion: 'anger', confidence: 0 },
      { emotion: 'fear', confidence: 0 },
      { emotion: 'neutral', confidence: 0 },
    ]);
  });

  it('no face: []', () => {
    expect(toRankedList(NONE)).toEqual([]);
    expect(toRankedList(NONE, { topK: 3, threshold: 0.5 })).toEqual([]);
    expectValid('ranked-list', []);
  });

  it.each([
    [{ topK: -1 }, 'topK'],
    [{ topK: 0 }, 'topK'],
    [{ topK: 1.5 }, 'topK'],
    [{ topK: Number.NaN }, 'topK'],
    [{ topK: Number.POSITIVE_INFINITY }, 'topK'],
    [{ threshold: -0.1 }, 'threshold'],
    [{ threshold: 1.01 }, 'threshold'],
    [{ threshold: Number.NaN }, 'threshold'],
    [{ face: 3 }, 'face'],
    [{ face: -1 }, 'face'],
    [{ face: 0.5 }, 'face'],
  ])('rejects %o (field %s)', (options, field) => {
    const error = caught(() => toRankedList(THREE, options));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details.field).toBe(field);
    expect(typeof error.details.reason).toBe('string');
  });

  it('rejects a bad topK/threshold even without faces', () => {
    expect(caught(() => toRankedList(NONE, { topK: -2 })).details.field).toBe('topK');
  });

  it('the schema accepts the seed sample and rejects malformed lists', () => {
    expectValid('ranked-list', [
      { emotion: 'joy', confidence: 0.89 },
      { emotion: 'excitement', confidence: 0.76 },
      { emotion: 'optimism', confidence: 0.65 },
    ]);
    for (const bad of [
      [{ emotion: 'happiness', confidence: 0.5 }],
      [{ emotion: 'joy', confidence: 1.2 }],
      [{ emotion: 'joy', confidence: -0.1 }],
      [{ emotion: 'joy' }],
      [{ emotion: 'joy', confidence: 0.5, rank: 1 }],
      { emotion: 'joy', confidence: 0.5 },
    ]) {
      expectInvalid('ranked-list', bad);
    }
  });
});

describe('toSamoError', () => {
  const NOW = new Date('2025-08-06T10:30:00.123Z');

  it('writes the seed error format byte for byte', () => {
    const error = new EmoLensError('INVALID_REQUEST', 'Text field is required and cannot be empty', { field: 'text' });
    const seed = `{
  "error": "Text field is required and cannot be empty",
  "code": "INVALID_INPUT",
  "details": {
    "field": "text"
  },
  "timestamp": "2025-08-06T10:30:00Z"
}`;
    expect(JSON.stringify(toSamoError(error, NOW), null, 2)).toBe(seed);
    expectValid('samo-error', wire(toSamoError(error, NOW)));
  });

  it('maps every code honestly', () => {
    const expected: Record<ErrorCode, string> = {
      INVALID_REQUEST: 'INVALID_INPUT',
      INVALID_IMAGE: 'INVALID_INPUT',
      NO_FACE_DETECTED: 'INVALID_INPUT',
      IMAGE_TOO_LARGE: 'INVALID_INPUT',
      RATE_LIMITED: 'RATE_LIMIT_EXCEEDED',
      MODEL_LOAD_FAILED: 'MODEL_NOT_LOADED',
      BACKEND_UNAVAILABLE: 'MODEL_NOT_LOADED',
      INTERNAL_ERROR: 'INTERNAL_ERROR',
      UNAUTHORIZED: 'INTERNAL_ERROR',
      FORBIDDEN: 'INTERNAL_ERROR',
      ABORTED: 'INTERNAL_ERROR',
      TIMEOUT: 'INTERNAL_ERROR',
      DISPOSED: 'INTERNAL_ERROR',
      QUEUE_FULL: 'INTERNAL_ERROR',
      CONSENT_REQUIRED: 'INTERNAL_ERROR',
    };
    expect(SAMO_ERROR_CODE).toEqual(expected);
    for (const code of Object.keys(ERROR_HTTP_STATUS) as ErrorCode[]) {
      const body = toSamoError(new EmoLensError(code, `a ${code}`, { reason: 'r', suggestion: 's' }), NOW);
      expect(body).toEqual({ error: `a ${code}`, code: expected[code], details: { reason: 'r', suggestion: 's' }, timestamp: '2025-08-06T10:30:00Z' });
      expectValid('samo-error', wire(body));
    }
    expect(SAMO_HTTP_STATUS).toEqual({ INVALID_INPUT: 400, TEXT_TOO_LONG: 413, RATE_LIMIT_EXCEEDED: 429, MODEL_NOT_LOADED: 503, INTERNAL_ERROR: 500 });
  });

  it('copies details (does not share the error object) and defaults now to the current time', () => {
    const error = new EmoLensError('INVALID_IMAGE', 'bad', { kind: 'undecodable' });
    const body = toSamoError(error);
    expect(body.details).toEqual({ kind: 'undecodable' });
    expect(body.details).not.toBe(error.details);
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Math.abs(Date.parse(body.timestamp) - Date.now())).toBeLessThan(5000);
  });

  it('the schema accepts the seed examples and rejects malformed bodies', () => {
    expectValid('samo-error', {
      error: 'Rate limit exceeded. Please try again later.',
      code: 'RATE_LIMIT_EXCEEDED',
      details: { limit: 1000, window: '1 minute', retry_after: 30 },
      timestamp: '2025-08-06T10:30:00Z',
    });
    expectValid('samo-error', {
      error: 'Text exceeds maximum length of 1000 characters',
      code: 'TEXT_TOO_LONG',
      details: { max_length: 1000, actual_length: 1500 },
      timestamp: '2025-08-06T10:30:00Z',
    });
    const ok = { error: 'x', code: 'INVALID_INPUT', details: {}, timestamp: '2025-08-06T10:30:00Z' };
    for (const bad of [
      { ...ok, code: 'INVALID_REQUEST' },
      { ...ok, timestamp: 'yesterday' },
      { ...ok, timestamp: 1754476200 },
      { ...ok, details: 'none' },
      { ...ok, error: { code: 'X', message: 'x' } },
      { ...ok, request_id: 'r' },
      { error: 'x', code: 'INVALID_INPUT', details: {} },
    ]) {
      expectInvalid('samo-error', bad);
    }
  });
});

describe('EmoLensError.toJSON (the WIA error adapter)', () => {
  it('writes the WIA error body of section 5.8.1 byte for byte', () => {
    const error = new EmoLensError(
      'INVALID_IMAGE',
      'The provided image could not be processed',
      { reason: 'No face detected in image', suggestion: 'Ensure the image contains a clearly visible face' },
      { requestId: 'req_err001' },
    );
    const seed = `{
    "error": {
        "code": "INVALID_IMAGE",
        "message": "The provided image could not be processed",
        "details": {
            "reason": "No face detected in image",
            "suggestion": "Ensure the image contains a clearly visible face"
        }
    },
    "request_id": "req_err001"
}`;
    expect(JSON.stringify(error, null, 4)).toBe(seed);
    expectValid('wia-error', wire(error));
  });

  it('gives an error that no call claimed a request id of its own, the same in every body made of it', () => {
    const error = new EmoLensError('QUEUE_FULL', 'm');
    expect(error.requestId).toBeUndefined();
    const first = error.toJSON().request_id;
    expect(first).toMatch(/^req_[0-9a-f]{16}$/);
    expect(error.requestId).toBe(first);
    expect(JSON.parse(JSON.stringify(error)).request_id).toBe(first);
    expect(new EmoLensError('QUEUE_FULL', 'm').toJSON().request_id).not.toBe(first);
    expect(EmoLensError.fromJSON(error.toJSON()).requestId).toBe(first);
  });

  it('validates for every code and for a request error', () => {
    for (const code of Object.keys(ERROR_HTTP_STATUS) as ErrorCode[]) expectValid('wia-error', wire(new EmoLensError(code, 'm')));
    expectValid('wia-error', wire(caught(() => parseWiaFaceRequest({ image_url: 'x', options: { max_faces: 0 } }))));
    expectValid('wia-error', wire(caught(() => parseWiaVideoRequest({ video_url: 'x', options: { sample_rate: 0 } }))));
  });

  it('the schema rejects malformed bodies', () => {
    const ok = { error: { code: 'INVALID_IMAGE', message: 'm', details: {} }, request_id: 'r' };
    for (const bad of [
      { ...ok, error: { ...ok.error, code: 'NOT_A_CODE' } },
      { ...ok, error: { ...ok.error, details: { kind: 'corrupt' } } },
      { ...ok, error: { ...ok.error, details: { reason: 3 } } },
      { ...ok, error: { code: 'INVALID_IMAGE', message: 'm' } },
      { ...ok, error: 'INVALID_IMAGE' },
      { ...ok, request_id: null },
      { error: ok.error },
      { ...ok, timestamp: 'now' },
    ]) {
      expectInvalid('wia-error', bad);
    }
  });
});

describe('parseWiaFaceRequest', () => {
  it('fills in the defaults', () => {
    expect(parseWiaFaceRequest({ image_url: 'https://example.com/face.jpg' })).toEqual({
      image_url: 'https://example.com/face.jpg',
      options: { return_action_units: false, return_dimensions: true, return_landmarks: false, min_face_size: 0, max_faces: 5 },
    });
    expect(WIA_FACE_REQUEST_DEFAULTS).toEqual({ return_action_units: false, return_dimensions: true, return_landmarks: false, min_face_size: 0, max_faces: 5 });
    const b64 = parseWiaFaceRequest({ image_base64: 'data:image/jpeg;base64,/9j/4AAQ', options: {} });
    expect(b64).toEqual({ image_base64: 'data:image/jpeg;base64,/9j/4AAQ', options: WIA_FACE_REQUEST_DEFAULTS });
    expect('image_url' in b64).toBe(false);
  });

  it('takes the seed request (each image form) and keeps its options', () => {
    const options = { return_action_units: true, return_dimensions: true, return_landmarks: false, min_face_size: 50, max_faces: 5 };
    for (const image of [{ image_url: 'https://example.com/face.jpg' }, { image_base64: 'data:image/jpeg;base64,/9j/4AAQ...' }]) {
      const body = { ...image, options };
      expectValid('wia-face-request', body);
      expect(parseWiaFaceRequest(body)).toEqual({ ...image, options });
    }
    expect(parseWiaFaceRequest({ image_url: 'u', options: { max_faces: 100, min_face_size: 100000, return_dimensions: false } }).options).toEqual({
      ...WIA_FACE_REQUEST_DEFAULTS,
      max_faces: 100,
      min_face_size: 100000,
      return_dimensions: false,
    });
  });

  it('treats undefined (from JavaScript) as absent', () => {
    expect(parseWiaFaceRequest({ image_url: 'u', image_base64: undefined, options: { max_faces: undefined } })).toEqual({
      image_url: 'u',
      options: WIA_FACE_REQUEST_DEFAULTS,
    });
  });

  it('no image: INVALID_REQUEST on image_url with kind missing_image', () => {
    for (const body of [{}, { options: { max_faces: 1 } }]) {
      const error = caught(() => parseWiaFaceRequest(body));
      expect(error.code).toBe('INVALID_REQUEST');
      expect(error.details).toMatchObject({ field: 'image_url', kind: 'missing_image' });
      expect(typeof error.details.reason).toBe('string');
      expect(typeof error.details.suggestion).toBe('string');
      expectInvalid('wia-face-request', body);
    }
  });

  const BAD: [string, unknown, string][] = [
    ['not an object', 'https://example.com/face.jpg', 'body'],
    ['null', null, 'body'],
    ['an array', [{ image_url: 'u' }], 'body'],
    ['both images', { image_url: 'u', image_base64: 'b' }, 'image_base64'],
    ['empty image_url', { image_url: '' }, 'image_url'],
    ['empty image_base64', { image_base64: '' }, 'image_base64'],
    ['numeric image_url', { image_url: 42 }, 'image_url'],
    ['null image_base64', { image_base64: null }, 'image_base64'],
    ['unknown top-level key', { image_url: 'u', imageUrl: 'u' }, 'imageUrl'],
    ['__proto__ key', JSON.parse('{"image_url":"u","__proto__":{"x":1}}'), '__proto__'],
    ['options not an object', { image_url: 'u', options: 'all' }, 'options'],
    ['options null', { image_url: 'u', options: null }, 'options'],
    ['options array', { image_url: 'u', options: [] }, 'options'],
    ['unknown option', { image_url: 'u', options: { return_head_pose: true } }, 'options.return_head_pose'],
    ['boolean as string', { image_url: 'u', options: { return_landmarks: 'true' } }, 'options.return_landmarks'],
    ['boolean as number', { image_url: 'u', options: { return_action_units: 1 } }, 'options.return_action_units'],
    ['dimensions null', { image_url: 'u', options: { return_dimensions: null } }, 'options.return_dimensions'],
    ['max_faces 0', { image_url: 'u', options: { max_faces: 0 } }, 'options.max_faces'],
    ['max_faces 101', { image_url: 'u', options: { max_faces: 101 } }, 'options.max_faces'],
    ['max_faces negative', { image_url: 'u', options: { max_faces: -5 } }, 'options.max_faces'],
    ['max_faces fraction', { image_url: 'u', options: { max_faces: 2.5 } }, 'options.max_faces'],
    ['max_faces NaN', { image_url: 'u', options: { max_faces: Number.NaN } }, 'options.max_faces'],
    ['max_faces string', { image_url: 'u', options: { max_faces: '5' } }, 'options.max_faces'],
    ['max_faces huge', { image_url: 'u', options: { max_faces: 1e300 } }, 'options.max_faces'],
    ['min_face_size negative', { image_url: 'u', options: { min_face_size: -1 } }, 'options.min_face_size'],
    ['min_face_size huge', { image_url: 'u', options: { min_face_size: 100001 } }, 'options.min_face_size'],
    ['min_face_size Infinity', { image_url: 'u', options: { min_face_size: Number.POSITIVE_INFINITY } }, 'options.min_face_size'],
    ['min_face_size fraction', { image_url: 'u', options: { min_face_size: 0.5 } }, 'options.min_face_size'],
  ];

  it.each(BAD)('%s → INVALID_REQUEST on %#', (_name, body, field) => {
    const error = caught(() => parseWiaFaceRequest(body));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details.field).toBe(field);
    expect(typeof error.details.reason).toBe('string');
    expect(typeof error.details.suggestion).toBe('string');
    expect(error.message.length).toBeGreaterThan(0);
    // The schema rejects the same bodies (NaN/Infinity have no JSON form: checked as they are).
    expectInvalid('wia-face-request', body);
  });

  it('the messages name the rule', () => {
    expect(caught(() => parseWiaFaceRequest({ image_url: 'u', options: { max_faces: 0 } })).message).toBe('options.max_faces must be an integer from 1 to 100');
    expect(caught(() => parseWiaFaceRequest({ image_url: '' })).details.kind).toBe('empty');
  });

  it('the schema rejects more malformed requests', () => {
    for (const bad of [{ image_url: 'u', options: { max_faces: 5, foo: 1 } }, { image_url: ['u'] }, { options: {} }]) expectInvalid('wia-face-request', bad);
  });
});

describe('wia-face-result schema', () => {
  it('accepts SDK results: one face with dimensions, landmarks and head pose; three faces; none', () => {
    for (const r of [ONE, THREE, NONE]) expectValid('wia-face-result', wire(r));
  });

  it('accepts the WIA doc example once emotions.all lists all seven (action_units allowed)', () => {
    const all = [
      { label: 'happiness', confidence: 0.87 },
      { label: 'neutral', confidence: 0.08 },
      { label: 'surprise', confidence: 0.05 },
      { label: 'sadness', confidence: 0 },
      { label: 'anger', confidence: 0 },
      { label: 'fear', confidence: 0 },
      { label: 'disgust', confidence: 0 },
    ];
    const doc = {
      request_id: 'req_abc123',
      processing_time_ms: 145,
      faces: [
        {
          face_id: 0,
          bbox: { x: 120, y: 80, width: 200, height: 250 },
          emotions: { primary: { label: 'happiness', confidence: 0.87 }, all },
          dimensions: { valence: 0.72, arousal: 0.45 },
          action_units: [
            { au: 'AU6', intensity: 0.8 },
            { au: 'AU12', intensity: 0.9 },
          ],
        },
      ],
    };
    expectValid('wia-face-result', doc);
    // The doc's own three-entry `all` is not an EmoLens result.
    expectInvalid('wia-face-result', { ...doc, faces: [{ ...doc.faces[0]!, emotions: { ...doc.faces[0]!.emotions, all: all.slice(0, 3) } }] });
  });

  it('rejects malformed results', () => {
    const good = wire(ONE) as { faces: Record<string, unknown>[] } & Record<string, unknown>;
    const f = good.faces[0]! as Record<string, unknown> & { emotions: { primary: unknown; all: { label: string; confidence: number }[] } };
    const withFace = (changes: Record<string, unknown>) => ({ ...good, faces: [{ ...f, ...changes }] });
    const withAll = (all: unknown[]) => withFace({ emotions: { ...f.emotions, all } });
    const bad: unknown[] = [
      { ...good, request_id: 7 },
      { ...good, processing_time_ms: -1 },
      { request_id: 'r', faces: [] },
      { ...good, extra: 1 },
      withFace({ face_id: -1 }),
      withFace({ face_id: 0.5 }),
      withFace({ bbox: { x: -1, y: 0, width: 10, height: 10 } }),
      withFace({ bbox: { x: 1.5, y: 0, width: 10, height: 10 } }),
      withFace({ bbox: { x: 0, y: 0, width: 10 } }),
      withFace({ bbox: [0, 0, 10, 10] }),
      withFace({ emotions: { ...f.emotions, primary: { label: 'happy', confidence: 0.5 } } }),
      withFace({ emotions: { ...f.emotions, primary: { label: 'happiness', confidence: 1.5 } } }),
      withFace({ emotions: { ...f.emotions, mood: 'good' } }),
      withAll(f.emotions.all.slice(0, 6)),
      withAll([...f.emotions.all, { label: 'neutral', confidence: 0 }]),
      withAll([...f.emotions.all.slice(0, 6), { ...f.emotions.all[0]! }]), // a label twice, one missing
      withAll(f.emotions.all.map((s, i) => (i === 0 ? { ...s, extra: 1 } : s))),
      withFace({ dimensions: { valence: 1.5, arousal: 0.5 } }),
      withFace({ dimensions: { valence: 0.5, arousal: -0.1 } }),
      withFace({ dimensions: { valence: 0.5 } }),
      withFace({ landmarks: [{ x: 1, y: 2 }] }),
      withFace({ head_pose: { yaw: 0, pitch: 0, roll: 270 } }),
      withFace({ head_pose: { yaw: 0, pitch: 0 } }),
      withFace({ action_units: [{ au: 'smile', intensity: 0.5 }] }),
      withFace({ expression: 'happy' }),
      { ...good, faces: [{ face_id: 0, bbox: f['bbox'] }] },
    ];
    for (const value of bad) expectInvalid('wia-face-result', value);
  });
});

describe('wia-video-request schema', () => {
  it('accepts what parseWiaVideoRequest accepts, each video form, and states its defaults', () => {
    const options = { sample_rate: 5, start_time_ms: 0, end_time_ms: 10000, track_faces: true };
    for (const video of [{ video_url: 'https://example.com/video.mp4' }, { frames_base64: ['data:image/jpeg;base64,/9j/4AAQ...', '/9j/4AAQ...'] }]) {
      const body = { ...video, options };
      expectValid('wia-video-request', body);
      expect(parseWiaVideoRequest(body)).toEqual({ ...video, options });
      expectValid('wia-video-request', video);
      expect(parseWiaVideoRequest(video)).toEqual({ ...video, options: WIA_VIDEO_REQUEST_DEFAULTS });
    }
    const properties = schemas['wia-video-request']['properties'] as Record<string, { properties?: Record<string, { default?: unknown }> }>;
    const defaults = Object.entries(properties['options']!.properties!).flatMap(([key, option]) => ('default' in option ? [[key, option.default]] : []));
    expect(Object.fromEntries(defaults)).toEqual(WIA_VIDEO_REQUEST_DEFAULTS);
  });

  const BAD: [string, unknown, string][] = [
    ['no video', {}, 'video_url'],
    ['both videos', { video_url: 'u', frames_base64: ['AAAA'] }, 'frames_base64'],
    ['empty video_url', { video_url: '' }, 'video_url'],
    ['empty frames_base64', { frames_base64: [] }, 'frames_base64'],
    ['an empty frame', { frames_base64: ['AAAA', ''] }, 'frames_base64.1'],
    ['a face field', { image_url: 'u' }, 'image_url'],
    ['a face option', { video_url: 'u', options: { max_faces: 1 } }, 'options.max_faces'],
    ['sample_rate 0', { video_url: 'u', options: { sample_rate: 0 } }, 'options.sample_rate'],
    ['sample_rate fraction', { video_url: 'u', options: { sample_rate: 2.5 } }, 'options.sample_rate'],
    ['negative start_time_ms', { video_url: 'u', options: { start_time_ms: -1 } }, 'options.start_time_ms'],
    ['end_time_ms 0', { video_url: 'u', options: { end_time_ms: 0 } }, 'options.end_time_ms'],
    ['track_faces as a string', { video_url: 'u', options: { track_faces: 'yes' } }, 'options.track_faces'],
  ];

  it.each(BAD)('%s: rejected by parseWiaVideoRequest and the schema', (_name, body, field) => {
    expect(caught(() => parseWiaVideoRequest(body)).details.field).toBe(field);
    expectInvalid('wia-video-request', body);
  });
});

describe('wia-video-result schema', () => {
  /** A result as the SDK builds it: the summary is summarizeTimeline's. */
  function videoResult(timeline: WiaVideoFrame[], frameCount: number, sampleRate: number): WiaVideoResult {
    return {
      request_id: 'req_video01',
      processing_time_ms: 812.5,
      duration_ms: 10000,
      frame_count: frameCount,
      analyzed_frames: Math.ceil(frameCount / sampleRate),
      timeline,
      summary: summarizeTimeline(timeline),
    };
  }

  // The shape of the standard's example: 10 s, 60 frames, every 5th analysed (12). Face 0 is in every analysed
  // frame but the last, which has no face; a second, disgusted face joins it in the two frames before that.
  const FACE = ONE.faces[0]!;
  const TIMELINE: WiaVideoFrame[] = Array.from({ length: 12 }, (_, i) => ({
    timestamp_ms: (i * 5 * 10000) / 60,
    faces: i === 11 ? [] : i >= 9 ? [FACE, THREE.faces[1]!] : i % 4 === 3 ? [face(0, [120, 80, 200, 250], NEUTRAL)] : [FACE],
  }));
  const EXAMPLE = videoResult(TIMELINE, 60, 5);

  it('accepts SDK results: the standard’s example, an empty timeline, frames without faces', () => {
    expect(EXAMPLE.analyzed_frames).toBe(EXAMPLE.timeline.length);
    // Face 0 goes happiness → neutral → happiness twice: four transitions. Only its happy observations have dimensions.
    expect(EXAMPLE.summary).toEqual({
      dominant_emotion: 'happiness',
      average_valence: expect.closeTo(0.72, 12),
      average_arousal: expect.closeTo(0.45, 12),
      emotion_transitions: 4,
    });
    expectValid('wia-video-result', wire(EXAMPLE));
    const empty = videoResult([], 0, 1);
    expect(empty.summary).toEqual({ dominant_emotion: null, average_valence: null, average_arousal: null, emotion_transitions: 0 });
    expectValid('wia-video-result', wire(empty));
    expectValid('wia-video-result', wire(videoResult([{ timestamp_ms: 0, faces: [] }, { timestamp_ms: 500, faces: [] }], 2, 1)));
  });

  it('rejects malformed results, faces checked by the face result’s schema', () => {
    type Frame = { timestamp_ms: number; faces: Record<string, unknown>[] };
    const good = wire(EXAMPLE) as Record<string, unknown> & { timeline: Frame[]; summary: Record<string, unknown> };
    const f = good.timeline[0]!.faces[0]!;
    const withFace = (changes: Record<string, unknown>) => ({ ...good, timeline: [{ timestamp_ms: 0, faces: [{ ...f, ...changes }] }] });
    const bad: unknown[] = [
      { ...good, request_id: 7 },
      { ...good, processing_time_ms: -1 },
      { ...good, frame_count: 60.5 },
      { ...good, analyzed_frames: -1 },
      { ...good, video_url: 'https://example.com/video.mp4' },
      { ...good, timeline: [{ timestamp_ms: -1, faces: [] }] },
      { ...good, timeline: [{ faces: [] }] },
      { ...good, timeline: [{ timestamp_ms: 0, faces: [], frame_index: 0 }] },
      withFace({ face_id: -1 }),
      withFace({ emotions: { primary: { label: 'happy', confidence: 0.5 }, all: [] } }),
      withFace({ expression: 'happy' }),
      { ...good, summary: { ...good.summary, dominant_emotion: 'joy' } },
      { ...good, summary: { ...good.summary, average_valence: -1.5 } },
      { ...good, summary: { ...good.summary, average_arousal: 1.5 } },
      { ...good, summary: { ...good.summary, emotion_transitions: -1 } },
      { ...good, summary: { ...good.summary, mood: 'good' } },
    ];
    for (const key of ['request_id', 'processing_time_ms', 'duration_ms', 'frame_count', 'analyzed_frames', 'timeline', 'summary']) {
      bad.push(Object.fromEntries(Object.entries(good).filter(([k]) => k !== key)));
    }
    for (const key of Object.keys(good.summary)) {
      bad.push({ ...good, summary: Object.fromEntries(Object.entries(good.summary).filter(([k]) => k !== key)) });
    }
    for (const value of bad) expectInvalid('wia-video-result', value);
  });
});

describe('Wakee /predict', () => {
  const WHEN = new Date('2025-02-04T10:30:00.456Z');

  it('gives the largest face\'s four states and a timestamp to the second, as the API writes them', () => {
    expect(toWakeePrediction(ONE, WHEN)).toEqual({ boredom: 0.4, confusion: 0.5, engagement: 2.6, frustration: 0.1, timestamp: '2025-02-04T10:30:00' });
    expect(wakeeTimestamp(WHEN)).toBe('2025-02-04T10:30:00');
    expectValid('wakee-predict-response', wire(toWakeePrediction(ONE, WHEN)));
    expectValid('wia-face-result', wire(ONE));
  });

  it('refuses no face, a face without states, and scores off the 0-3 scale', () => {
    expect(caught(() => toWakeePrediction(NONE, WHEN)).code).toBe('NO_FACE_DETECTED');
    expect(caught(() => toWakeePrediction(THREE, WHEN)).details).toMatchObject({ field: 'learning_states' });
    for (const boredom of [3.5, -1, Number.NaN, Number.POSITIVE_INFINITY, '1' as unknown as number]) {
      const bad = result({ ...ONE.faces[0]!, learning_states: { ...ONE.faces[0]!.learning_states!, boredom } });
      const error = caught(() => toWakeePrediction(bad, WHEN));
      expect(error.code).toBe('INVALID_REQUEST');
      expect(error.details).toMatchObject({ field: 'learning_states.boredom' });
    }
  });

  it('has a schema that refuses what the API would not send', () => {
    const good = wire(toWakeePrediction(ONE, WHEN)) as Record<string, unknown>;
    for (const bad of [{ ...good, boredom: 4 }, { ...good, timestamp: '2025-02-04 10:30' }, { ...good, extra: 1 }, { ...good, engagement: undefined }]) {
      expectInvalid('wakee-predict-response', wire(bad));
    }
    expectInvalid('wia-face-result', wire(result({ ...ONE.faces[0]!, action_units: [{ au: 'AU99', intensity: 0.5 }] as never })));
    expectInvalid('wia-face-result', wire(result({ ...ONE.faces[0]!, action_units: [{ au: 'AU6', intensity: 1.5 }] })));
  });
});

describe('package', () => {
  it('publishes the schemas', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../packages/schema/package.json', import.meta.url), 'utf8')) as {
      files: string[];
      exports: Record<string, unknown>;
      dependencies?: unknown;
    };
    expect(pkg.files).toEqual(['dist', 'schemas']);
    expect(Object.keys(pkg.exports)).toEqual(['.', './schemas/*', './package.json']);
    expect(Object.keys(pkg.exports['.'] as object)[0]).toBe('types');
    expect(pkg.exports['./schemas/*']).toBe('./schemas/*');
    expect(pkg.dependencies).toBeUndefined();
    for (const name of SCHEMA_FILES) expect(schemas[name]['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
  });
});
