/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) with its data directory on disk, run in a
 * worker thread of its own (`pglite-worker.ts`). In the server's thread, PGlite's statements and its synchronous file
 * I/O took half of each request's time there (3.5 of 7 ms under load); in a thread of their own they run while the
 * server thread parses, validates and checks the next requests, and the inserts that pile up meanwhile go in one
 * statement (group commit). One process owns a data directory (`data-dir-lock.ts`): run one server per `DATA_DIR`, or
 * use `DATABASE_URL`.
 */
import { mkdir } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { wrap, type Remote } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { Database, Queryable } from './database.js';
import { lockDataDir, type DataDirLock, type DataDirLostError } from './data-dir-lock.js';
import type { PgliteHost } from './pglite-worker.js';

/**
 * Opens (creating it when missing) the PGlite database in `dataDir` in a worker thread, or an in-memory one when
 * `dataDir` is `undefined`. `onLost` is called once if another process takes the data directory over (see
 * `data-dir-lock.ts`); every statement fails from then on.
 */
export async function createPgliteThreadDatabase(dataDir?: string, onLost?: (error: DataDirLostError) => void): Promise<Database> {
  let lock: DataDirLock | undefined;
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true });
    lock = await lockDataDir(dataDir, onLost);
  }
  const worker = startWorker();
  const host = wrap<PgliteHost>(nodeEndpoint(worker));
  // A worker that fails to load or crashes while opening would leave `open` pending for ever.
  const crashed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the database thread exited (${code})`)));
  });
  try {
    await Promise.race([host.open(dataDir), crashed]);
  } catch (error) {
    await worker.terminate();
    await lock?.release();
    throw error;
  }
  return new PgliteThreadDatabase(worker, host, lock);
}

/**
 * The worker: the compiled file beside this one (dist/), or, when this module runs from its TypeScript source (the
 * tests), the source, through tsx's loader (src/testing/ts-worker.mjs), which a worker does not inherit.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./pglite-worker.js', import.meta.url));
  return new Worker(new URL('../testing/ts-worker.mjs', import.meta.url), { workerData: { entry: new URL('./pglite-worker.ts', import.meta.url).href } });
}

class PgliteThreadDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly #worker: Worker;
  readonly #host: Remote<PgliteHost>;
  #closed = false;

  readonly #lock: DataDirLock | undefined;

  constructor(worker: Worker, host: Remote<PgliteHost>, lock: DataDirLock | undefined) {
    this.#worker = worker;
    this.#host = host;
    this.#lock = lock;
    // A crashed worker fails every later call rather than leaving them pending.
    worker.once('exit', () => (this.#closed = true));
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    this.#assertOpen();
    return (await this.#host.query(sql, [...params])) as Row[];
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    this.#assertOpen();
    const txId = await this.#host.beginTransaction();
    const tx: Queryable = {
      query: async <Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) => (await this.#host.query(sql, [...params], txId)) as Row[],
    };
    let result: T;
    try {
      result = await work(tx);
    } catch (error) {
      await this.#host.endTransaction(txId, false);
      throw error;
    }
    try {
      this.#lock?.assertHeld(); // no commit into a data directory another process now owns
    } catch (error) {
      await this.#host.endTransaction(txId, false);
      throw error;
    }
    await this.#host.endTransaction(txId, true);
    return result;
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    await this.#host.ping();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      // Closing writes PGlite's state back: not into a directory another process now owns.
      if (this.#lock?.held() !== false) await this.#host.close();
    } finally {
      await this.#worker.terminate();
      await this.#lock?.release().catch(() => undefined);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('database closed');
    this.#lock?.assertHeld();
  }
}
