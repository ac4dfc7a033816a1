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
import { lockDataDir } from './data-dir-lock.js';
import type { PgliteHost } from './pglite-worker.js';

/**
 * Opens (creating it when missing) the PGlite database in `dataDir` in a worker thread, or an in-memory one when
 * `dataDir` is `undefined`.
 */
export async function createPgliteThreadDatabase(dataDir?: string): Promise<Database> {
  let release = async () => {};
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true });
    release = await lockDataDir(dataDir);
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
    await release();
    throw error;
  }
  return new PgliteThreadDatabase(worker, host, release);
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

  readonly #release: () => Promise<void>;

  constructor(worker: Worker, host: Remote<PgliteHost>, release: () => Promise<void>) {
    this.#worker = worker;
    this.#host = host;
    this.#release = release;
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
      await this.#host.close();
    } finally {
      await this.#worker.terminate();
      await this.#release().catch(() => undefined);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('database closed');
  }
}
