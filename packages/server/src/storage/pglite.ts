/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) in this process, its data directory on disk.
 * One process owns a data directory (`data-dir-lock.ts`): run one server per `DATA_DIR`, or use `DATABASE_URL` for
 * several.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.js';
import { lockDataDir } from './data-dir-lock.js';

/**
 * Opens (creating it when missing) the PGlite database in `dataDir`, or an in-memory one when `dataDir` is
 * `undefined` (tests).
 */
export async function createPgliteDatabase(dataDir?: string): Promise<Database> {
  let release = async () => {};
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true });
    release = await lockDataDir(dataDir);
  }
  try {
    return new PgliteDatabase(await PGlite.create(dataDir === undefined ? undefined : { dataDir }), release);
  } catch (error) {
    await release();
    throw error;
  }
}

class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly #pg: PGlite;
  readonly #release: () => Promise<void>;

  constructor(pg: PGlite, release: () => Promise<void>) {
    this.#pg = pg;
    this.#release = release;
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.#pg.query<Row>(sql, params as unknown[])).rows;
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    // PGlite serialises transactions itself: one connection, other queries wait until this one ends.
    return this.#pg.transaction((tx) => work(wrap(tx)));
  }

  async ping(): Promise<void> {
    if (this.#pg.closed) throw new Error('database closed');
    await this.#pg.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.#pg.closed) return;
    try {
      await this.#pg.close();
    } finally {
      await this.#release().catch(() => undefined);
    }
  }
}

function wrap(tx: Transaction): Queryable {
  return {
    async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
      return (await tx.query<Row>(sql, params as unknown[])).rows;
    },
  };
}
