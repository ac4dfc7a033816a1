/**
 * The training-set export: every stored annotation as an image file plus one line of `labels.csv`, read through the
 * {@link Queryable} and {@link BlobStore} interfaces, so it runs alike on PGlite or PostgreSQL, files or S3.
 *
 * Rows are read a page at a time with keyset pagination (`(created_at, id) > cursor`, on the `/load` index), so
 * memory stays bounded whatever the table size, and a page is never skipped or repeated when rows are inserted
 * meanwhile (as OFFSET paging would).
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SCORE_COLUMNS } from '../annotations/repository.js';
import { ApiError } from '../errors.js';
import { inspectImage } from '../image/inspect.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { Queryable } from '../storage/database.js';
import { csvLine } from './csv.js';

/** Rows read per query. Defaults to 500: a page of rows is a few hundred kilobytes. */
export const DEFAULT_EXPORT_PAGE_SIZE = 500;
/** Images fetched at once. Defaults to 8: enough to hide S3's latency, little memory (8 images in flight). */
export const DEFAULT_EXPORT_CONCURRENCY = 8;
/** Ids listed per kind of problem in an {@link ExportResult}; the counts go on. */
const MAX_LISTED_PROBLEMS = 100;

/** The columns of `labels.csv`, in order. `image` is the image's path relative to the output folder. */
export const LABEL_COLUMNS = ['id', 'image', 'created_at', ...SCORE_COLUMNS, 'predicted_emotion', 'user_emotion'] as const;

/** Settings of {@link exportTrainingSet}. */
export interface ExportOptions {
  database: Queryable;
  blobs: BlobStore;
  /** Folder to write `labels.csv` and `images/` into (created when missing). */
  outDir: string;
  /** Only annotations created at or after this time. Defaults to all. */
  since?: Date;
  /** Rows per query. Defaults to {@link DEFAULT_EXPORT_PAGE_SIZE}. */
  pageSize?: number;
  /** Images fetched at once. Defaults to {@link DEFAULT_EXPORT_CONCURRENCY}. */
  concurrency?: number;
  /** Called after each page with the running totals. */
  onProgress?: (progress: ExportProgress) => void;
}

/** Running totals of an export. */
export interface ExportProgress {
  /** Lines written to `labels.csv` (annotations whose image was written). */
  rows: number;
  /** Image bytes written. */
  bytes: number;
  /** Annotations left out because their image is not in the store. */
  missing: number;
  /** Annotations left out because their image's sha256 is not the one recorded with the row. */
  corrupt: number;
  /**
   * Annotations left out because their image, though stored as sent, does not decode: the server proves a JPEG
   * whole by its structure (`IMAGE_CHECK=structure`), the export decodes every image, so a training set never holds
   * a file a decoder refuses.
   */
  undecodable: number;
}

/** What {@link exportTrainingSet} wrote and left out. */
export interface ExportResult extends ExportProgress {
  /** Absolute or relative path of the `labels.csv` written. */
  labelsPath: string;
  /** Ids of the first annotations left out for a missing image. */
  missingIds: string[];
  /** Ids of the first annotations left out for a corrupt image. */
  corruptIds: string[];
  /** Ids of the first annotations left out for an image that does not decode. */
  undecodableIds: string[];
}

interface ExportRow extends Record<string, unknown> {
  id: string;
  created_at: Date | string;
  cursor_at: string;
  image_key: string;
  image_sha256: string;
  predicted_emotion: string | null;
  user_emotion: string | null;
}

/** The lowest possible cursor: before every row. */
const START_CURSOR = { at: '-infinity', id: '00000000-0000-0000-0000-000000000000' };

// `created_at::text` is the cursor: exact to the microsecond, where a JavaScript Date would round to the
// millisecond and make the next page skip or repeat rows that share a millisecond.
const PAGE_SQL = `SELECT id::text AS id, created_at, created_at::text AS cursor_at, image_key, image_sha256,
  ${SCORE_COLUMNS.join(', ')}, predicted_emotion, user_emotion
  FROM annotations
  WHERE created_at >= $1::timestamptz AND (created_at, id) > ($2::timestamptz, $3::uuid)
  ORDER BY created_at, id
  LIMIT $4`;

/**
 * Writes `outDir/images/<id>.<ext>` for each annotation (oldest first) and `outDir/labels.csv` with one line per
 * image written ({@link LABEL_COLUMNS}). `labels.csv` appears only when the export is complete (it is written
 * under a temporary name and renamed), and a line is written only after its image, so the CSV never names a file
 * that is not there. An annotation whose image is missing, does not match its recorded sha256 or does not decode
 * is left out and counted. Annotations committed while the export runs may or may not be included; run it again with `since`.
 */
export async function exportTrainingSet(options: ExportOptions): Promise<ExportResult> {
  const pageSize = options.pageSize ?? DEFAULT_EXPORT_PAGE_SIZE;
  const concurrency = options.concurrency ?? DEFAULT_EXPORT_CONCURRENCY;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be a positive integer');
  const since = options.since?.toISOString() ?? '-infinity';

  await assertAnnotationsTable(options.database);
  const imagesDir = join(options.outDir, 'images');
  await mkdir(imagesDir, { recursive: true });
  const labelsPath = join(options.outDir, 'labels.csv');
  const partialPath = `${labelsPath}.partial`;
  const labels = await open(partialPath, 'w');
  const result: ExportResult = { rows: 0, bytes: 0, missing: 0, corrupt: 0, undecodable: 0, labelsPath, missingIds: [], corruptIds: [], undecodableIds: [] };

  try {
    await labels.write(csvLine(LABEL_COLUMNS));
    let cursor = START_CURSOR;
    for (;;) {
      const page = await options.database.query<ExportRow>(PAGE_SQL, [since, cursor.at, cursor.id, pageSize]);
      if (page.length === 0) break;
      const lines = await mapConcurrently(page, concurrency, (row) => exportRow(row, options.blobs, imagesDir, result));
      // One write per page, in row order, after every image of the page is on disk.
      await labels.write(lines.filter((line) => line !== null).join(''));
      options.onProgress?.({ rows: result.rows, bytes: result.bytes, missing: result.missing, corrupt: result.corrupt, undecodable: result.undecodable });
      const last = page[page.length - 1]!;
      cursor = { at: last.cursor_at, id: last.id };
      if (page.length < pageSize) break;
    }
    await labels.sync();
    await labels.close();
    await rename(partialPath, labelsPath);
    return result;
  } catch (error) {
    await labels.close().catch(() => {});
    await rm(partialPath, { force: true });
    throw error;
  }
}

/** Writes one row's image and returns its CSV line, or `null` when the image is missing or corrupt. */
async function exportRow(row: ExportRow, blobs: BlobStore, imagesDir: string, result: ExportResult): Promise<string | null> {
  const bytes = await blobs.get(row.image_key);
  if (bytes === null) {
    result.missing++;
    if (result.missingIds.length < MAX_LISTED_PROBLEMS) result.missingIds.push(row.id);
    return null;
  }
  if (createHash('sha256').update(bytes).digest('hex') !== row.image_sha256.trim()) {
    result.corrupt++;
    if (result.corruptIds.length < MAX_LISTED_PROBLEMS) result.corruptIds.push(row.id);
    return null;
  }
  if (!(await decodes(bytes))) {
    result.undecodable++;
    if (result.undecodableIds.length < MAX_LISTED_PROBLEMS) result.undecodableIds.push(row.id);
    return null;
  }
  // The id is a UUID the server chose and the extension comes from its own key: no path can be injected.
  const extension = /\.([a-z0-9]+)$/.exec(row.image_key)?.[1] ?? 'bin';
  const file = `${row.id}.${extension}`;
  await writeFile(join(imagesDir, file), bytes);
  result.rows++;
  result.bytes += bytes.byteLength;
  return csvLine([
    row.id,
    `images/${file}`,
    new Date(row.created_at).toISOString(),
    ...SCORE_COLUMNS.map((column) => row[column] as number),
    row.predicted_emotion,
    row.user_emotion,
  ]);
}

/** Whether `bytes` decode in full (the server's strictest check); any other failure is the export's own. */
async function decodes(bytes: Uint8Array): Promise<boolean> {
  try {
    await inspectImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { decodeJpeg: true });
    return true;
  } catch (error) {
    if (error instanceof ApiError) return false;
    throw error;
  }
}

/** `work` on every item, at most `limit` at once; the results in the items' order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Rejects with a clear message when the database has no `annotations` table (the server never ran on it). */
async function assertAnnotationsTable(database: Queryable): Promise<void> {
  const [row] = await database.query<{ name: string | null }>("SELECT to_regclass('annotations')::text AS name");
  if (!row?.name) {
    throw new Error('this database has no annotations table: is it the one the server writes to (DATABASE_URL / DATA_DIR)?');
  }
}
