/**
 * The atomic insert of one annotation. Order: validate and inspect the image, write it under a new key, then one
 * atomic statement inserts the row (and, with an idempotency key, the record of the response) — a statement shared
 * with the other inserts waiting at that moment (`InsertBatcher`). When that fails the
 * image is deleted; when the process dies between the write and the commit, the orphan sweep deletes it later. So
 * no row ever lacks its image, and no image outlives a failed insert for longer than the sweep's grace period.
 *
 * One statement rather than BEGIN…COMMIT: a third of the database round trips, which is what bounds throughput on
 * PGlite (one connection, in this thread); a failed batch is retried row by row, so one request's failure is its own. A retry is not looked up before the work either: retries are rare, so
 * the common case pays no extra query, and a retry costs an image check and a write that is then deleted.
 */
import { createHash } from 'node:crypto';
import type { WakeeInsertBody } from '@emolens/schema';
import type { ImageCheck } from '../config.js';
import { ApiError, invalidRequest } from '../errors.js';
import { decodeBase64 } from '../image/base64.js';
import { inspectImage } from '../image/inspect.js';
import { imageKey, uuidv7, uuidv7Time } from '../image/keys.js';
import type { ServerMetrics } from '../metrics.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { Database } from '../storage/database.js';
import { findIdempotencyRecord, type IdempotencyKey, type IdempotencyRecord } from './idempotency.js';
import type { InsertBatcher } from './insert-batcher.js';

/** The 201 body of `POST /insert` (its schema: `schemas/insert-response.ts`). */
export interface InsertResponse {
  status: 'success';
  /** The annotation's id (a UUIDv7). */
  id: string;
  /** Where its image is stored. */
  image_key: string;
  /** When it was stored (ISO 8601). */
  created_at: string;
  [key: string]: unknown;
}

/** What the route answers. */
export interface InsertOutcome {
  statusCode: number;
  body: Record<string, unknown>;
  /** `true` when the answer is a stored first response (the request stored nothing). */
  replayed: boolean;
}

/** What {@link storeAnnotation} works with. */
export interface InsertDependencies {
  database: Database;
  /** Sends the row inserts to `database`, several per statement when they queue up. */
  inserts: InsertBatcher;
  blobs: BlobStore;
  metrics: ServerMetrics;
  /** How far a JPEG is checked (`ServerSettings.imageCheck`). */
  imageCheck: ImageCheck;
  /** Where a failed clean-up is reported (the sweep will retry it). */
  warn: (message: string, error: unknown) => void;
}

/** Stores one validated body; with `idempotency`, at most once per key. */
export async function storeAnnotation(deps: InsertDependencies, body: WakeeInsertBody, idempotency?: IdempotencyKey): Promise<InsertOutcome> {
  // jsonb cannot hold U+0000 or an unpaired surrogate (PostgreSQL refuses the row): refuse them here, not with a 500.
  for (const [name, value] of Object.entries(body.meta ?? {})) {
    if (typeof value === 'string' && /\u0000|[\ud800-\udfff]/u.test(value)) throw invalidRequest(`meta.${name} contains U+0000 or an unpaired surrogate`, `meta.${name}`);
  }
  const bytes = decodeBase64(body.image_base64);
  const stages = deps.metrics.insertStageDuration;
  let started = performance.now();
  const image = await inspectImage(bytes, { decodeJpeg: deps.imageCheck === 'decode' });
  started = observe(stages, 'image_check', started);
  const id = uuidv7();
  const key = imageKey(id, image.extension);
  const createdAt = new Date(uuidv7Time(id));
  const response: InsertResponse = { status: 'success', id, image_key: key, created_at: createdAt.toISOString() };
  const annotation = {
    id,
    createdAt,
    imageKey: key,
    imageSha256: createHash('sha256').update(bytes).digest('hex'),
    imageType: image.type,
    imageWidth: image.width,
    imageHeight: image.height,
    imageBytes: bytes.length,
    body,
  };

  deps.metrics.blobsPending.inc();
  let inserted: boolean;
  try {
    await deps.blobs.put(key, bytes, image.type);
    started = observe(stages, 'blob_put', started);
    try {
      inserted = await deps.inserts.insert({ annotation, record: idempotency === undefined ? undefined : { ...idempotency, status: 201, body: response } });
      observe(stages, 'database', started);
    } catch (error) {
      await discard(deps, key);
      throw error;
    }
  } finally {
    deps.metrics.blobsPending.dec();
  }
  if (inserted) {
    deps.metrics.inserts.inc();
    return { statusCode: 201, body: response, replayed: false };
  }
  // Another request holds the key (a retry, or a concurrent duplicate): this one stored nothing but its image.
  await discard(deps, key);
  const first = idempotency === undefined ? null : await findIdempotencyRecord(deps.database, idempotency);
  if (first === null || idempotency === undefined) throw new Error('idempotency record vanished');
  return replay(deps, first, idempotency);
}

/** Records the time since `started` as `stage`; returns now, the next stage's start. */
function observe(histogram: ServerMetrics['insertStageDuration'], stage: 'image_check' | 'blob_put' | 'database', started: number): number {
  const now = performance.now();
  histogram.observe({ stage }, (now - started) / 1000);
  return now;
}

/** Deletes an image whose row was not stored; a failure is logged and left to the orphan sweep. */
async function discard(deps: InsertDependencies, key: string): Promise<void> {
  await deps.blobs.delete(key).catch((error: unknown) => deps.warn(`could not delete ${key} after a failed insert`, error));
}

function replay(deps: InsertDependencies, record: IdempotencyRecord, idempotency: IdempotencyKey): InsertOutcome {
  if (record.requestSha256 !== idempotency.requestSha256) {
    throw new ApiError(
      'INVALID_REQUEST',
      'This Idempotency-Key was already used with another request body',
      { kind: 'idempotency_conflict', field: 'Idempotency-Key', suggestion: 'Use a new key for a new annotation; resend the same body to retry.' },
      { statusCode: 409 },
    );
  }
  deps.metrics.idempotentReplays.inc();
  return { statusCode: record.status, body: record.body, replayed: true };
}
