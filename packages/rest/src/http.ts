/** JSON responses and request bodies, read with a byte cap. */
import { EmoLensError, isEmoLensError } from '@emolens/schema';

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** The request's body, refused with `IMAGE_TOO_LARGE` (`too_large`, 413) past `maxBytes`. */
export async function readBody(request: Request, maxBytes: number): Promise<ArrayBuffer> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(declared, maxBytes);
  const body = await request.arrayBuffer();
  if (body.byteLength > maxBytes) throw tooLarge(body.byteLength, maxBytes);
  return body;
}

function tooLarge(bytes: number, maxBytes: number): EmoLensError {
  return new EmoLensError('IMAGE_TOO_LARGE', `The request body is ${bytes} bytes, more than the ${maxBytes} this route takes`, {
    kind: 'too_large',
    reason: 'request body too large',
    suggestion: 'Send a smaller image (or fewer frames).',
    maxBytes,
  });
}

/** `body` parsed as JSON; `INVALID_REQUEST` (`invalid_json`) when it is not. */
export function parseJson(body: ArrayBuffer): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (cause) {
    throw new EmoLensError('INVALID_REQUEST', 'The request body is not valid JSON', { kind: 'invalid_json', reason: String(cause), suggestion: 'Send a JSON object.' }, { cause });
  }
}

/** The request's multipart form, or `undefined` when the body is not `multipart/form-data` or does not parse. */
export async function parseForm(request: Request, body: ArrayBuffer): Promise<FormData | undefined> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) return undefined;
  try {
    return await new Response(body, { headers: { 'content-type': type } }).formData();
  } catch {
    return undefined;
  }
}

/** Any thrown value as an `EmoLensError` (`INTERNAL_ERROR`, `unexpected`, for anything else). */
export function asEmoLensError(error: unknown): EmoLensError {
  if (isEmoLensError(error)) return error;
  return new EmoLensError('INTERNAL_ERROR', 'The analysis failed', { kind: 'unexpected', reason: String(error) }, { cause: error });
}
