/**
 * The durable queue: one IndexedDB database per queue name (through idb-keyval's `createStore`), shared by every tab
 * of the origin. Each read-modify-write runs in one IndexedDB transaction, so two tabs adding or moving items at the
 * same time never lose an update, and the byte budget holds across tabs.
 *
 * Records (keys sort numbers < strings < arrays, and arrays element by element):
 * - `'seq'`: the last sequence number given out (monotonic, never reused);
 * - `['q', seq]`: a {@link QueuedItem}, the metadata of an item in the line (ordered by `seq`);
 * - `['d', seq]`: a {@link DeadLetter};
 * - `['b', seq]`: the item's request body, the exact JSON string that is sent (so every retry sends the same bytes
 *   under the same `Idempotency-Key`).
 *
 * The counts ({@link QueueStats}) are summed from the items' metadata inside each transaction, never stored: a
 * browser at its storage quota refuses every write that stores data, and a stored count rewritten by each removal
 * left a full queue unable to delete anything, `clear()` included. Removals now only delete.
 */
import { EmoLensError } from '@emolens/schema';
import { promisifyRequest, type UseStore } from 'idb-keyval';
import type { DeadReason } from './classify-response.js';

/** Why the last try of an item failed. */
export interface FailureInfo {
  /** `network`: no response (offline, DNS, CORS, timeout); `status`: a response with a retryable status. */
  kind: 'network' | 'status';
  /** The HTTP status, for `status`. */
  status?: number;
  /** What went wrong, in words. */
  message: string;
}

/** An item waiting in the line (metadata only; the body is stored beside it). */
export interface QueuedItem {
  /** Client-generated UUID, sent as the `Idempotency-Key` header. */
  id: string;
  /** Place in the line: items are sent in increasing `seq`. */
  seq: number;
  /** When it was queued, ms since the epoch. */
  createdAt: number;
  /** Size of its stored body in bytes. */
  bytes: number;
  /** Tries so far that failed transiently. */
  attempts: number;
  /** Earliest time of the next try, ms since the epoch (0: now). */
  nextAttemptAt: number;
  /** Time of the last try, if any. */
  lastAttemptAt?: number;
  /** Why the last try failed, if it did. */
  lastFailure?: FailureInfo;
}

/** An item the server refused for good (or that ran out of tries): kept until retried or deleted. */
export interface DeadLetter {
  id: string;
  seq: number;
  createdAt: number;
  bytes: number;
  /** Tries made, the last one included. */
  attempts: number;
  /** When it died, ms since the epoch. */
  deadAt: number;
  reason: DeadReason;
  /** The HTTP status of the final response (absent for `max_attempts` after network failures). */
  status?: number;
  /** The server's error body: the parsed JSON (a WIA error `{ error: { code, message, details }, request_id }`), or its text. */
  error?: unknown;
  /** What went wrong, in words. */
  message: string;
}

/** Count and bytes of a set of items. */
export interface ItemCount {
  items: number;
  bytes: number;
}

/** What the queue holds. */
export interface QueueStats {
  queued: ItemCount;
  dead: ItemCount;
}

/** The new item's fields given to {@link QueueStore.add}. */
export interface NewItem {
  id: string;
  /** The request body, JSON. */
  body: string;
  createdAt: number;
}

/**
 * idb-keyval's `createStore`, on a connection that gives way when another page deletes or upgrades the database
 * (`versionchange`: left open, the deletion waits, and every later open of the database behind it, for ever) and
 * that can be closed. One database per queue, with a single store, created with the database.
 */
function openStore(dbName: string, storeName: string): { use: UseStore; close: () => void } {
  let connection: Promise<IDBDatabase> | undefined;
  const forget = (which: Promise<IDBDatabase>) => {
    if (connection === which) connection = undefined;
  };
  const open = (): Promise<IDBDatabase> => {
    if (connection) return connection;
    const request = indexedDB.open(dbName);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName);
    const opened = promisifyRequest(request);
    connection = opened;
    opened.then(
      (db) => {
        db.onclose = () => forget(opened);
        db.onversionchange = () => {
          db.close();
          forget(opened);
        };
      },
      () => forget(opened),
    );
    return opened;
  };
  return {
    use: (mode, callback) => open().then((db) => callback(db.transaction(storeName, mode).objectStore(storeName))),
    close: () => {
      const current = connection;
      connection = undefined;
      current?.then((db) => db.close(), () => undefined);
    },
  };
}

/** Name of the IndexedDB database of the queue `name`. */
export function queueDatabaseName(name: string): string {
  return `emolens-uploader:${name}`;
}

/** The queue of one name, in IndexedDB. Every method is one transaction. */
export class QueueStore {
  private readonly use: UseStore;
  /** Closes the connection (the next call opens it again). */
  readonly close: () => void;

  /** Opens (creating on first use) the database {@link queueDatabaseName}(`name`). */
  constructor(readonly name: string) {
    ({ use: this.use, close: this.close } = openStore(queueDatabaseName(name), 'queue'));
  }

  /**
   * Appends an item at the end of the line, unless the queue's bytes plus its own would pass `maxBytes`: then it
   * throws `QUEUE_FULL` (also when IndexedDB's quota is exhausted). Resolves once the transaction has committed.
   */
  add(item: NewItem, maxBytes: number): Promise<QueuedItem> {
    const bytes = new TextEncoder().encode(item.body).length; // meta strings may be any Unicode
    return this.tx('readwrite', async (s) => {
      const stats = await countItems(s);
      const used = stats.queued.bytes + stats.dead.bytes;
      if (used + bytes > maxBytes) {
        throw new EmoLensError('QUEUE_FULL', `The upload queue is full: ${used} of ${maxBytes} bytes used, this item needs ${bytes}`, {
          reason: 'the byte budget (maxQueueBytes) would be exceeded',
          suggestion: 'wait until the queue drains, or delete dead letters',
          maxBytes,
          usedBytes: used,
          itemBytes: bytes,
        });
      }
      const seq = ((await promisifyRequest(s.get('seq'))) as number | undefined ?? 0) + 1;
      const queued: QueuedItem = { id: item.id, seq, createdAt: item.createdAt, bytes, attempts: 0, nextAttemptAt: 0 };
      s.put(seq, 'seq');
      s.put(item.body, ['b', seq]);
      s.put(queued, ['q', seq]);
      return queued;
    });
  }

  /** The first item of the line (lowest `seq`), or `undefined` when none is queued. */
  head(): Promise<QueuedItem | undefined> {
    return this.tx('readonly', async (s) => {
      const cursor = await promisifyRequest(s.openCursor(range('q')));
      return (cursor?.value as QueuedItem | undefined) ?? undefined;
    });
  }

  /** The stored request body of item `seq`, or `undefined` when it is gone. */
  body(seq: number): Promise<string | undefined> {
    return this.tx('readonly', (s) => promisifyRequest(s.get(['b', seq])) as Promise<string | undefined>);
  }

  /** Records a failed try of a queued item. Resolves to `false` when the item is no longer queued. */
  reschedule(seq: number, patch: Pick<QueuedItem, 'attempts' | 'nextAttemptAt' | 'lastAttemptAt' | 'lastFailure'>): Promise<boolean> {
    return this.tx('readwrite', async (s) => {
      const item = (await promisifyRequest(s.get(['q', seq]))) as QueuedItem | undefined;
      if (!item) return false;
      s.put({ ...item, ...patch }, ['q', seq]);
      return true;
    });
  }

  /** Forgets a queued item the server stored. Resolves to `false` when it was no longer queued. */
  remove(seq: number): Promise<boolean> {
    return this.tx('readwrite', async (s) => {
      const item = (await promisifyRequest(s.get(['q', seq]))) as QueuedItem | undefined;
      if (!item) return false;
      s.delete(['q', seq]);
      s.delete(['b', seq]);
      return true;
    });
  }

  /** Moves a queued item to the dead letters (keeping its body). Resolves to the letter, or `undefined` when it was no longer queued. */
  kill(seq: number, death: Pick<DeadLetter, 'attempts' | 'deadAt' | 'reason' | 'status' | 'error' | 'message'>): Promise<DeadLetter | undefined> {
    return this.tx('readwrite', async (s) => {
      const item = (await promisifyRequest(s.get(['q', seq]))) as QueuedItem | undefined;
      if (!item) return undefined;
      const letter: DeadLetter = { id: item.id, seq, createdAt: item.createdAt, bytes: item.bytes, ...death };
      if (letter.status === undefined) delete letter.status;
      if (letter.error === undefined) delete letter.error;
      s.delete(['q', seq]);
      s.put(letter, ['d', seq]);
      return letter;
    });
  }

  /** The queued items, in sending order. */
  queued(): Promise<QueuedItem[]> {
    return this.tx('readonly', (s) => promisifyRequest(s.getAll(range('q'))) as Promise<QueuedItem[]>);
  }

  /** The dead letters, oldest submission first. */
  deadLetters(): Promise<DeadLetter[]> {
    return this.tx('readonly', (s) => promisifyRequest(s.getAll(range('d'))) as Promise<DeadLetter[]>);
  }

  /**
   * Puts dead letter `id` back in the line, at its original place (the line is in submission order), with its tries
   * reset and due now. Resolves to the queued item, or `undefined` when there is no such dead letter.
   */
  retryDead(id: string): Promise<QueuedItem | undefined> {
    return this.tx('readwrite', async (s) => {
      const letter = await findLetter(s, id);
      if (!letter) return undefined;
      const item: QueuedItem = { id: letter.id, seq: letter.seq, createdAt: letter.createdAt, bytes: letter.bytes, attempts: 0, nextAttemptAt: 0 };
      s.delete(['d', letter.seq]);
      s.put(item, ['q', letter.seq]);
      return item;
    });
  }

  /** Deletes dead letter `id` and its body. Resolves to `false` when there is no such dead letter. */
  deleteDead(id: string): Promise<boolean> {
    return this.tx('readwrite', async (s) => {
      const letter = await findLetter(s, id);
      if (!letter) return false;
      s.delete(['d', letter.seq]);
      s.delete(['b', letter.seq]);
      return true;
    });
  }

  /** Deletes every queued item and dead letter (the sequence keeps counting). */
  clear(): Promise<void> {
    return this.tx('readwrite', async (s) => {
      // The count record of earlier versions goes too.
      for (const key of [range('q'), range('d'), range('b'), 'stats']) s.delete(key);
    });
  }

  /** Counts and bytes of the queued items and of the dead letters. */
  stats(): Promise<QueueStats> {
    return this.tx('readonly', countItems);
  }

  /**
   * Runs `body` in one transaction and resolves with its result once the transaction has committed; when `body`
   * throws, the transaction is aborted (nothing of it is written). IndexedDB's `QuotaExceededError` becomes `QUEUE_FULL`.
   */
  private async tx<T>(mode: IDBTransactionMode, body: (s: IDBObjectStore) => Promise<T>): Promise<T> {
    try {
      return await this.use(mode, async (s) => {
        const committed = promisifyRequest(s.transaction);
        committed.catch(() => undefined); // Observed below, or replaced by body's own error.
        let result: T;
        try {
          result = await body(s);
        } catch (error) {
          try {
            s.transaction.abort();
          } catch {
            // Already finished.
          }
          throw error;
        }
        await committed;
        return result;
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'QuotaExceededError') {
        throw new EmoLensError('QUEUE_FULL', 'The browser refused to store more: its storage quota for this site is used up', { reason: 'QuotaExceededError' }, { cause: error });
      }
      if (error instanceof EmoLensError) throw error;
      // No IndexedDB (a sandboxed frame, a browser setting, a profile that refuses storage), or one that fails.
      throw new EmoLensError('INTERNAL_ERROR', `The upload queue ${this.name} cannot use IndexedDB`, {
        kind: 'storage_unavailable',
        reason: error === null ? 'IndexedDB aborted the transaction' : error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        suggestion: 'The page needs IndexedDB: not in a sandboxed iframe, and with site data allowed.',
      }, { cause: error });
    }
  }
}

function range(kind: 'q' | 'd' | 'b'): IDBKeyRange {
  return IDBKeyRange.bound([kind, Number.NEGATIVE_INFINITY], [kind, Number.POSITIVE_INFINITY]);
}

async function findLetter(s: IDBObjectStore, id: string): Promise<DeadLetter | undefined> {
  const letters = (await promisifyRequest(s.getAll(range('d')))) as DeadLetter[];
  return letters.find((letter) => letter.id === id);
}

/** The counts and bytes of the queued items and dead letters, from their metadata (their bodies are not read). */
async function countItems(s: IDBObjectStore): Promise<QueueStats> {
  const sum = (items: { bytes: number }[]): ItemCount => ({ items: items.length, bytes: items.reduce((total, item) => total + item.bytes, 0) });
  const [queued, dead] = await Promise.all([promisifyRequest(s.getAll(range('q'))), promisifyRequest(s.getAll(range('d')))]);
  return { queued: sum(queued as QueuedItem[]), dead: sum(dead as DeadLetter[]) };
}
