/**
 * The JSON Schemas shared by several routes, registered once (with `fastify.addSchema` for the OpenAPI document, and
 * in the validators' Ajv): the request body from `@emolens/schema` (one contract for the uploader and the server),
 * the WIA face it refers to, and the WIA error body every error response has.
 */
import { ERROR_HTTP_STATUS } from '@emolens/schema';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A JSON Schema object. */
export type JsonSchema = Record<string, unknown>;


function load(file: string, id: string): JsonSchema {
  const schema = structuredClone(require(`@emolens/schema/schemas/${file}`) as JsonSchema);
  // The draft is Ajv2020's default; a `$schema` keyword would make OpenAPI tools fetch the metaschema.
  delete schema['$schema'];
  return { ...schema, $id: id };
}

/**
 * `$id` of the WIA face result schema: the name the insert schema's `$ref` (`wia-face-result.schema.json#/$defs/face`)
 * resolves to.
 */
export const WIA_FACE_RESULT_ID = 'wia-face-result.schema.json';
/** `$id` of the `POST /insert` body schema. */
export const INSERT_REQUEST_ID = 'wakee-insert-request.schema.json';
/** `$id` of the server's error body schema. */
export const ERROR_BODY_ID = 'server-error.schema.json';

/**
 * The body of every error response: the WIA error format (`@emolens/schema/schemas/wia-error.schema.json`), with
 * `details.kind` open to the server's own kinds (`idempotency_conflict`, `invalid_json`, `unsupported_media_type`,
 * `not_found`, `method_not_allowed`) besides the SDK's input kinds.
 */
export const ERROR_BODY_SCHEMA: JsonSchema = {
  $id: ERROR_BODY_ID,
  title: 'WIA error body',
  type: 'object',
  required: ['error', 'request_id'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      additionalProperties: false,
      properties: {
        code: { enum: Object.keys(ERROR_HTTP_STATUS) },
        message: { type: 'string' },
        details: {
          description: 'reason and suggestion, field (dotted path of the bad value, or a header name) and kind (what was wrong).',
          type: 'object',
          properties: { reason: { type: 'string' }, suggestion: { type: 'string' }, field: { type: 'string' }, kind: { type: 'string' } },
          additionalProperties: true,
        },
      },
    },
    request_id: { description: 'The X-Request-ID of the request.', type: 'string' },
  },
};

/** The shared schemas, in the order they must be registered (a schema after those it refers to). */
export const SHARED_SCHEMAS: readonly JsonSchema[] = [
  load('wia-face-result.schema.json', WIA_FACE_RESULT_ID),
  load('wakee-insert-request.schema.json', INSERT_REQUEST_ID),
  ERROR_BODY_SCHEMA,
];

/** Names of the shared schemas in the OpenAPI document's `components.schemas`. */
export const COMPONENT_NAMES: Readonly<Record<string, string>> = {
  [WIA_FACE_RESULT_ID]: 'WiaFaceResult',
  [INSERT_REQUEST_ID]: 'WakeeInsertRequest',
  [ERROR_BODY_ID]: 'WiaError',
};

/** A reference to a shared schema. */
export function ref(id: string): JsonSchema {
  return { $ref: `${id}#` };
}

/** Error responses for a route's documentation, by status (each a WIA error body). */
export function errorResponses(...statuses: number[]): Record<number, JsonSchema> {
  const descriptions: Record<number, string> = {
    400: 'Invalid request or image (INVALID_REQUEST, INVALID_IMAGE)',
    401: 'Missing or wrong X-API-Key (UNAUTHORIZED)',
    409: 'Idempotency-Key reused with another body (INVALID_REQUEST, details.kind idempotency_conflict)',
    413: 'Body or image too large (IMAGE_TOO_LARGE)',
    415: 'Content-Type is not application/json (INVALID_REQUEST)',
    429: 'Rate limit exceeded (RATE_LIMITED); see Retry-After',
    500: 'Internal error (INTERNAL_ERROR)',
  };
  return Object.fromEntries(statuses.map((status) => [status, { description: descriptions[status] ?? 'Error', ...ref(ERROR_BODY_ID) }]));
}
