import 'fake-indexeddb/auto';
import { isEmoLensError } from '@emolens/schema';
import { describe, expect, it } from 'vitest';
import { QueueStore, queueDatabaseName } from './queue-store.js';

const RUN = Math.random().toString(36).slice(2);
let counter = 0;
/** A store on a database of its own. */
function freshName(): string {
  return `test-${RUN}-${++counter}`;
}

const body = (n: number, size = 100) => JSON.stringify({ n, pad: 'x'.repeat(size) });

describe('QueueStore', () => {
  it('rejects with INTERNAL_ERROR storage_unavailable where the page has no IndexedDB', async () => {
    const saved = globalThis.indexedDB;
    (globalThis as { indexedDB?: IDBFactory }).indexedDB = undefined;
    try {
      const error = await new QueueStore(freshName()).stats().catch((e: unknown) => e);
      expect(isEmoLensError(error) && [error.code, error.details.kind]).toEqual(['INTERNAL_ERROR', 'storage_unavailable']);
    } finally {
      globalThis.indexedDB = saved;
    }
  });

  it('counts an item by the UTF-8 bytes of its body, not its characters', async () => {
    const store = new QueueStore(freshName());
    const item = await store.add({ id: 'u', body: JSON.stringify({ meta: { note: '顔'.repeat(100) } }), createdAt: 0 }, 1e6);
    expect(item.bytes).toBe(JSON.stringify({ meta: { note: '' } }).length + 300);
  });

  it('names its database after the queue', () => {
    expect(queueDatabaseName('https://a.example/insert')).toBe('emolens-uploader:https://a.example/insert');
  });

  it('keeps items in submission order with increasing sequence numbers', async () => {
    const store = new QueueStore(freshName());
    const ids = ['a', 'b', 'c', 'd', 'e'];
    for (const [i, id] of ids.entries()) await store.add({ id, body: body(i), createdAt: 1000 + i }, 1e9);
    const queued = await store.queued();
    expect(queued.map((q) => q.id)).toEqual(ids);
    expect(queued.map((q) => q.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(queued[0]).toEqual({ id: 'a', seq: 1, createdAt: 1000, bytes: body(0).length, attempts: 0, nextAttemptAt: 0 });
    expect((await store.head())?.id).toBe('a');
    expect(await store.body(1)).toBe(body(0));
  });

  it('gives unique sequence numbers to concurrent adds (one transaction each)', async () => {
    const store = new QueueStore(freshName());
    const items = await Promise.all(Array.from({ length: 20 }, (_, i) => store.add({ id: `id${i}`, body: body(i), createdAt: i }, 1e9)));
    expect(new Set(items.map((i) => i.seq)).size).toBe(20);
    expect((await store.stats()).queued.items).toBe(20);
  });

  it('persists across a re-open of the database', async () => {
    const name = freshName();
    const first = new QueueStore(name);
    await first.add({ id: 'x', body: body(1), createdAt: 1 }, 1e9);
    await first.add({ id: 'y', body: body(2), createdAt: 2 }, 1e9);
    await first.reschedule(1, { attempts: 2, nextAttemptAt: 5000, lastAttemptAt: 4000, lastFailure: { kind: 'network', message: 'down' } });
    const second = new QueueStore(name);
    expect((await second.queued()).map((q) => [q.id, q.attempts, q.nextAttemptAt, q.lastFailure?.kind])).toEqual([
      ['x', 2, 5000, 'network'],
      ['y', 0, 0, undefined],
    ]);
    expect(await second.body(2)).toBe(body(2));
    // The sequence goes on from where the first connection left it.
    expect((await second.add({ id: 'z', body: body(3), createdAt: 3 }, 1e9)).seq).toBe(3);
  });

  it('removes sent items and keeps the counts', async () => {
    const store = new QueueStore(freshName());
    await store.add({ id: 'a', body: body(1, 10), createdAt: 1 }, 1e9);
    await store.add({ id: 'b', body: body(2, 20), createdAt: 2 }, 1e9);
    expect(await store.remove(1)).toBe(true);
    expect(await store.remove(1)).toBe(false);
    expect((await store.head())?.id).toBe('b');
    expect(await store.body(1)).toBeUndefined();
    expect(await store.stats()).toEqual({ queued: { items: 1, bytes: body(2, 20).length }, dead: { items: 0, bytes: 0 } });
    expect(await store.reschedule(1, { attempts: 1, nextAttemptAt: 1 })).toBe(false);
  });

  it('refuses an item over the byte budget with QUEUE_FULL, counting dead letters, and stores nothing of it', async () => {
    const store = new QueueStore(freshName());
    const size = body(0, 1000).length;
    await store.add({ id: 'a', body: body(0, 1000), createdAt: 1 }, size * 2);
    await store.add({ id: 'b', body: body(1, 1000), createdAt: 2 }, size * 2);
    const error = await store.add({ id: 'c', body: body(2, 1000), createdAt: 3 }, size * 2).catch((e: unknown) => e);
    expect(isEmoLensError(error) && error.code).toBe('QUEUE_FULL');
    expect(isEmoLensError(error) && error.details).toMatchObject({ maxBytes: size * 2, usedBytes: size * 2, itemBytes: size });
    expect((await store.queued()).map((q) => q.id)).toEqual(['a', 'b']);
    // A dead letter still takes room; deleting it makes room.
    await store.kill(1, { attempts: 1, deadAt: 9, reason: 'rejected', status: 400, error: { error: { code: 'INVALID_REQUEST' } }, message: 'HTTP 400' });
    await expect(store.add({ id: 'c', body: body(2, 1000), createdAt: 3 }, size * 2)).rejects.toMatchObject({ code: 'QUEUE_FULL' });
    expect(await store.deleteDead('a')).toBe(true);
    expect((await store.add({ id: 'c', body: body(2, 1000), createdAt: 3 }, size * 2)).seq).toBe(3);
    // The refused adds took no sequence number: their transactions were aborted.
    expect((await store.queued()).map((q) => [q.id, q.seq])).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('refuses an item larger than the whole budget', async () => {
    const store = new QueueStore(freshName());
    await expect(store.add({ id: 'big', body: body(0, 5000), createdAt: 1 }, 1000)).rejects.toMatchObject({ code: 'QUEUE_FULL' });
    expect(await store.stats()).toEqual({ queued: { items: 0, bytes: 0 }, dead: { items: 0, bytes: 0 } });
  });

  it('moves items to the dead letters with the server error, and back in place on retry', async () => {
    const store = new QueueStore(freshName());
    for (const id of ['a', 'b', 'c']) await store.add({ id, body: body(id.charCodeAt(0)), createdAt: 1 }, 1e9);
    const serverError = { error: { code: 'INVALID_IMAGE', message: 'too small', details: {} }, request_id: 'req_1' };
    const letter = await store.kill(2, { attempts: 1, deadAt: 50, reason: 'rejected', status: 422, error: serverError, message: 'HTTP 422' });
    expect(letter).toEqual({ id: 'b', seq: 2, createdAt: 1, bytes: body(98).length, attempts: 1, deadAt: 50, reason: 'rejected', status: 422, error: serverError, message: 'HTTP 422' });
    expect(await store.kill(2, { attempts: 1, deadAt: 50, reason: 'rejected', message: 'again' })).toBeUndefined();
    expect((await store.queued()).map((q) => q.id)).toEqual(['a', 'c']);
    expect(await store.deadLetters()).toEqual([letter]);
    expect((await store.stats()).dead).toEqual({ items: 1, bytes: body(98).length });
    // The dead letter's body is kept for a retry.
    expect(await store.body(2)).toBe(body(98));

    expect(await store.retryDead('nope')).toBeUndefined();
    const again = await store.retryDead('b');
    expect(again).toEqual({ id: 'b', seq: 2, createdAt: 1, bytes: body(98).length, attempts: 0, nextAttemptAt: 0 });
    expect((await store.queued()).map((q) => q.id)).toEqual(['a', 'b', 'c']);
    expect(await store.deadLetters()).toEqual([]);
    expect(await store.stats()).toEqual({ queued: { items: 3, bytes: 3 * body(98).length }, dead: { items: 0, bytes: 0 } });
  });

  it('deletes dead letters with their bodies', async () => {
    const store = new QueueStore(freshName());
    await store.add({ id: 'a', body: body(1), createdAt: 1 }, 1e9);
    await store.kill(1, { attempts: 3, deadAt: 5, reason: 'max_attempts', message: 'gave up' });
    expect((await store.deadLetters())[0]).not.toHaveProperty('status');
    expect(await store.deleteDead('a')).toBe(true);
    expect(await store.deleteDead('a')).toBe(false);
    expect(await store.body(1)).toBeUndefined();
    expect(await store.stats()).toEqual({ queued: { items: 0, bytes: 0 }, dead: { items: 0, bytes: 0 } });
  });

  it('clears everything but keeps counting sequence numbers', async () => {
    const store = new QueueStore(freshName());
    await store.add({ id: 'a', body: body(1), createdAt: 1 }, 1e9);
    await store.add({ id: 'b', body: body(2), createdAt: 1 }, 1e9);
    await store.kill(1, { attempts: 1, deadAt: 5, reason: 'conflict', status: 409, message: 'HTTP 409' });
    await store.clear();
    expect(await store.queued()).toEqual([]);
    expect(await store.deadLetters()).toEqual([]);
    expect(await store.body(2)).toBeUndefined();
    expect(await store.stats()).toEqual({ queued: { items: 0, bytes: 0 }, dead: { items: 0, bytes: 0 } });
    expect((await store.add({ id: 'c', body: body(3), createdAt: 1 }, 1e9)).seq).toBe(3);
  });

  it('keeps queues of different names apart', async () => {
    const one = new QueueStore(freshName());
    const two = new QueueStore(freshName());
    await one.add({ id: 'a', body: body(1), createdAt: 1 }, 1e9);
    expect(await two.queued()).toEqual([]);
  });
});
