/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) in this process, its data directory on disk.
 * One process owns a data directory (`data-dir-lock.ts`): run one server per `DATA_DIR`, or use `DATABASE_URL` for
 * several.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.js';
import { lockDataDir, type DataDirLock, type DataDirLostError } from './data-dir-lock.js';

/**
 * Opens (creating it when missing) the PGlite database in `dataDir`, or an in-memory one when `dataDir` is
 * `undefined` (tests). `onLost` is called once if another process takes the data directory over (see
 * `data-dir-lock.ts`); every statement fails from then on.
 */
export async function createPgliteDatabase(dataDir?: string, onLost?: (error: DataDirLostError) => void): Promise<Database> {
  let lock: DataDirLock | undefined;
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true });
    lock = await lockDataDir(dataDir, onLost);
  }
  try {
    return new PgliteDatabase(await PGlite.create(dataDir === undefined ? undefined : { dataDir }), lock);
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly #pg: PGlite;
  readonly #lock: DataDirLock | undefined;
  /** Left open, unwritten, because the directory was lost (see `close`). */
  #abandoned = false;

  constructor(pg: PGlite, lock: DataDirLock | undefined) {
    this.#pg = pg;
    this.#lock = lock;
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    this.#lock?.assertHeld();
    return (await this.#pg.query<Row>(sql, params as unknown[])).rows;
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    // PGlite serialises transactions itself: one connection, other queries wait until this one ends.
    this.#lock?.assertHeld();
    return this.#pg.transaction(async (tx) => {
      const result = await work(wrap(tx));
      this.#lock?.assertHeld(); // no commit into a data directory another process now owns (throwing rolls back)
      return result;
    });
  }

  async ping(): Promise<void> {
    if (this.#pg.closed) throw new Error('database closed');
    this.#lock?.assertHeld();
    await this.#pg.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.#pg.closed || this.#abandoned) return;
    try {
      // Closing writes PGlite's state back: not into a directory another process now owns.
      if (this.#lock?.held() === false) this.#abandoned = true;
      else await this.#pg.close();
    } finally {
      await this.#lock?.release().catch(() => undefined);
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
