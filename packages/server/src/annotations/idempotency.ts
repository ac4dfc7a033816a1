/**
 * Idempotency records: the first successful response to an `Idempotency-Key`, kept with a hash of the request body
 * so a retry with the same body gets the same response and a reuse of the key for another body is refused.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../storage/database.js';

/** Accepted `Idempotency-Key` values: a UUID or any token of these characters, never used as a path. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Where a key is unique: the client that sent it (see {@link IdempotencyKey.scope}). */
export interface IdempotencyKey {
  /** The client's identity (a hash of its API key), `''` when the server has no API keys. */
  scope: string;
  key: string;
  /** sha256 of the canonical request body ({@link requestHash}). */
  requestSha256: string;
}

/** A stored first response. */
export interface IdempotencyRecord {
  requestSha256: string;
  status: number;
  body: Record<string, unknown>;
}

/** JSON of `value` with object keys sorted at every level, so two equal bodies hash alike whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * sha256 (hex) of a request body in canonical form: the canonical JSON of every field but `image_base64`, a
 * newline (which canonical JSON never contains), then the base64 text itself, hashed as it is rather than copied
 * into a JSON string first.
 */
export function requestHash(body: { image_base64?: unknown }): string {
  const { image_base64: image, ...rest } = body;
  return createHash('sha256')
    .update(canonicalJson(rest))
    .update('\n')
    .update(typeof image === 'string' ? image : canonicalJson(image))
    .digest('hex');
}

/** The record of `key`, or `null`. */
export async function findIdempotencyRecord(db: Queryable, key: IdempotencyKey): Promise<IdempotencyRecord | null> {
  const rows = await db.query<{ request_sha256: string; response_status: number; response_body: Record<string, unknown> | string }>(
    'SELECT request_sha256, response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2',
    [key.scope, key.key],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const body = typeof row.response_body === 'string' ? (JSON.parse(row.response_body) as Record<string, unknown>) : row.response_body;
  return { requestSha256: row.request_sha256, status: Number(row.response_status), body };
}

/**
 * Records the response to `key` for `annotationId` on its own; `false` when another request recorded the key
 * first. The server's insert does not call it: `insertAnnotation` records the key in the row's own statement.
 * Kept for callers that compose the two inside a transaction (the benchmark's stage timings).
 */
export async function saveIdempotencyRecord(
  tx: Queryable,
  key: IdempotencyKey,
  annotationId: string,
  status: number,
  body: Record<string, unknown>,
): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO idempotency_keys (scope, key, request_sha256, annotation_id, response_status, response_body)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
    [key.scope, key.key, key.requestSha256, annotationId, status, JSON.stringify(body)],
  );
  return rows.length === 1;
}
