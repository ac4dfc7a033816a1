/**
 * The one interface the server has to its SQL database: PGlite (embedded, the default) and a PostgreSQL server
 * (`DATABASE_URL`) both implement it, and every query is written once, in PostgreSQL's dialect, with `$n` parameters.
 */

/** Something that runs parameterised SQL: the database itself, or one transaction of it. */
export interface Queryable {
  /** Runs one statement with `$1`, `$2`… bound to `params` (never interpolated) and returns its rows. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** A SQL database the server stores its rows in. */
export interface Database extends Queryable {
  /** Which implementation this is, as `/health` reports it. */
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws (the error is
   * rethrown). Queries inside must go through the `tx` it is given.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query; rejects when it is down. */
  ping(): Promise<void>;
  /** Closes connections (or the embedded database); the object is unusable afterwards. */
  close(): Promise<void>;
}
