/**
 * `GET /docs` (Swagger UI, its assets served from the @fastify/swagger-ui package: no CDN) and `GET /docs/json`
 * (the OpenAPI 3.1 document), both generated from the routes' own schemas.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { COMPONENT_NAMES } from '../schemas/shared.js';
import { SERVER_VERSION } from '../version.js';

/** Where the docs are served. */
export const DOCS_PREFIX = '/docs';

/** Registers the OpenAPI generator; call before the routes are registered, so it sees them. */
export async function installDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'EmoLens collection server',
        description: "The Wakee API's /insert and /load, with idempotency, statistics and WIA errors. Errors are WIA error bodies.",
        version: SERVER_VERSION,
      },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'annotations', description: 'Store and read annotations' },
        { name: 'operations', description: 'Health and metrics (no API key)' },
      ],
    },
    refResolver: {
      // Shared schemas become named components (WakeeInsertRequest…) instead of def-0, def-1.
      buildLocalReference: (json, _baseUri, _fragment, i) => COMPONENT_NAMES[String(json['$id'])] ?? `def-${i}`,
    },
  });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    // No call to the public validator service from a user's browser.
    uiConfig: { validatorUrl: null },
  });
}
