/**
 * One error format for every response: the WIA error body `{ error: { code, message, details }, request_id }`.
 * Our own {@link ApiError}s go out as they are; Fastify's errors (validation, bad JSON, body too large, media type,
 * no route) are translated; anything else is logged and answered with a generic 500, so no stack trace, file path
 * or SQL ever reaches a client.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

/** Methods the 405 check tries. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Installs the error handler and the not-found handler (404, or 405 with `Allow` for a known path). */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error, request);
    if (apiError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    sendError(reply, apiError, request);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = METHODS.filter((method) => method !== request.method && app.hasRoute({ url: path, method }));
    if (allowed.length > 0) {
      sendError(
        reply,
        new ApiError('INVALID_REQUEST', `${request.method} is not allowed on this path`, { kind: 'method_not_allowed', allowed }, {
          statusCode: 405,
          headers: { allow: allowed.join(', ') },
        }),
        request,
      );
      return;
    }
    sendError(reply, new ApiError('INVALID_REQUEST', 'No such route', { kind: 'not_found', suggestion: 'See GET /docs for the routes.' }, { statusCode: 404 }), request);
  });
}

/**
 * Fastify's `frameworkErrors` option: the errors its router raises before any hook or handler (a malformed URL such
 * as `/%`), in the same format.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendError(reply, toApiError(error, request), request);
}

/** Sends `error` as a WIA error body. The JSON is sent as a string, so no response schema can drop a field. */
export function sendError(reply: FastifyReply, error: ApiError, request: FastifyRequest): void {
  reply
    .code(error.statusCode)
    // Also here, for errors raised before the request-id hook ran (a malformed URL).
    .header('x-request-id', request.id)
    .headers(error.headers)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ ...error.toJSON(), request_id: String(request.id) }));
}

/** The {@link ApiError} to answer `error` with. */
export function toApiError(error: unknown, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  const fastifyError = error as Partial<FastifyError> | null;
  if (fastifyError?.validation !== undefined) return validationError(fastifyError.validation as ErrorObject[], fastifyError.validationContext);
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('IMAGE_TOO_LARGE', 'The request body is too large', {
        kind: 'too_large',
        limit_bytes: request.routeOptions.bodyLimit,
        suggestion: 'Send a smaller image: at most 4096×4096 pixels, JPEG at quality 80-90 is plenty.',
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('INVALID_REQUEST', 'The body must be JSON', { kind: 'unsupported_media_type', field: 'Content-Type', suggestion: 'Send Content-Type: application/json.' }, { statusCode: 415 });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('INVALID_REQUEST', 'The body is not valid JSON', {
        kind: 'invalid_json',
        field: '',
        reason: 'JSON cannot carry NaN, Infinity, comments or trailing commas, and keys named __proto__ or constructor.prototype are refused.',
      });
    case 'FST_ERR_BAD_URL':
      // Its own message quotes the URL back.
      return new ApiError('INVALID_REQUEST', 'The URL is not valid', { kind: 'bad_url', suggestion: 'Percent-encode the path and the query string.' });
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own 4xx (bad content length, a path outside the docs' files…): its message names no path or secret.
    const code = typeof fastifyError?.code === 'string' && fastifyError.code.startsWith('FST_') ? fastifyError.code : undefined;
    return new ApiError('INVALID_REQUEST', code !== undefined ? (fastifyError?.message ?? 'Bad request') : (STATUS_CODES[status] ?? 'Bad request'), {
      kind: 'bad_request',
      ...(code === undefined ? {} : { reason: code }),
    }, { statusCode: status });
  }
  return new ApiError('INTERNAL_ERROR', 'Internal server error', { kind: 'unexpected', suggestion: 'Retry later; report the request_id if it persists.' }, { statusCode: 500 });
}

/** 400 `INVALID_REQUEST` naming the field (dotted path) of the first schema violation; image problems as `INVALID_IMAGE`. */
function validationError(errors: ErrorObject[], context: string | undefined): ApiError {
  const first = errors[0];
  if (first === undefined) return new ApiError('INVALID_REQUEST', 'The request is invalid', { field: '' });
  const segments = first.instancePath.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = first.params as Record<string, unknown>;
  for (const name of ['missingProperty', 'additionalProperty', 'propertyName']) {
    if (typeof params[name] === 'string') segments.push(params[name]);
  }
  // A bad key under `propertyNames` (meta): Ajv names it on the error, not in its params.
  const badKey = first.propertyName;
  if (typeof badKey === 'string') segments.push(badKey);
  const field = segments.join('.');
  const where = context === 'body' || context === undefined ? '' : `${context} `;
  if (context === 'body' && field === 'image_base64') {
    if (first.keyword === 'maxLength') return new ApiError('IMAGE_TOO_LARGE', 'image_base64 is too long', { kind: 'too_large', field });
    if (first.keyword === 'pattern' || first.keyword === 'minLength') {
      return new ApiError('INVALID_IMAGE', 'image_base64 is not valid base64', {
        kind: 'invalid_base64',
        field,
        suggestion: 'Send the image as standard base64, without a data: URL prefix or line breaks.',
      });
    }
  }
  // A value that fits none of a union's types (`meta` values): name them all, not the first one tried.
  const union = errors.filter((e) => e.instancePath === first.instancePath && e.keyword === 'type').map((e) => String((e.params as { type?: unknown }).type));
  const message =
    errors.some((e) => e.instancePath === first.instancePath && e.keyword === 'anyOf') && union.length > 1
      ? `${where}${field} must be one of: ${union.join(', ')} (numbers finite)`
      : first.keyword === 'additionalProperties'
      ? `${where}${field} is not a known field`
      : first.keyword === 'required'
        ? `${where}${field} is required`
        : typeof badKey === 'string'
          ? `${where}${field} is not an allowed key: it ${first.message ?? 'is invalid'}`
          : `${where}${field || 'body'} ${first.message ?? 'is invalid'}`;
  return new ApiError('INVALID_REQUEST', message, { field, reason: `${first.keyword} ${JSON.stringify(params)}`.slice(0, 200) });
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before Fastify sees a request (bytes that are not
 * HTTP, headers over the size limit) and a request that does not arrive within `requestTimeoutMs` (a trickled body),
 * answered on the socket in the same WIA format, with a request id, then the connection closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = timeout ? 408 : tooLarge ? 431 : 400;
  answerOnSocket(
    socket,
    new ApiError(
      'INVALID_REQUEST',
      timeout ? 'The request did not arrive in time' : tooLarge ? 'The request headers are too large' : 'The request is not valid HTTP',
      { kind: timeout ? 'request_timeout' : 'malformed_http' },
      { statusCode: status },
    ),
  );
}

/**
 * The HTTP server's `connect` listener: Node hands a `CONNECT` request (a proxy tunnel) to it instead of to Fastify,
 * and with no listener closes the connection unanswered. This is no proxy: 405, in the same format.
 */
export function refuseConnect(_request: unknown, socket: Socket): void {
  answerOnSocket(socket, new ApiError('INVALID_REQUEST', 'CONNECT is not allowed: this server is not a proxy', { kind: 'method_not_allowed', allowed: ['GET', 'POST'] }, { statusCode: 405 }));
}

/**
 * The HTTP server's `checkExpectation` listener: a request with an `Expect` other than `100-continue`, which Node
 * would answer 417 with an empty body. The same 417, in the same format as every other error.
 */
export function refuseExpectation(request: IncomingMessage, response: ServerResponse): void {
  const expectation = String(request.headers.expect ?? '');
  const error = new ApiError('INVALID_REQUEST', `Expect: ${expectation.slice(0, 100)} cannot be met`, { kind: 'malformed_http', reason: 'only Expect: 100-continue is understood' }, { statusCode: 417 });
  const id = randomUUID();
  const body = JSON.stringify({ ...error.toJSON(), request_id: id });
  response.writeHead(417, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'X-Request-ID': id, Connection: 'close' }).end(body);
}

/**
 * An `onRequest` hook: an HTTP/1.1 request without `Host` is refused, as Node would refuse it (the server turns Node's
 * own check off, whose 400 has an empty body), in the server's error format.
 */
export async function requireHost(request: FastifyRequest): Promise<void> {
  if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
    throw new ApiError('INVALID_REQUEST', 'An HTTP/1.1 request needs a Host header', { kind: 'malformed_http', reason: 'no Host header' }, { statusCode: 400 });
  }
}

/** Writes `error` as a whole HTTP response on `socket`, with a request id of its own, and closes it. */
function answerOnSocket(socket: Socket, error: ApiError): void {
  const id = randomUUID();
  const body = JSON.stringify({ ...error.toJSON(), request_id: id });
  socket.end(
    `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-ID: ${id}\r\nConnection: close\r\n\r\n${body}`,
  );
}
