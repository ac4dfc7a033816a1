/**
 * Property test of the REST answers (part of the project's seeded fuzzing): whatever method, path, content type
 * and body a client sends, `answerRestRequest` settles with a JSON response in the format of the path's API —
 * the WIA error object with a request id, `{ "error": string }`, FastAPI's `{ "detail": … }` for the Wakee
 * `/predict`, the health body, or a success body — with a status the seeds use, and never a 500 for bad input but
 * the webcam API's own (its server answers bad base64 and undecodable images from its `except` branch). The
 * analyzer parses WIA bodies with the real parsers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmoLensError, parseWiaFaceRequest, parseWiaVideoRequest, type WiaFaceResult, type WiaVideoResult } from '@emolens/schema';
import { answerRestRequest, type RestAnalyzer } from './answer.js';
import { REST_ROUTES, WIA_PREFIX } from './routes.js';

const RUNS = { seed: Number(process.env['FUZZ_SEED'] ?? 20261127), numRuns: Number(process.env['FUZZ_RUNS'] ?? 300) };

const EMPTY_RESULT = { request_id: 'req_x', processing_time_ms: 1, faces: [] } as unknown as WiaFaceResult;

const isJpeg = async (input: Blob) => new Uint8Array(await input.slice(0, 2).arrayBuffer()).join(',') === '255,216';

/** Parses WIA requests for real; "analyses" only base64 and files that start like a JPEG. */
const analyzer: RestAnalyzer = {
  analyzeFace: async (body) => {
    const request = parseWiaFaceRequest(body);
    if (request.image_base64?.startsWith('data:image/jpeg;base64,/9j/')) return EMPTY_RESULT;
    throw new EmoLensError('INVALID_IMAGE', 'not an image', { kind: 'invalid_base64' });
  },
  analyzeFaceVideo: async (body) => (parseWiaVideoRequest(body), { request_id: 'req_v', timeline: [], summary: {} } as unknown as WiaVideoResult),
  detect: async (input) => {
    if (await isJpeg(input)) return EMPTY_RESULT;
    throw new EmoLensError('INVALID_IMAGE', 'not an image', { kind: 'undecodable' });
  },
  // A JPEG of one byte more has no face.
  predictWakee: async (input) => {
    if (!(await isJpeg(input))) throw new EmoLensError('INVALID_IMAGE', 'not an image', { kind: 'undecodable' });
    if (input.size === 3) throw new EmoLensError('NO_FACE_DETECTED', 'No face detected in the image');
    return { boredom: 1.25, confusion: 0.8, engagement: 2.15, frustration: 0.35, timestamp: '2025-02-04T10:30:00' };
  },
};

/** The Wakee `/predict` body (wakee-predict-response.schema.json). */
function expectWakeePrediction(json: Record<string, unknown>): void {
  expect(Object.keys(json).sort()).toEqual(['boredom', 'confusion', 'engagement', 'frustration', 'timestamp']);
  for (const state of ['boredom', 'confusion', 'engagement', 'frustration']) expect(json[state]).toSatisfy((v) => typeof v === 'number' && v >= 0 && v <= 3);
  expect(json.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
}

/** FastAPI's error body: `detail` a string, or (422 validation) a list of `{ type, loc, msg }`. */
function expectFastApiError(json: Record<string, unknown>, status: number): void {
  expect(Object.keys(json)).toEqual(['detail']);
  if (typeof json.detail === 'string') return;
  expect(status).toBe(422);
  expect(json.detail).toEqual([expect.objectContaining({ type: expect.any(String), loc: ['body', 'file'], msg: expect.any(String) })]);
}

const paths = fc.oneof(
  fc.constantFrom(...REST_ROUTES.map((r) => r.path)),
  fc.string().map((s) => `${WIA_PREFIX}${encodeURIComponent(s)}`),
  fc.constantFrom('/v1/', '/v1/analyze/face/', '/emotion/', '/predict?x=1', '/health/'),
);
const methods = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'post');
const jsonValues = fc.oneof(
  fc.jsonValue(),
  fc.record({ image: fc.oneof(fc.string(), fc.constant('data:image/jpeg;base64,/9j/4AAQ'), fc.jsonValue()) }, { requiredKeys: [] }),
  fc.record({ image_base64: fc.oneof(fc.string(), fc.jsonValue()), image_url: fc.oneof(fc.webUrl(), fc.jsonValue()), options: fc.jsonValue() }, { requiredKeys: [] }),
  fc.record({ frames_base64: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.jsonValue()), video_url: fc.jsonValue(), options: fc.jsonValue() }, { requiredKeys: [] }),
);
/** A body and its content type: JSON (valid or cut), multipart (well-formed or not), random bytes, nothing. */
const bodies = fc.oneof(
  jsonValues.map((v) => ({ type: 'application/json', body: JSON.stringify(v) as BodyInit })),
  fc.tuple(jsonValues, fc.nat(40)).map(([v, n]) => ({ type: 'application/json', body: JSON.stringify(v).slice(0, n) as BodyInit })),
  fc.tuple(fc.constantFrom('image', 'file', 'picture'), fc.uint8Array({ maxLength: 64 }), fc.boolean()).map(([field, bytes, jpeg]) => {
    const form = new FormData();
    form.append(field, new Blob([jpeg ? new Uint8Array([0xff, 0xd8, ...bytes]) : bytes]), 'x.jpg');
    return { type: undefined, body: form as BodyInit };
  }),
  fc.tuple(fc.string(), fc.uint8Array({ maxLength: 64 })).map(([boundary, bytes]) => ({ type: `multipart/form-data; boundary=${boundary}`, body: bytes as BodyInit })),
  fc.uint8Array({ maxLength: 128 }).map((bytes) => ({ type: 'application/octet-stream', body: bytes as BodyInit })),
  fc.constant({ type: undefined, body: undefined }),
);

/** Sends one request and checks the answer (see the file's description); the statuses seen are counted. */
async function check(method: string, path: string, { type, body }: { type: string | undefined; body: BodyInit | undefined }, seen: Map<string, number>): Promise<void> {
  const canHaveBody = !['GET', 'HEAD'].includes(method.toUpperCase());
  const request = new Request(`https://app.test${path}`, { method, body: canHaveBody ? body : undefined, headers: type ? { 'content-type': type } : {} });
  const pathname = new URL(request.url).pathname;
  const response = await answerRestRequest(request, pathname, { analyzer, version: '1' });
  if (!response) {
    expect(pathname.startsWith(WIA_PREFIX) || REST_ROUTES.some((r) => r.path === pathname)).toBe(false);
    return;
  }
  expect(response.headers.get('content-type')).toBe('application/json');
  const json = (await response.json()) as Record<string, unknown>;
  const route = REST_ROUTES.find((r) => r.path === pathname)?.api ?? 'wia-face';
  // The Wakee API on /predict: whatever the body, a multipart content type makes it Wakee's.
  const api = route === 'predict' && /^multipart\/form-data/i.test(request.headers.get('content-type') ?? '') ? 'wakee' : route;
  // The webcam API's server raises on bad base64 or an image it cannot decode and answers 500 (the /emotion seed
  // documents no errors and shares its format): the one 500 for bad input, with its own words.
  const webcamBadImage = (api === 'predict' || api === 'emotion') && response.status === 500 && ['Invalid base64 data', 'Failed to decode image'].includes(json.error as string);
  if (!webcamBadImage) expect([200, 400, 404, 405, 413, 422]).toContain(response.status);
  if (response.status === 405) expect(response.headers.get('allow')).toMatch(/^(GET, HEAD|POST)$/);
  seen.set(`${api} ${response.status}`, (seen.get(`${api} ${response.status}`) ?? 0) + 1);
  if (api === 'wakee' && response.status === 200) expectWakeePrediction(json);
  if (api === 'wakee' && response.status >= 400) expectFastApiError(json, response.status);
  if (api !== 'wakee') expect(response.status).not.toBe(422);
  if (response.status >= 400 && (api === 'wia-face' || api === 'wia-video')) {
    const error = json.error as { code: unknown; message: unknown; details: unknown };
    expect(typeof error.code).toBe('string');
    expect(typeof error.message).toBe('string');
    expect(json.request_id).toMatch(/^req_/);
  }
  if (response.status >= 400 && api === 'emotion') expect(typeof json.error).toBe('string');
  if (response.status >= 400 && api === 'predict') expect(typeof json.error).toBe('string');
  if (api === 'health' && response.status === 200) expect(json.status).toBe('healthy');
}

/** Wakee-like bodies: a multipart form with a file, or text, in `file` or another field; JPEG-like or not. */
const wakeeBodies = fc
  .tuple(fc.constantFrom('file', 'file', 'image'), fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 20 })), fc.boolean())
  .map(([field, value, jpeg]) => {
    const form = new FormData();
    if (typeof value === 'string') form.append(field, value);
    else form.append(field, new Blob([jpeg ? new Uint8Array([0xff, 0xd8, ...value]) : value]), 'face.jpg');
    return { type: undefined, body: form as BodyInit };
  });

describe('answerRestRequest on any request (property)', () => {
  it('settles with JSON in the API’s format and a status the seeds use; bad input is never a 500 but where the seed says', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(methods, paths, bodies, (method, path, body) => check(method, path, body, seen)),
      RUNS,
    );
  });

  it('answers the Wakee /predict with its body or FastAPI’s errors, whatever the form', async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('POST', 'post'), fc.oneof(wakeeBodies, bodies), (method, body) => check(method, '/predict', body, seen)),
      RUNS,
    );
    // Each answer of the Wakee API came up.
    for (const answer of ['wakee 200', 'wakee 400', 'wakee 422']) expect(seen.get(answer), answer).toBeGreaterThan(0);
  });
});
