/**
 * Answers one REST request with the seed API's exact bodies and status codes, errors included: the WIA routes
 * with the WIA error object, `/emotion` and the webcam `/predict` with `{ "error": … }`, the Wakee `/predict`
 * with FastAPI's `{ "detail": … }`, `/health` with the SAMO-DL health body. Runs in the page that holds the
 * detector; the service worker runs it without one, for the answers that need no analysis (404, 405, 413, and 503
 * when no page is serving).
 */
import {
  EmoLensError,
  httpStatusOf,
  isEmoLensError,
  samoTimestamp,
  toEmotionApi,
  toSamoError,
  toWebcamError,
  toWebcamPredict,
  webcamHttpStatus,
  type WakeePrediction,
  type WiaFaceResult,
  type WiaVideoResult,
} from '@emolens/schema';
import { REST_VERSION } from './bridge.js';
import { asEmoLensError, json, parseForm, parseJson, readBody } from './http.js';
import { matchRoute, requestApi, REST_ROUTES, type RestApi } from './routes.js';

/** What answers the analysis routes: an EmoLens `Detector` has all four. */
export interface RestAnalyzer {
  /**
   * The WIA `POST /v1/analyze/face` body, parsed and analysed, rejecting with `NO_FACE_DETECTED` for an image without
   * a face (also the webcam `/predict`'s data URL, as `image_base64`).
   */
  analyzeFace(body: unknown): Promise<WiaFaceResult>;
  /** The WIA `POST /v1/analyze/face/video` body, parsed and analysed. */
  analyzeFaceVideo(body: unknown): Promise<WiaVideoResult>;
  /** An uploaded image file (`/emotion`'s multipart field). */
  detect(input: Blob): Promise<WiaFaceResult>;
  /**
   * An uploaded image file (the Wakee `/predict`'s multipart field `file`): the learning states of its largest face,
   * rejecting with `NO_FACE_DETECTED` when it has none.
   */
  predictWakee(input: Blob): Promise<WakeePrediction>;
}

/** Who answers: the analyzer (none in the service worker), and what `/health` reports. */
export interface RestService {
  analyzer: RestAnalyzer | undefined;
  /** The version `/health` reports. */
  version: string;
}

/**
 * Answers the request for route path `path` (relative to the base); `undefined` when the path is not an API's. A
 * `HEAD` request gets the `GET` answer's status and headers, without its body.
 */
export async function answerRestRequest(request: Request, path: string, service: RestService): Promise<Response | undefined> {
  const answer = await answerRoute(request, path, service);
  if (answer === undefined || request.method.toUpperCase() !== 'HEAD') return answer;
  return new Response(null, { status: answer.status, headers: answer.headers });
}

async function answerRoute(request: Request, path: string, service: RestService): Promise<Response | undefined> {
  const match = matchRoute(request.method, path);
  if (!match) return undefined;
  const contentType = request.headers.get('content-type');
  if (match.kind === 'not_found') {
    return errorResponse(match.api, new EmoLensError('INVALID_REQUEST', `No route ${request.method} ${path}`, { kind: 'not_found', reason: 'unknown route', suggestion: 'See the routes the device answers in @emolens/rest.' }), 404);
  }
  if (match.kind === 'method_not_allowed') {
    const allowed = match.allowed.join(', ');
    const error = new EmoLensError('INVALID_REQUEST', `${path} takes ${allowed}, not ${request.method}`, { kind: 'method_not_allowed', allowed: match.allowed, reason: 'method not allowed' });
    return errorResponse(requestApi(match, contentType), error, 405, { allow: allowed });
  }
  const { route } = match;
  const api = requestApi(route, contentType);
  try {
    if (api === 'health') return health(service);
    const body = await readBody(request, route.maxBodyBytes);
    const analyzer = service.analyzer;
    if (!analyzer) return notServingResponse(api);
    return await analyze(api, request, body, analyzer);
  } catch (error) {
    const e = asEmoLensError(error);
    // A detector disposed under the request: the device is not serving, as when no page is open.
    return errorResponse(api, e, e.details.kind === 'too_large' ? 413 : e.code === 'DISPOSED' ? 503 : undefined);
  }
}

/**
 * The answer to a request of `api` when no page with a detector is open to answer it (the service worker's own):
 * 503 in the API's format, and `/health`'s unhealthy body.
 */
export function notServingResponse(api: RestApi): Response {
  if (api === 'health') return health({ analyzer: undefined, version: REST_VERSION });
  const error = new EmoLensError('DISPOSED', 'No page of this app with an EmoLens detector is open to answer', {
    reason: 'no page is serving the REST routes',
    suggestion: 'Open the app (a page that calls serveRest) and retry.',
  });
  return errorResponse(api, error, 503);
}

async function analyze(api: Exclude<RestApi, 'health'>, request: Request, body: ArrayBuffer, analyzer: RestAnalyzer): Promise<Response> {
  switch (api) {
    case 'wia-face':
      return json(200, await analyzer.analyzeFace(parseJson(body)));
    case 'wia-video':
      return json(200, await analyzer.analyzeFaceVideo(parseJson(body)));
    case 'emotion': {
      const image = (await parseForm(request, body))?.get('image');
      if (!(image instanceof Blob)) throw missingImage('a multipart/form-data body with the image in the field "image"');
      return json(200, toEmotionApi(await analyzer.detect(image)));
    }
    case 'wakee': {
      const form = await parseForm(request, body);
      if (!form) throw new EmoLensError('INVALID_REQUEST', 'There was an error parsing the body', { kind: 'invalid_multipart', reason: 'the multipart body does not parse' });
      // FastAPI (Starlette's form) takes the last part of a repeated field.
      const file = form.getAll('file').at(-1) ?? null;
      if (!(file instanceof Blob)) throw missingFile(file);
      return json(200, await analyzer.predictWakee(file));
    }
    case 'predict': {
      const data = safeJson(body);
      const image = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).image : undefined;
      // An empty string is no image either (the reference server would fail on it with a 500).
      if (typeof image !== 'string' || image === '') throw missingImage('a JSON body {"image": "data:image/png;base64,…"}');
      // As base64, never as a URL: a request body must not make the page fetch an address it names.
      // The WIA call refuses an image without a face (NO_FACE_DETECTED); the webcam API answers it with 200.
      const result = await analyzer.analyzeFace({ image_base64: image }).catch((error: unknown) => {
        if (isEmoLensError(error) && error.code === 'NO_FACE_DETECTED') return NO_FACES;
        throw error;
      });
      return json(200, toWebcamPredict(result));
    }
  }
}

/** A result with no face, as the webcam API's adapter reads it (it needs no more). */
const NO_FACES: WiaFaceResult = { request_id: '', processing_time_ms: 0, faces: [] };

/** The webcam API reads `request.json` and answers "No image provided" to anything without an image. */
function safeJson(body: ArrayBuffer): unknown {
  try {
    return parseJson(body);
  } catch {
    return undefined;
  }
}

function missingImage(expected: string): EmoLensError {
  return new EmoLensError('INVALID_REQUEST', 'No image provided', { kind: 'missing_image', reason: 'no image in the request', suggestion: `Send ${expected}.` });
}

/** Wakee's `/predict` without a file in the field `file` (absent, or a text field: `value` is what it held). */
function missingFile(value: FormDataEntryValue | null): EmoLensError {
  return new EmoLensError('INVALID_REQUEST', 'No image provided', {
    kind: 'missing_file',
    field: 'file',
    reason: value === null ? 'no field "file"' : 'the field "file" is not a file',
    suggestion: 'Send a multipart/form-data body with the image in the field "file" (curl -F "file=@face.jpg").',
    ...(value === null ? {} : { value }),
  });
}

function health(service: RestService): Response {
  const ready = service.analyzer !== undefined;
  return json(ready ? 200 : 503, {
    status: ready ? 'healthy' : 'unhealthy',
    model_loaded: ready,
    // Answered by the device itself: up whenever a page of the app is open.
    uptime: ready ? '100.0%' : '0.0%',
    version: service.version,
    endpoints: REST_ROUTES.map((r) => r.path),
    timestamp: samoTimestamp(new Date()),
  });
}

/** Fallback texts of the `{ "error": … }` APIs for statuses the SDK's errors do not carry. */
const STATUS_TEXT: Record<number, string> = { 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Request Entity Too Large', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

/**
 * `error` in the format of `api`, with `status` (default: the status the format gives the error). `error` may be
 * anything a `catch` gives: what is not an `EmoLensError` is answered as `INTERNAL_ERROR`.
 */
export function errorResponse(api: RestApi, thrown: unknown, status?: number, headers: Record<string, string> = {}): Response {
  const error = asEmoLensError(thrown);
  switch (api) {
    case 'wia-face':
    case 'wia-video': {
      // An error no call claimed gets its id from toJSON().
      return json(status ?? httpStatusOf(error), error.toJSON(), headers);
    }
    case 'emotion':
    case 'predict': {
      const body = status !== undefined && status !== 400 && STATUS_TEXT[status] ? { error: STATUS_TEXT[status] } : toWebcamError(error);
      return json(status ?? webcamHttpStatus(error), body, headers);
    }
    case 'wakee':
      return wakeeError(error, status, headers);
    case 'health':
      return json(status ?? 500, toSamoError(error), headers);
  }
}

/**
 * `error` as the Wakee API (FastAPI) answers it. A request without a file is FastAPI's own validation error, 422
 * with `detail` the list of Pydantic errors; a multipart body that does not parse is FastAPI's 400 "There was an
 * error parsing the body". Every other error is `{ "detail": message }`: 400 for a file that is not an image;
 * **422 for an image without a face**, or a face whose states could not be estimated (the request is valid but
 * cannot be processed: Wakee's own model scores any image, the device needs a face); 413, 503 and 504 as the other
 * APIs; 500 for a failure of the analysis.
 */
function wakeeError(error: EmoLensError, status: number | undefined, headers: Record<string, string>): Response {
  if (error.details.kind === 'missing_file') {
    const value = error.details['value'];
    const problem =
      value === undefined
        ? { type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null }
        : { type: 'value_error', loc: ['body', 'file'], msg: "Value error, Expected UploadFile, received: <class 'str'>", input: value, ctx: { error: {} } };
    return json(status ?? 422, { detail: [problem] }, headers);
  }
  const unprocessable = error.code === 'NO_FACE_DETECTED' || error.details['field'] === 'learning_states';
  const code = status ?? (unprocessable ? 422 : httpStatusOf(error));
  // Starlette's own bodies for the answers it gives without the app.
  const detail = code === 404 || code === 405 ? STATUS_TEXT[code]! : error.message || error.code;
  return json(code, { detail }, headers);
}
