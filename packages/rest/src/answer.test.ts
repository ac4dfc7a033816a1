import { EmoLensError, type WakeePrediction, type WiaFaceResult } from '@emolens/schema';
import { describe, expect, it } from 'vitest';
import { answerRestRequest, errorResponse, type RestAnalyzer } from './answer.js';
import { IMAGE_BODY_BYTES } from './routes.js';

import { WIA_EMOTIONS, type WiaEmotion, type WiaFace } from '@emolens/schema';

/** A face whose primary label is `label` (0.8), the other six sharing the rest. */
function face(label: WiaEmotion): WiaFace {
  const all = WIA_EMOTIONS.map((l) => ({ label: l, confidence: l === label ? 0.8 : 0.2 / 6 }));
  return { face_id: 0, bbox: { x: 10, y: 20, width: 100, height: 120 }, emotions: { primary: { label, confidence: 0.8 }, all }, dimensions: { valence: 0.5, arousal: 0.5 } };
}

const WAKEE: WakeePrediction = { boredom: 0.42, confusion: 0.8, engagement: 2.15, frustration: 0.35, timestamp: '2025-02-04T10:30:00' };

/** Records what each route handed over, and answers with one happy face (or the error it is given). */
function analyzer(error?: EmoLensError | Error) {
  const seen: unknown[] = [];
  const result = { request_id: 'req_1', processing_time_ms: 5, faces: [face('happiness')] } as unknown as WiaFaceResult;
  const a: RestAnalyzer = {
    analyzeFace: async (body) => (seen.push(body), error ? Promise.reject(error) : result),
    analyzeFaceVideo: async (body) => (seen.push(body), Promise.reject(error ?? new Error('not in this test'))),
    detect: async (input) => (seen.push(input), error ? Promise.reject(error) : result),
    predictWakee: async (input) => (seen.push(input), error ? Promise.reject(error) : WAKEE),
  };
  return { a, seen };
}

/** A Wakee request: `curl -F "file=@face.jpg"` (or another field, or a text value). */
function wakee(field = 'file', value: Blob | string = new Blob([new Uint8Array([0xff, 0xd8])], { type: 'image/jpeg' })): Request {
  const form = new FormData();
  if (typeof value === 'string') form.append(field, value);
  else form.append(field, value, 'face.jpg');
  return new Request('https://app.test/predict', { method: 'POST', body: form });
}

/** An `/emotion` request body: the image in the multipart field "image". */
function imageForm(): FormData {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array([0xff, 0xd8])], { type: 'image/jpeg' }), 'face.jpg');
  return form;
}

const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) => new Request(`https://app.test${path}`, { method: 'POST', body, headers });
const answer = (request: Request, a?: RestAnalyzer) => answerRestRequest(request, new URL(request.url).pathname, { analyzer: a, version: '9.9.9' });

describe('answerRestRequest', () => {
  it('leaves paths of no API alone', async () => {
    expect(await answer(new Request('https://app.test/index.html'))).toBeUndefined();
    expect(await answer(new Request('https://app.test/v1'))).toBeUndefined();
  });

  it('answers WIA face requests with the analyzer result, the body handed over as parsed JSON', async () => {
    const { a, seen } = analyzer();
    const response = (await answer(post('/v1/analyze/face', JSON.stringify({ image_base64: 'abc' })), a))!;
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect((await response.json()).faces[0].emotions.primary.label).toBe('happiness');
    expect(seen).toEqual([{ image_base64: 'abc' }]);
  });

  it('gives WIA errors their status and a request id', async () => {
    const { a } = analyzer(new EmoLensError('INVALID_IMAGE', 'bad', { kind: 'undecodable' }));
    const bad = (await answer(post('/v1/analyze/face', '{"image_base64":"x"}'), a))!;
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.error).toMatchObject({ code: 'INVALID_IMAGE', details: { kind: 'undecodable' } });
    expect(body.request_id).toMatch(/^req_[0-9a-f]{16}$/);
    const notJson = (await answer(post('/v1/analyze/face', '{nope'), analyzer().a))!;
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.details.kind).toBe('invalid_json');
  });

  it('answers 404 under /v1/ and 405 with Allow, in the WIA format', async () => {
    const missing = (await answer(new Request('https://app.test/v1/analyze/voice', { method: 'POST', body: '{}' })))!;
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatchObject({ code: 'INVALID_REQUEST', details: { kind: 'not_found' } });
    const get = (await answer(new Request('https://app.test/v1/analyze/face')))!;
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await get.json()).error.details.kind).toBe('method_not_allowed');
  });

  it('refuses bodies over the cap with 413 before reading them, in each format', async () => {
    const big = { 'content-length': String(IMAGE_BODY_BYTES + 1) };
    const wia = (await answer(post('/v1/analyze/face', '{}', big), analyzer().a))!;
    expect(wia.status).toBe(413);
    expect((await wia.json()).error.code).toBe('IMAGE_TOO_LARGE');
    const emotion = (await answer(post('/emotion', new Uint8Array(IMAGE_BODY_BYTES + 1)), analyzer().a))!;
    expect(emotion.status).toBe(413);
    expect(await emotion.json()).toEqual({ error: 'Request Entity Too Large' });
  });

  it('answers /emotion from the multipart "image" field, without disgust', async () => {
    const { a, seen } = analyzer();
    const response = (await answer(post('/emotion', imageForm()), a))!;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([{ bounding_box: [10, 20, 100, 120], emotion: 'happy', confidence: expect.any(Number) }]);
    expect(seen[0]).toBeInstanceOf(Blob);
    const none = (await answer(new Request('https://app.test/emotion', { method: 'POST', body: new FormData() }), a))!;
    expect(none.status).toBe(400);
    expect(await none.json()).toEqual({ error: 'No image provided' });
  });

  it('answers the webcam /predict from a JSON data URL, with its fixed error strings', async () => {
    const { a, seen } = analyzer();
    const ok = (await answer(post('/predict', JSON.stringify({ image: 'data:image/png;base64,AAAA' }), { 'content-type': 'application/json' }), a))!;
    expect(await ok.json()).toEqual({ emotion: 'HAPPY' });
    // Read as base64, never fetched: the data URL goes through the WIA request's image_base64.
    expect(seen).toEqual([{ image_base64: 'data:image/png;base64,AAAA' }]);
    for (const body of ['{}', 'not json', '{"image": 3}', '{"image": ""}']) {
      const r = (await answer(post('/predict', body, { 'content-type': 'application/json' }), a))!;
      expect([r.status, await r.json()]).toEqual([400, { error: 'No image provided' }]);
    }
    const { a: broken } = analyzer(new EmoLensError('INVALID_IMAGE', 'bad base64', { kind: 'invalid_base64' }));
    const r = (await answer(post('/predict', '{"image":"data:,%%%"}'), broken))!;
    // Its server raises on bad base64 and answers from its except branch: 500.
    expect([r.status, await r.json()]).toEqual([500, { error: 'Invalid base64 data' }]);
    // The WIA call refuses a faceless image; the webcam API answers it with 200 and its own words.
    const { a: faceless } = analyzer(new EmoLensError('NO_FACE_DETECTED', 'No face found in image'));
    const none = (await answer(post('/predict', JSON.stringify({ image: 'data:image/png;base64,AAAA' })), faceless))!;
    expect([none.status, await none.json()]).toEqual([200, { emotion: 'No face detected' }]);
  });

  it("answers a WIA face request on an image with no face with the standard's 400 NO_FACE_DETECTED", async () => {
    const { a } = analyzer(new EmoLensError('NO_FACE_DETECTED', 'No face found in image', { reason: 'No face detected in image' }));
    const response = (await answer(post('/v1/analyze/face', '{"image_base64":"x"}'), a))!;
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'NO_FACE_DETECTED', message: 'No face found in image' });
  });

  it('answers the Wakee /predict (multipart, field "file") with the learning states of the file', async () => {
    const { a, seen } = analyzer();
    const r = (await answer(wakee(), a))!;
    expect([r.status, r.headers.get('content-type'), await r.json()]).toEqual([200, 'application/json', WAKEE]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(Blob);
    expect(new Uint8Array(await (seen[0] as Blob).arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8]));
    // Of two "file" parts, the last one, as FastAPI takes it.
    const twice = new FormData();
    twice.append('file', new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }), 'first.png');
    twice.append('file', new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' }), 'last.jpg');
    expect((await answer(new Request('https://app.test/predict', { method: 'POST', body: twice }), a))!.status).toBe(200);
    expect(new Uint8Array(await (seen[1] as Blob).arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 0xff]));
    // The content type decides: the same path with JSON is still the webcam API.
    const json = (await answer(post('/predict', JSON.stringify({ image: 'data:image/png;base64,AAAA' }), { 'content-type': 'application/json' }), a))!;
    expect(await json.json()).toEqual({ emotion: 'HAPPY' });
  });

  it('gives the Wakee /predict FastAPI’s errors: 422 without a file, 400 for a non-image, 422 without a face', async () => {
    const { a, seen } = analyzer();
    const missing = (await answer(wakee('image'), a))!;
    expect([missing.status, await missing.json()]).toEqual([422, { detail: [{ type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null }] }]);
    const text = (await answer(wakee('file', 'face.jpg'), a))!;
    expect(text.status).toBe(422);
    expect((await text.json()).detail[0]).toMatchObject({ type: 'value_error', loc: ['body', 'file'], input: 'face.jpg' });
    expect(seen).toEqual([]); // neither reached the detector
    const cut = (await answer(post('/predict', '--x\r\nnot a part', { 'content-type': 'multipart/form-data; boundary=x' }), a))!;
    expect([cut.status, await cut.json()]).toEqual([400, { detail: 'There was an error parsing the body' }]);

    const cases = [
      [new EmoLensError('INVALID_IMAGE', 'The image could not be decoded', { kind: 'undecodable' }), 400],
      [new EmoLensError('NO_FACE_DETECTED', 'No face detected in the image'), 422],
      [new EmoLensError('INVALID_REQUEST', 'The face has no learning_states', { field: 'learning_states' }), 422],
      [new EmoLensError('IMAGE_TOO_LARGE', 'The image is 9000 × 9000 pixels', { kind: 'too_many_pixels' }), 413],
      [new EmoLensError('TIMEOUT', 'The call took too long'), 504],
      [new Error('boom'), 500],
    ] as const;
    for (const [error, status] of cases) {
      const r = (await answer(wakee(), analyzer(error).a))!;
      const body = await r.json();
      expect([r.status, Object.keys(body)], error.message).toEqual([status, ['detail']]);
      expect(body.detail).toBe(error instanceof EmoLensError ? error.message : 'The analysis failed');
    }

    const big = (await answer(new Request('https://app.test/predict', { method: 'POST', body: new FormData(), headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(IMAGE_BODY_BYTES + 1) } }), a))!;
    expect(big.status).toBe(413);
    expect(typeof (await big.json()).detail).toBe('string');
    const down = (await answer(wakee()))!;
    expect([down.status, typeof (await down.json()).detail]).toEqual([503, 'string']);
    const put = (await answer(new Request('https://app.test/predict', { method: 'PUT', body: new FormData() }), a))!;
    expect([put.status, put.headers.get('allow'), await put.json()]).toEqual([405, 'POST', { detail: 'Method Not Allowed' }]);
  });

  it('answers 503 without an analyzer, and /health by whether one is there', async () => {
    const r = (await answer(post('/v1/analyze/face', '{}')))!;
    expect(r.status).toBe(503);
    expect((await r.json()).error.code).toBe('DISPOSED');
    const down = (await answer(new Request('https://app.test/health')))!;
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unhealthy', model_loaded: false });
    const up = (await answer(new Request('https://app.test/health'), analyzer().a))!;
    expect(up.status).toBe(200);
    // SAMO-DL's body, its timestamp to the second as SAMO-DL writes it ("2025-08-06T10:30:00Z").
    expect(await up.json()).toMatchObject({ status: 'healthy', model_loaded: true, version: '9.9.9', endpoints: expect.arrayContaining(['/v1/analyze/face', '/emotion']), timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
  });

  it('answers a detector disposed under the request with 503 in every format, as when no page serves', async () => {
    const { a } = analyzer(new EmoLensError('DISPOSED', 'The detector was disposed'));
    const requests = [post('/v1/analyze/face', '{"image_base64":"x"}'), post('/emotion', imageForm()), post('/predict', '{"image":"data:image/png;base64,AA"}'), wakee()];
    const answers = await Promise.all(requests.map(async (request) => (await answer(request, a))!));
    expect(answers.map((r) => r.status)).toEqual([503, 503, 503, 503]);
    expect((await answers[0]!.json()).error.code).toBe('DISPOSED');
    expect(await answers[1]!.json()).toEqual({ error: 'Service Unavailable' });
  });

  it('answers what is not an EmoLensError as a 500 INTERNAL_ERROR, and a code it does not know with 500', async () => {
    const plain = (await answer(post('/v1/analyze/face', '{"image_base64":"x"}'), analyzer(new TypeError('boom')).a))!;
    expect(plain.status).toBe(500);
    expect((await plain.json()).error).toMatchObject({ code: 'INTERNAL_ERROR', details: { kind: 'unexpected' } });
    const forged = Object.assign(new EmoLensError('INTERNAL_ERROR', 'x'), { code: 'NOT_A_CODE' }) as unknown as EmoLensError;
    expect((await answer(post('/v1/analyze/face', '{"image_base64":"x"}'), analyzer(forged).a))!.status).toBe(500);
    expect(errorResponse('wia-face', new Error('plain')).status).toBe(500);
    expect(await errorResponse('emotion', 'a string').json()).toEqual({ error: 'The analysis failed' });
  });

  it('answers HEAD with the GET answer\'s status and headers, and no body', async () => {
    const head = (await answer(new Request('https://app.test/health', { method: 'HEAD' }), analyzer().a))!;
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/json');
    expect(head.body).toBeNull();
  });
});
