/**
 * Bodies the JSON parser would misread: a compressed one (`Content-Encoding`), which the server does not inflate,
 * and one in a charset other than UTF-8, which it would read as UTF-8. Both get 415 before the body is read. A body
 * that says UTF-8 but is not (invalid byte sequences) is 400 `invalid_json`: decoded leniently, its bad bytes would
 * be stored as U+FFFD, and two bodies differing only there would hash alike for `Idempotency-Key`.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';

// The BOM is kept for Fastify's parser, which allows one: two would otherwise pass, one stripped by each.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The `charset` parameter of a Content-Type header, if any. */
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/** Refuses request bodies in an encoding or charset the server does not read, and JSON that is not valid UTF-8. */
export function installBodyEncoding(app: FastifyInstance): void {
  // Fastify's own JSON parser (`__proto__` and `constructor.prototype` keys refused), fed strictly decoded text.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = STRICT_UTF8.decode(body as Buffer);
    } catch {
      done(new ApiError('INVALID_REQUEST', 'The body is not valid UTF-8', {
        kind: 'invalid_json',
        field: '',
        suggestion: 'Send the JSON encoded as UTF-8 (escape other bytes as \\uXXXX).',
      }), undefined);
      return;
    }
    parseJson(request, text, done);
  });
  // preParsing: after every onRequest check (an API key's 401 comes first), before the body is read.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      throw new ApiError('INVALID_REQUEST', 'The body must not be compressed', {
        kind: 'unsupported_media_type',
        field: 'Content-Encoding',
        suggestion: 'Send the JSON uncompressed (no Content-Encoding header).',
      }, { statusCode: 415 });
    }
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      throw new ApiError('INVALID_REQUEST', 'The body must be UTF-8', {
        kind: 'unsupported_media_type',
        field: 'Content-Type',
        suggestion: 'Send Content-Type: application/json (UTF-8, as JSON always is).',
      }, { statusCode: 415 });
    }
    return payload;
  });
}
