/**
 * Group commit for annotation inserts: inserts that arrive while a statement is running are sent together in the
 * next one. With PGlite (one connection, in the server's thread) a statement's fixed cost dominates: one statement
 * for eight rows costs about what two single-row statements do. An insert that finds the database idle goes at once,
 * so batching adds no latency when the server is not busy.
 */
import type { Queryable } from '../storage/database.js';
import { insertAnnotations, MAX_INSERT_ROWS, type AnnotationInsert } from './repository.js';

interface Pending {
  item: AnnotationInsert;
  resolve: (inserted: boolean) => void;
  reject: (error: unknown) => void;
}

/** Submits annotation inserts, batching those that wait. */
export class InsertBatcher {
  readonly #db: Queryable;
  readonly #concurrency: number;
  #queue: Pending[] = [];
  #running = 0;

  /**
   * @param db Where to insert.
   * @param concurrency Statements in flight at once: 1 for PGlite (it runs one at a time anyway); more for a
   *   PostgreSQL pool, so one slow round trip does not hold every insert.
   */
  constructor(db: Queryable, concurrency = 1) {
    this.#db = db;
    this.#concurrency = concurrency;
  }

  /** Inserts `item` (see `insertAnnotations`): `true` when stored, `false` when its idempotency key was taken. */
  insert(item: AnnotationInsert): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#next();
    });
  }

  #next(): void {
    while (this.#running < this.#concurrency && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_INSERT_ROWS);
      this.#running++;
      void this.#run(batch).finally(() => {
        this.#running--;
        this.#next();
      });
    }
  }

  async #run(batch: Pending[]): Promise<void> {
    try {
      const results = await insertAnnotations(
        this.#db,
        batch.map((pending) => pending.item),
      );
      batch.forEach((pending, i) => pending.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad row must not fail the others: retry each alone, so each gets its own outcome.
      for (const pending of batch) {
        await insertAnnotations(this.#db, [pending.item]).then(([inserted]) => pending.resolve(inserted!), pending.reject);
      }
    }
  }
}
