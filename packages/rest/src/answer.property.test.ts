/**
 * Property test of the REST answers (part of the project's seeded fuzzing): whatever method, path, content type
 * and body a client sends, `answerRestRequest` settles with a JSON response in the format of the path's API —
 * the WIA error object with a request id, `{ "error": string }`, the health body, or a success body — with a
 * status the seeds use, and never a 500 for bad input. The analyzer parses WIA bodies with the real parsers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmoLensError, parseWiaFaceRequest, parseWiaVideoRequest, type WiaFaceResult, type WiaVideoResult } from '@emolens/schema';
import { answerRestRequest, type RestAnalyzer } from './answer.js';
import { REST_ROUTES, WIA_PREFIX } from './routes.js';

const RUNS = { seed: Number(process.env['FUZZ_SEED'] ?? 20261127), numRuns: Number(process.env['FUZZ_RUNS'] ?? 300) };

const EMPTY_RESULT = { request_id: 'req_x', processing_time_ms: 1, faces: [] } as unknown as WiaFaceResult;

/** Parses WIA requests for real; "analyses" only base64 and files that start like a JPEG. */
const analyzer: RestAnalyzer = {
  analyzeFace: async (body) => {
    const request = parseWiaFaceRequest(body);
    if (request.image_base64?.startsWith('data:image/jpeg;base64,/9j/')) return EMPTY_RESULT;
    throw new EmoLensError('INVALID_IMAGE', 'not an image', { kind: 'invalid_base64' });
  },
  analyzeFaceVideo: async (body) => (parseWiaVideoRequest(body), { request_id: 'req_v', timeline: [], summary: {} } as unknown as WiaVideoResult),
  detect: async (input) => {
    if (new Uint8Array(await input.slice(0, 2).arrayBuffer()).join(',') === '255,216') return EMPTY_RESULT;
    throw new EmoLensError('INVALID_IMAGE', 'not an image', { kind: 'undecodable' });
  },
};

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

describe('answerRestRequest on any request (property)', () => {
  it('settles with JSON in the API’s format and a status the seeds use; bad input is never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(methods, paths, bodies, async (method, path, { type, body }) => {
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
        expect([200, 400, 404, 405, 413, 501]).toContain(response.status);
        if (response.status === 405) expect(response.headers.get('allow')).toMatch(/^(GET|POST)$/);
        const api = REST_ROUTES.find((r) => r.path === pathname)?.api ?? 'wia-face';
        if (response.status >= 400 && (api === 'wia-face' || api === 'wia-video')) {
          const error = json.error as { code: unknown; message: unknown; details: unknown };
          expect(typeof error.code).toBe('string');
          expect(typeof error.message).toBe('string');
          expect(json.request_id).toMatch(/^req_/);
        }
        if (response.status >= 400 && api === 'emotion') expect(typeof json.error).toBe('string');
        if (response.status >= 400 && api === 'predict') expect(typeof (json.error ?? json.detail)).toBe('string');
        if (api === 'health' && response.status === 200) expect(json.status).toBe('healthy');
      }),
      RUNS,
    );
  });
});
