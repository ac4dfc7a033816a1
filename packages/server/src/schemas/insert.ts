/** Schemas of `POST /insert`: the body is `@emolens/schema`'s; the headers and the 201 body are the server's. */
import { IDEMPOTENCY_KEY_PATTERN } from '../annotations/idempotency.js';
import { errorResponses, INSERT_REQUEST_ID, ref, type JsonSchema } from './shared.js';

/** The headers `POST /insert` reads. */
export const INSERT_HEADERS_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    'idempotency-key': {
      description:
        'Optional. A retry with the same key and the same body gets the first response (with Idempotent-Replayed: true) and stores nothing; the same key with another body gets 409.',
      type: 'string',
      pattern: IDEMPOTENCY_KEY_PATTERN.source,
    },
  },
};

/** The 201 body of `POST /insert`. */
export const INSERT_RESPONSE_SCHEMA: JsonSchema = {
  description: 'The annotation was stored (or, with Idempotent-Replayed: true, had been stored by the first request with this Idempotency-Key).',
  type: 'object',
  required: ['status', 'id', 'image_key', 'created_at'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['success'] },
    id: { description: "The annotation's id, a UUIDv7.", type: 'string', format: 'uuid' },
    image_key: { description: 'Where the image is stored: images/<yyyy>/<mm>/<id>.<jpg|png|webp>.', type: 'string' },
    created_at: { description: 'When the annotation was stored (ISO 8601, UTC).', type: 'string', format: 'date-time' },
  },
};

/** The route schema of `POST /insert`. */
export const INSERT_ROUTE_SCHEMA = {
  summary: 'Store one user-corrected annotation',
  description:
    "The Wakee API's /insert body (image_base64, predicted_* and user_* for boredom, confusion, engagement, frustration on 0-3) plus the EmoLens extensions. The image must be a whole JPEG, PNG or WebP of at most 4096×4096 pixels.",
  tags: ['annotations'],
  headers: INSERT_HEADERS_SCHEMA,
  body: ref(INSERT_REQUEST_ID),
  response: { 201: INSERT_RESPONSE_SCHEMA, ...errorResponses(400, 401, 409, 413, 415, 429, 500) },
};
