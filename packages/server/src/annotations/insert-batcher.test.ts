import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { imageKey, uuidv7 } from '../image/keys.js';
import type { Database } from '../storage/database.js';
import { migrate } from '../storage/migrate.js';
import { createPgliteDatabase } from '../storage/pglite.js';
import { InsertBatcher } from './insert-batcher.js';
import { insertAnnotations, type AnnotationInsert } from './repository.js';

function item(key?: string, score = 1): AnnotationInsert {
  const id = uuidv7();
  return {
    annotation: {
      id,
      createdAt: new Date(),
      imageKey: imageKey(id, 'jpg'),
      imageSha256: 'a'.repeat(64),
      imageType: 'image/jpeg',
      imageWidth: 1,
      imageHeight: 1,
      imageBytes: 1,
      body: {
        image_base64: '',
        predicted_boredom: score,
        predicted_confusion: 1,
        predicted_engagement: 1,
        predicted_frustration: 1,
        user_boredom: 1,
        user_confusion: 1,
        user_engagement: 1,
        user_frustration: 1,
      },
    },
    record: key === undefined ? undefined : { scope: '', key, requestSha256: 'b'.repeat(64), status: 201, body: { id } },
  };
}

describe('batched inserts', () => {
  let db: Database;
  const count = async (table: string) => Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);
  beforeAll(async () => {
    db = await createPgliteDatabase();
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await db.query('TRUNCATE annotations, idempotency_keys');
  });

  it('inserts several rows in one statement; a key twice is stored once, a key already taken not at all', async () => {
    expect(await insertAnnotations(db, [item('taken')])).toEqual([true]);
    const results = await insertAnnotations(db, [item(), item('k1'), item('k1'), item('taken'), item('k2'), item()]);
    expect(results).toEqual([true, true, false, false, true, true]);
    expect(await count('annotations')).toBe(5);
    expect(await count('idempotency_keys')).toBe(3);
  });

  it('groups the inserts that wait, and gives each its own outcome when a batch fails', async () => {
    const statements: number[] = [];
    const counting: Database = { ...db, kind: 'pglite', query: (sql, params) => (statements.push(params?.length ?? 0), db.query(sql, params)) };
    const batcher = new InsertBatcher(counting);
    const items = [item(), item('same'), item('same'), item(), item(undefined, 5) /* out of range: the database refuses it */, item()];
    const outcomes = await Promise.allSettled(items.map((i) => batcher.insert(i)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'rejected'))).toEqual([true, true, false, true, 'rejected', true]);
    // The first went alone; the other five waited and went together, failed on the bad row, then one by one.
    expect(statements.length).toBe(1 + 1 + 5);
    expect(await count('annotations')).toBe(4);
  });
});
