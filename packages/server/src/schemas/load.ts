/** Schemas of `GET /load`. */
import { LEARNING_STATES, WIA_EMOTIONS } from '@emolens/schema';
import { SCORE_COLUMNS } from '../annotations/repository.js';
import { errorResponses, type JsonSchema } from './shared.js';

/** Default page size of `/load`, as in the Wakee API. */
export const DEFAULT_LOAD_LIMIT = 10;
/** Largest page size of `/load`. */
export const MAX_LOAD_LIMIT = 1000;
/** Largest offset of `/load` (deeper pages cost a scan of every row before them). */
export const MAX_LOAD_OFFSET = 1_000_000;

const nullableNumber = { type: ['number', 'null'] };

const ROW_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    created_at: { type: 'string', format: 'date-time' },
    image_key: { type: 'string' },
    image_sha256: { type: 'string' },
    image_type: { type: 'string', enum: ['image/jpeg', 'image/png', 'image/webp'] },
    image_width: { type: 'integer' },
    image_height: { type: 'integer' },
    image_bytes: { type: 'integer' },
    ...Object.fromEntries(SCORE_COLUMNS.map((column) => [column, { type: 'number' }])),
    predicted_emotion: { type: ['string', 'null'], enum: [...WIA_EMOTIONS, null] },
    user_emotion: { type: ['string', 'null'], enum: [...WIA_EMOTIONS, null] },
    predicted_probabilities: { type: ['object', 'null'], additionalProperties: { type: 'number' } },
    wia_face: { type: ['object', 'null'], additionalProperties: true },
    meta: { type: ['object', 'null'], additionalProperties: true },
  },
};

const STATE_SCHEMA: JsonSchema = {
  type: 'object',
  properties: { count: { type: 'integer' }, mean_predicted: nullableNumber, mean_user: nullableNumber, mean_absolute_error: nullableNumber },
};

/** The route schema of `GET /load`. */
export const LOAD_ROUTE_SCHEMA = {
  summary: 'Page through the annotations, with statistics over all of them',
  description:
    'Newest first, without the image bytes (image_key names the stored image). statistics covers every annotation: per learning state the mean predicted and user scores and their mean absolute error; the 7×7 confusion matrix of predicted_emotion (rows) against user_emotion (columns) over annotations that carry both.',
  tags: ['annotations'],
  querystring: {
    type: 'object',
    properties: {
      limit: { description: 'Rows per page.', type: 'integer', minimum: 1, maximum: MAX_LOAD_LIMIT, default: DEFAULT_LOAD_LIMIT },
      offset: { description: 'Rows to skip.', type: 'integer', minimum: 0, maximum: MAX_LOAD_OFFSET, default: 0 },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['data', 'count', 'limit', 'offset', 'statistics'],
      properties: {
        data: { type: 'array', items: ROW_SCHEMA },
        count: { description: 'Rows in data.', type: 'integer' },
        limit: { type: 'integer' },
        offset: { type: 'integer' },
        statistics: {
          type: 'object',
          properties: {
            total: { description: 'Annotations stored.', type: 'integer' },
            states: { type: 'object', properties: Object.fromEntries(LEARNING_STATES.map((s) => [s, STATE_SCHEMA])) },
            emotions: {
              type: 'object',
              properties: {
                labels: { type: 'array', items: { type: 'string' } },
                count: { description: 'Annotations with both predicted_emotion and user_emotion.', type: 'integer' },
                accuracy: { description: 'Share of them where user_emotion = predicted_emotion.', ...nullableNumber },
                confusion_matrix: {
                  description: 'confusion_matrix[i][j]: annotations predicted labels[i] and labelled labels[j] by the user.',
                  type: 'array',
                  items: { type: 'array', items: { type: 'integer' } },
                },
              },
            },
          },
        },
      },
    },
    ...errorResponses(400, 401, 429, 500),
  },
};
