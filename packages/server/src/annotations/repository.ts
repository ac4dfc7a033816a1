/**
 * The SQL of the annotations table: every statement is a constant with `$n` parameters; column names come from
 * {@link LEARNING_STATES}, never from a request.
 */
import { LEARNING_STATES, type WakeeInsertBody } from '@emolens/schema';
import type { Queryable } from '../storage/database.js';
import type { ImageType } from '../image/inspect.js';

/** The eight score columns, `predicted_<state>` then `user_<state>`, in {@link LEARNING_STATES} order. */
export const SCORE_COLUMNS = [...LEARNING_STATES.map((s) => `predicted_${s}`), ...LEARNING_STATES.map((s) => `user_${s}`)] as const;

type ScoreColumn = `predicted_${(typeof LEARNING_STATES)[number]}` | `user_${(typeof LEARNING_STATES)[number]}`;

/** An annotation to store: the validated body and what the server learnt about its image. */
export interface NewAnnotation {
  id: string;
  /**
   * When it is stored. The server passes the time in the UUIDv7 id, so the id, the image key and the row agree;
   * omitted, the transaction's time (`now()`).
   */
  createdAt?: Date;
  imageKey: string;
  imageSha256: string;
  imageType: ImageType;
  imageWidth: number;
  imageHeight: number;
  imageBytes: number;
  body: WakeeInsertBody;
}

/** A stored annotation as `/load` returns it (no image bytes). */
export type AnnotationRow = {
  id: string;
  created_at: string;
  image_key: string;
  image_sha256: string;
  image_type: ImageType;
  image_width: number;
  image_height: number;
  image_bytes: number;
  predicted_emotion: string | null;
  user_emotion: string | null;
  predicted_probabilities: Record<string, number> | null;
  wia_face: Record<string, unknown> | null;
  meta: Record<string, unknown> | null;
} & Record<ScoreColumn, number>;

/** Each inserted column and its SQL type (the casts type the VALUES list the insert selects from). */
const INSERT_COLUMNS: readonly (readonly [string, string])[] = [
  ['id', 'uuid'],
  ['created_at', 'timestamptz'],
  ['image_key', 'text'],
  ['image_sha256', 'char(64)'],
  ['image_type', 'text'],
  ['image_width', 'integer'],
  ['image_height', 'integer'],
  ['image_bytes', 'integer'],
  ...SCORE_COLUMNS.map((column) => [column, 'double precision'] as const),
  ['predicted_emotion', 'text'],
  ['user_emotion', 'text'],
  ['predicted_probabilities', 'jsonb'],
  ['wia_face', 'jsonb'],
  ['meta', 'jsonb'],
];
/** The idempotency record's columns, after the annotation's in each VALUES row (all NULL without a key). */
const RECORD_COLUMNS: readonly (readonly [string, string])[] = [
  ['scope', 'text'],
  ['key', 'text'],
  ['request_sha256', 'char(64)'],
  ['response_status', 'integer'],
  ['response_body', 'jsonb'],
];
const ROW_COLUMNS = [...INSERT_COLUMNS, ...RECORD_COLUMNS];
const COLUMN_LIST = INSERT_COLUMNS.map(([column]) => column).join(', ');
// created_at: the given time, else the transaction's (`now()`).
const SELECT_LIST = INSERT_COLUMNS.map(([column]) => (column === 'created_at' ? 'COALESCE(created_at, now())' : column)).join(', ');

/** Most annotations one statement inserts (parameters: 30 per row). */
export const MAX_INSERT_ROWS = 64;

/**
 * The insert of `rows` annotations, in one statement: the idempotency keys are recorded first (or not, when another
 * request holds one: PostgreSQL waits for that request's commit, then does nothing; a key twice in one statement
 * is recorded once), and a row with a key is inserted only if its key was. The foreign key from a record to its row
 * is checked at the end of the statement, when both exist. Returns the ids inserted.
 */
function insertSql(rows: number): string {
  const values = Array.from(
    { length: rows },
    (_, r) => `(${ROW_COLUMNS.map(([, type], c) => `$${r * ROW_COLUMNS.length + c + 1}::${type}`).join(', ')})`,
  ).join(',\n  ');
  return `WITH input (${ROW_COLUMNS.map(([column]) => column).join(', ')}) AS (VALUES
  ${values}
),
recorded AS (
  INSERT INTO idempotency_keys (scope, key, request_sha256, annotation_id, response_status, response_body)
  SELECT scope, key, request_sha256, id, response_status, response_body FROM input WHERE key IS NOT NULL
  ON CONFLICT (scope, key) DO NOTHING
  RETURNING annotation_id
)
INSERT INTO annotations (${COLUMN_LIST})
SELECT ${SELECT_LIST} FROM input WHERE key IS NULL OR id IN (SELECT annotation_id FROM recorded)
RETURNING id::text AS id`;
}

const SQL_BY_ROWS = new Map<number, string>();

/** The idempotency record to store with an annotation. */
export interface IdempotencyRecordInput {
  scope: string;
  key: string;
  requestSha256: string;
  status: number;
  body: Record<string, unknown>;
}

/** An annotation to insert, with its idempotency record when it has a key. */
export interface AnnotationInsert {
  annotation: NewAnnotation;
  record?: IdempotencyRecordInput | undefined;
}

/**
 * Inserts annotations (at most {@link MAX_INSERT_ROWS}) in one atomic statement; for each, `true` when it was
 * inserted, `false` when its idempotency key had already been recorded (by an earlier request, or by an earlier
 * item of `items`), in which case nothing of it was stored.
 */
export async function insertAnnotations(db: Queryable, items: readonly AnnotationInsert[]): Promise<boolean[]> {
  if (items.length === 0) return [];
  if (items.length > MAX_INSERT_ROWS) throw new RangeError(`at most ${MAX_INSERT_ROWS} annotations per statement`);
  let sql = SQL_BY_ROWS.get(items.length);
  if (sql === undefined) {
    sql = insertSql(items.length);
    SQL_BY_ROWS.set(items.length, sql);
  }
  const rows = await db.query<{ id: string }>(sql, items.flatMap(rowValues));
  const inserted = new Set(rows.map((row) => row.id));
  return items.map((item) => inserted.has(item.annotation.id));
}

/**
 * Inserts `annotation`, with `record` when given, atomically; returns `false` (and inserts nothing) when another
 * request recorded the same idempotency key first.
 */
export async function insertAnnotation(db: Queryable, annotation: NewAnnotation, record?: IdempotencyRecordInput): Promise<boolean> {
  const [inserted] = await insertAnnotations(db, [{ annotation, record }]);
  return inserted!;
}

function rowValues({ annotation, record }: AnnotationInsert): unknown[] {
  const { body } = annotation;
  const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
  return [
    annotation.id,
    annotation.createdAt?.toISOString() ?? null,
    annotation.imageKey,
    annotation.imageSha256,
    annotation.imageType,
    annotation.imageWidth,
    annotation.imageHeight,
    annotation.imageBytes,
    ...SCORE_COLUMNS.map((column) => body[column as ScoreColumn & keyof WakeeInsertBody]),
    body.predicted_emotion ?? null,
    body.user_emotion ?? null,
    json(body.predicted_probabilities),
    json(body.wia_face),
    json(body.meta),
    record?.scope ?? null,
    record?.key ?? null,
    record?.requestSha256 ?? null,
    record?.status ?? null,
    record === undefined ? null : JSON.stringify(record.body),
  ];
}

const SELECT_SQL = `SELECT id::text AS id, created_at, image_key, image_sha256, image_type, image_width, image_height, image_bytes,
  ${SCORE_COLUMNS.join(', ')}, predicted_emotion, user_emotion, predicted_probabilities, wia_face, meta
  FROM annotations ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`;

/** One page of annotations, newest first. */
export async function listAnnotations(db: Queryable, limit: number, offset: number): Promise<AnnotationRow[]> {
  const rows = await db.query<Record<string, unknown>>(SELECT_SQL, [limit, offset]);
  return rows.map((row) => ({ ...row, created_at: new Date(row['created_at'] as string | Date).toISOString() }) as AnnotationRow);
}

/** The ones of `ids` that have a row. */
export async function existingAnnotationIds(db: Queryable, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.query<{ id: string }>('SELECT id::text AS id FROM annotations WHERE id = ANY($1::uuid[])', [ids]);
  return new Set(rows.map((row) => row.id));
}

/** Number of stored annotations. */
export async function countAnnotations(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM annotations');
  return Number(rows[0]!.n);
}
