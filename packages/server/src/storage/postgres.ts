/**
 * {@link Database} on a PostgreSQL server (`DATABASE_URL`), through a `pg` connection pool.
 *
 * Every statement is sent with its parameters apart (the extended protocol), never spliced into the SQL. The URL
 * carries a password, so it is kept in this module's closure, never on the returned object, and scrubbed from every
 * error that leaves it.
 */
import pg from 'pg';
import type { Database, Queryable } from './database.js';

/** Connections the pool opens at most. Defaults to 10: the server's own work is short transactions. */
export const DEFAULT_POSTGRES_POOL_SIZE = 10;
/** Milliseconds {@link Database.ping} waits for `select 1`. Defaults to 2000: `/health` must answer promptly. */
export const DEFAULT_POSTGRES_PING_TIMEOUT_MS = 2_000;
/** Milliseconds a new connection may take. Defaults to 5000, so a black-holed host fails rather than hangs. */
export const DEFAULT_POSTGRES_CONNECT_TIMEOUT_MS = 5_000;

/** Settings of {@link createPostgresDatabase} other than the URL. */
export interface PostgresDatabaseOptions {
  /** Connections the pool opens at most. Defaults to {@link DEFAULT_POSTGRES_POOL_SIZE}. */
  poolSize?: number;
  /** Milliseconds `ping()` waits. Defaults to {@link DEFAULT_POSTGRES_PING_TIMEOUT_MS}. */
  pingTimeoutMs?: number;
  /** Milliseconds a new connection may take. Defaults to {@link DEFAULT_POSTGRES_CONNECT_TIMEOUT_MS}. */
  connectTimeoutMs?: number;
}

const INT8_OID = 20;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/**
 * `bigint` columns (and `count(*)`) come back as numbers when they fit, as PGlite returns them, so the two
 * implementations give the same rows; `pg` would otherwise give strings.
 */
function parseInt8(text: string): number | bigint {
  const value = BigInt(text);
  return value > MAX_SAFE || value < MIN_SAFE ? value : Number(value);
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/**
 * Connects to the PostgreSQL server at `url` (`postgres://user:password@host:port/database?…`) and checks that it
 * answers. Rejects, without the URL or its password in the message, when the URL is malformed or the server
 * cannot be reached.
 */
export async function createPostgresDatabase(url: string, options: PostgresDatabaseOptions = {}): Promise<Database> {
  const secrets = secretsOf(url);
  const scrub = <E>(error: E): E => scrubError(error, secrets);
  const pingTimeoutMs = options.pingTimeoutMs ?? DEFAULT_POSTGRES_PING_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? DEFAULT_POSTGRES_POOL_SIZE,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_POSTGRES_CONNECT_TIMEOUT_MS,
    types,
  });
  // An idle connection that the server drops (restart, failover) is reported on the pool; without a listener
  // that event would crash the process. The pool discards the connection; the next query opens a new one.
  pool.on('error', () => {});
  let closed = false;

  const run = async <Row>(target: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<Row[]> => {
    try {
      const result = await target.query(sql, params as unknown[] | undefined);
      return result.rows as Row[];
    } catch (error) {
      throw scrub(error);
    }
  };

  const database: Database = {
    kind: 'postgres',
    query: <Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => run<Row>(pool, sql, params),

    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw scrub(error);
      }
      let finished = false;
      const tx: Queryable = {
        query: <Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => {
          // A query through a tx that outlived its transaction would run outside it, on a client that another
          // request may now hold.
          if (finished) return Promise.reject(new Error('the transaction has already ended'));
          return run<Row>(client, sql, params);
        },
      };
      let broken: Error | undefined;
      // A checked-out client has no pool listener: a connection lost between two statements of `work` would be
      // an unhandled 'error' event (a crash). Noted instead; the next statement fails, and the client is destroyed.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await run(client, 'BEGIN');
        const result = await work(tx);
        await run(client, 'COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is in an unknown state: release(error) destroys it instead of pooling it.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        finished = true;
        client.off('error', onError);
        client.release(broken);
      }
    },

    async ping(): Promise<void> {
      if (closed) throw new Error('the database is closed');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`PostgreSQL did not answer within ${pingTimeoutMs} ms`)), pingTimeoutMs);
      });
      try {
        await Promise.race([run(pool, 'select 1'), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };

  try {
    await database.ping();
  } catch (error) {
    await pool.end().catch(() => {});
    throw scrub(new Error(`cannot reach PostgreSQL at ${describeTarget(url)}: ${messageOf(error)}`));
  }
  return database;
}

/** `host:port/database` of a URL, the part that is safe to log. */
function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    // pg also accepts forms that WHATWG URLs do not (an empty host with a socket path in `?host=`).
    return 'the configured URL';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The strings that must never appear in an error: the URL itself and its password, raw and decoded. */
function secretsOf(url: string): string[] {
  const secrets = new Set<string>([url]);
  try {
    const { password } = new URL(url);
    if (password) {
      secrets.add(password);
      try {
        secrets.add(decodeURIComponent(password));
      } catch {
        // A password with a malformed %-escape: its raw form is already listed.
      }
    }
  } catch {
    // Not a URL: only its whole text is secret.
  }
  // The longest first, so the URL is replaced before the password inside it.
  return [...secrets].filter((secret) => secret.length > 0).sort((a, b) => b.length - a.length);
}

/**
 * Replaces the secrets in an error's message and stack (and in the string fields `pg` adds, e.g. `detail`), and
 * drops `input` (Node's URL errors). The same error object is returned, so its class and `code` survive.
 */
function scrubError<E>(error: E, secrets: readonly string[]): E {
  if (typeof error !== 'object' || error === null) return error;
  const record = error as Record<string, unknown>;
  const clean = (text: string) => secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  for (const key of ['message', 'stack', 'detail', 'hint', 'where', 'internalQuery']) {
    const value = record[key];
    if (typeof value === 'string') {
      try {
        record[key] = clean(value);
      } catch {
        // A read-only field: nothing that pg sets is, but a foreign error might be.
      }
    }
  }
  if ('input' in record) delete record.input;
  return error;
}
