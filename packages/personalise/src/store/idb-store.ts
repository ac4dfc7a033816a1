/**
 * The store in IndexedDB (through idb-keyval's `createStore`): one database per store name,
 * `emolens-personalise:<name>`, with one object store. Records:
 * - `'seq'`: the last correction number given out (never reused);
 * - `['c', seq]`: a correction (keys sort in `seq` order, oldest first);
 * - `'model'`: the trained model's export JSON.
 */
import { EmoLensError } from '@emolens/schema';
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import type { StoredCorrection } from '../correction.js';
import type { CorrectionStore, StoredState } from './correction-store.js';

/** Name of the IndexedDB database of the store `name`. */
export function personaliseDatabaseName(name: string): string {
  return `emolens-personalise:${name}`;
}

const CORRECTIONS = (): IDBKeyRange => IDBKeyRange.bound(['c'], ['c', []]);

/** The store `name` in IndexedDB. Throws `BACKEND_UNAVAILABLE` where there is no IndexedDB. */
export function idbStore(name: string): CorrectionStore {
  if (typeof indexedDB === 'undefined') {
    throw new EmoLensError('BACKEND_UNAVAILABLE', 'There is no IndexedDB here to keep the corrections in', {
      reason: 'indexedDB is undefined',
      suggestion: 'pass inMemory: true (corrections then last as long as the personaliser)',
    });
  }
  const use: UseStore = createStore(personaliseDatabaseName(name), 'personalise');
  const tx = <T>(mode: IDBTransactionMode, body: (s: IDBObjectStore) => Promise<T>): Promise<T> =>
    use(mode, async (s) => {
      const committed = promisifyRequest(s.transaction);
      committed.catch(() => undefined);
      const result = await body(s);
      await committed;
      return result;
    });
  return {
    load: () =>
      tx('readonly', async (s): Promise<StoredState> => {
        const corrections = (await promisifyRequest(s.getAll(CORRECTIONS()))) as StoredCorrection[];
        const model: unknown = await promisifyRequest(s.get('model'));
        return { corrections, model };
      }),
    append: (correction, max) =>
      tx('readwrite', async (s) => {
        const seq = (((await promisifyRequest(s.get('seq'))) as number | undefined) ?? 0) + 1;
        s.put(seq, 'seq');
        s.put(correction, ['c', seq]);
        const keys = (await promisifyRequest(s.getAllKeys(CORRECTIONS()))) as IDBValidKey[];
        for (const key of keys.slice(0, Math.max(0, keys.length - max))) s.delete(key);
      }),
    saveModel: (model) =>
      tx('readwrite', async (s) => {
        if (model === undefined) s.delete('model');
        else s.put(model, 'model');
      }),
    clear: () =>
      tx('readwrite', async (s) => {
        s.delete(CORRECTIONS());
        s.delete('model');
      }),
  };
}
