/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) in this process, its data directory on disk.
 * One process owns a data directory: run one server per `DATA_DIR`, or use `DATABASE_URL` for several.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.js';

/**
 * Opens (creating it when missing) the PGlite database in `dataDir`, or an in-memory one when `dataDir` is
 * `undefined` (tests).
 */
export async function createPgliteDatabase(dataDir?: string): Promise<Database> {
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir === undefined ? undefined : { dataDir });
  return new PgliteDatabase(pg);
}

class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly #pg: PGlite;

  constructor(pg: PGlite) {
    this.#pg = pg;
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
    if (!this.#pg.closed) await this.#pg.close();
  }
}

function wrap(tx: Transaction): Queryable {
  return {
    async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
      return (await tx.query<Row>(sql, params as unknown[])).rows;
    },
  };
}
