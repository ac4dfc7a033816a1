/**
 * Every REST format on real results: the SDK's WIA output on the wild and group photos, each adapter's
 * output from it, and the error bodies, validated against the JSON Schemas `@emolens/schema` publishes;
 * and `analyzeFace` answering the WIA request body as the standard writes it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmoLensError, toEmotionApi, toRankedList, toSamoError, toWebcamError, toWebcamPredict, type WiaErrorBody, type WiaFaceResult } from '../../packages/schema/src/index.ts';
import { repoRoot } from '../setup/paths.ts';
import { openTestPage, type TestPage } from './harness.ts';
import { groupPhotos, wildPhotos } from './photos.ts';

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const schema = (name: string) => ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'packages', 'schema', 'schemas', `${name}.schema.json`), 'utf8')));
const valid = (name: string, value: unknown) => {
  const validate = schema(name);
  return validate(value) ? true : ajv.errorsText(validate.errors);
};

let t: TestPage;
let results: WiaFaceResult[];
let errors: WiaErrorBody[];
beforeAll(async () => {
  t = await openTestPage();
  const out = await t.page.evaluate(
    async (urls) => {
      const detector = await window.emolens.createDetector({ backend: 'wasm', maxFaces: 10 });
      const results = [];
      for (const url of urls) results.push(await detector.detect(await (await fetch(url)).blob(), { returnLandmarks: results.length % 10 === 0 }));
      const errors = [];
      for (const bad of [new Blob(['not an image']), 'data:image/png;base64,@@@', '', new Blob([])]) {
        try {
          await detector.detect(bad);
        } catch (e) {
          errors.push((e as { toJSON(): unknown }).toJSON());
        }
      }
      detector.dispose();
      return { results, errors };
    },
    [...wildPhotos(), ...groupPhotos()].map((p) => p.url),
  );
  results = out.results;
  errors = out.errors as WiaErrorBody[];
});
afterAll(async () => {
  await t?.close();
});

describe('REST formats on real results', () => {
  it('the WIA face result of each of the 102 photos validates against wia-face-result.schema.json', () => {
    expect(results).toHaveLength(102);
    for (const result of results) expect(valid('wia-face-result', result)).toBe(true);
  });

  it('the /emotion, webcam /predict and ranked-list adapters give schema-valid bodies for each photo', () => {
    for (const result of results) {
      expect(valid('emotion-api-response', toEmotionApi(result))).toBe(true);
      expect(valid('webcam-predict-response', toWebcamPredict(result))).toBe(true);
      expect(valid('ranked-list', toRankedList(result, { topK: 3 }))).toBe(true);
    }
    const group = results.at(-1)!;
    expect(toEmotionApi(group)).toHaveLength(group.faces.length);
  });

  it('error bodies (WIA, webcam, SAMO) of real failures validate and carry the right words', () => {
    expect(errors).toHaveLength(4);
    for (const body of errors) expect(valid('wia-error', body)).toBe(true);
    const rebuilt = errors.map((body) => EmoLensError.fromJSON(body));
    expect(rebuilt.map((e) => toWebcamError(e).error)).toEqual(['Failed to decode image', 'Invalid base64 data', 'No image provided', 'Failed to decode image']);
    for (const e of rebuilt) {
      expect(valid('webcam-error', toWebcamError(e))).toBe(true);
      expect(valid('samo-error', toSamoError(e))).toBe(true);
    }
  });
});

describe('analyzeFace (WIA request body)', () => {
  it('answers the request of the standard (section 5.3.1) with a valid WIA response, and its errors (no face: NO_FACE_DETECTED)', async () => {
    const photo = wildPhotos()[12]!.url;
    const out = await t.page.evaluate(async (url) => {
      const detector = await window.emolens.createDetector({ backend: 'wasm' });
      const absolute = new URL(url, location.href).href;
      const byUrl = await detector.analyzeFace({
        image_url: absolute,
        options: { return_action_units: true, return_dimensions: true, return_landmarks: false, min_face_size: 50, max_faces: 5 },
      });
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      let binary = '';
      for (const b of bytes) binary += String.fromCharCode(b);
      const byBase64 = await detector.analyzeFace({ image_base64: `data:image/jpeg;base64,${btoa(binary)}`, options: { return_landmarks: true } });
      const rejected: unknown[] = [];
      const grey = Object.assign(document.createElement('canvas'), { width: 320, height: 240 });
      grey.getContext('2d')!.fillRect(0, 0, 320, 240);
      const faceless = grey.toDataURL('image/png');
      for (const body of [{ image_url: absolute, options: { max_faces: 0 } }, { options: {} }, { image_url: absolute, options: { colour: true } }, 'not an object', { image_base64: faceless }, { image_url: absolute, options: { min_face_size: 5000 } }]) {
        try {
          await detector.analyzeFace(body);
        } catch (e) {
          const error = e as { code: string; message: string; requestId: string; details: { field?: string } };
          rejected.push({ code: error.code, field: error.details.field, ...(error.code === 'NO_FACE_DETECTED' ? { message: error.message, id: /^req_/.test(error.requestId) } : {}) });
        }
      }
      // detect() answers the same image with no face.
      const detected = (await detector.detect(grey)).faces.length;
      detector.dispose();
      return { byUrl, byBase64, rejected, detected };
    }, photo);
    expect(valid('wia-face-result', out.byUrl)).toBe(true);
    expect(out.byUrl.faces).toHaveLength(1);
    expect(out.byUrl.faces[0]!.landmarks).toBeUndefined();
    expect(out.byUrl.faces[0]!.dimensions).toBeDefined();
    expect(valid('wia-face-result', out.byBase64)).toBe(true);
    expect(out.byBase64.faces[0]!.landmarks).toHaveLength(468);
    expect(out.rejected).toEqual([
      { code: 'INVALID_REQUEST', field: 'options.max_faces' },
      { code: 'INVALID_REQUEST', field: 'image_url' },
      { code: 'INVALID_REQUEST', field: 'options.colour' },
      { code: 'INVALID_REQUEST', field: 'body' },
      // The standard's error table: 400 NO_FACE_DETECTED "No face found in image" (none at all, or none that large).
      { code: 'NO_FACE_DETECTED', field: undefined, message: 'No face found in image', id: true },
      { code: 'NO_FACE_DETECTED', field: undefined, message: 'No face found in image', id: true },
    ]);
    expect(out.detected).toBe(0);
  });
});
