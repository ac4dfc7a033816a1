/**
 * The worker thread that owns the embedded database (see `pglite-thread.ts`): PGlite runs Postgres compiled to wasm
 * synchronously, and its file layer does synchronous I/O, so in the server's thread every statement would stop
 * request handling. Here it runs beside it; the server thread only sends SQL and receives rows (Comlink).
 */
import { mkdir } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';

/** Thrown inside a transaction's callback to roll it back: PGlite commits when the callback resolves. */
class Rollback extends Error {}

/** The database side of the thread: what `pglite-thread.ts` calls. */
export class PgliteHost {
  #pg: PGlite | undefined;
  #nextTx = 0;
  /** Open transactions: each waits in its PGlite callback for `endTransaction` to say commit or roll back. */
  readonly #open = new Map<number, { tx: Transaction; end: (commit: boolean) => void; done: Promise<void> }>();

  async open(dataDir: string | undefined): Promise<void> {
    if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
    this.#pg = await PGlite.create(dataDir === undefined ? undefined : { dataDir });
  }

  async query(sql: string, params: unknown[], txId?: number): Promise<Record<string, unknown>[]> {
    const runner = txId === undefined ? this.#db() : this.#tx(txId);
    return (await runner.query<Record<string, unknown>>(sql, params)).rows;
  }

  /** Starts a transaction; resolves its id once PGlite has begun it (others then wait their turn). */
  async beginTransaction(): Promise<number> {
    const id = ++this.#nextTx;
    let started!: () => void;
    const begun = new Promise<void>((resolve) => (started = resolve));
    let failBegin!: (error: unknown) => void;
    const beginFailed = new Promise<never>((_, reject) => (failBegin = reject));
    const done = this.#db()
      .transaction(async (tx) => {
        const commit = await new Promise<boolean>((end) => {
          this.#open.set(id, { tx, end, done });
          started();
        });
        if (!commit) throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
    done.catch(failBegin);
    await Promise.race([begun, beginFailed]);
    return id;
  }

  /** Commits (`commit`) or rolls back transaction `txId`; rejects when the commit fails. */
  async endTransaction(txId: number, commit: boolean): Promise<void> {
    const open = this.#open.get(txId);
    if (!open) throw new Error(`no open transaction ${txId}`);
    this.#open.delete(txId);
    open.end(commit);
    await open.done;
  }

  async ping(): Promise<void> {
    await this.#db().query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.#pg && !this.#pg.closed) await this.#pg.close();
  }

  #db(): PGlite {
    if (!this.#pg || this.#pg.closed) throw new Error('database closed');
    return this.#pg;
  }

  #tx(txId: number): Transaction {
    const open = this.#open.get(txId);
    if (!open) throw new Error(`no open transaction ${txId}`);
    return open.tx;
  }
}

if (parentPort) expose(new PgliteHost(), nodeEndpoint(parentPort));
