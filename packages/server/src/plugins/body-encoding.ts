/**
 * Bodies the JSON parser would misread: a compressed one (`Content-Encoding`), which the server does not inflate,
 * and one in a charset other than UTF-8, which it would read as UTF-8. Both get 415 before the body is read.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';

/** The `charset` parameter of a Content-Type header, if any. */
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/** Refuses request bodies in an encoding or charset the server does not read. */
export function installBodyEncoding(app: FastifyInstance): void {
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
