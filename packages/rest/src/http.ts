/** JSON responses and request bodies, read with a byte cap. */
import { EmoLensError, toEmoLensError } from '@emolens/schema';

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** The request's body, refused with `IMAGE_TOO_LARGE` (`too_large`, 413) past `maxBytes`. */
export async function readBody(request: Request, maxBytes: number): Promise<ArrayBuffer> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(declared, maxBytes);
  // Read as a stream and stop at the limit: a service worker sees no Content-Length, and reading a body of a
  // gigabyte whole failed ("Failed to fetch", a 500) instead of giving the 413.
  const reader = request.body?.getReader();
  if (!reader) return new ArrayBuffer(0);
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      void reader.cancel().catch(() => undefined);
      throw tooLarge(undefined, maxBytes);
    }
    chunks.push(value);
  }
  return new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer();
}

/** `bytes`: the declared size, when known (the read of a stream stops at the limit, before the whole is known). */
function tooLarge(bytes: number | undefined, maxBytes: number): EmoLensError {
  const size = bytes === undefined ? 'is larger than' : `is ${bytes} bytes, more than`;
  return new EmoLensError('IMAGE_TOO_LARGE', `The request body ${size} the ${maxBytes} bytes this route takes`, {
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
  return toEmoLensError(error, 'The analysis failed');
}
