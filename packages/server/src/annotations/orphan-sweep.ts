/**
 * The orphan sweep: deletes images that have no row and are older than a grace period, left by a process that
 * died between writing an image and committing its row (or by a failed clean-up). The grace period covers inserts
 * still in flight: an image younger than it may be about to get its row.
 */
import { IMAGE_PREFIX, parseImageKey } from '../image/keys.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { Queryable } from '../storage/database.js';
import { existingAnnotationIds } from './repository.js';

/** Keys checked against the database per query. */
const BATCH = 500;

/** What {@link sweepOrphans} needs. */
export interface SweepOptions {
  database: Queryable;
  blobs: BlobStore;
  /** Minimum age of an image without a row before it is deleted. */
  graceMs: number;
  /** The current time; defaults to `Date.now()`. */
  now?: number;
  /** Called with each deleted key. */
  onDelete?: (key: string) => void;
}

/** What a sweep did. */
export interface SweepResult {
  /** Images old enough to be checked. */
  checked: number;
  /** Orphans deleted. */
  deleted: number;
}

/** Runs one sweep over every image key. Keys the server did not make are left alone. */
export async function sweepOrphans(options: SweepOptions): Promise<SweepResult> {
  const cutoff = (options.now ?? Date.now()) - options.graceMs;
  const result: SweepResult = { checked: 0, deleted: 0 };
  let batch: { key: string; id: string }[] = [];
  const flush = async (): Promise<void> => {
    const existing = await existingAnnotationIds(options.database, batch.map((entry) => entry.id));
    for (const entry of batch) {
      if (existing.has(entry.id)) continue;
      await options.blobs.delete(entry.key);
      result.deleted++;
      options.onDelete?.(entry.key);
    }
    batch = [];
  };
  for await (const key of options.blobs.list(IMAGE_PREFIX)) {
    const parsed = parseImageKey(key);
    if (parsed === null || parsed.writtenAt > cutoff) continue;
    result.checked++;
    batch.push({ key, id: parsed.id });
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return result;
}
